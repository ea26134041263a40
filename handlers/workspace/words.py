"""Stored values shown as words: a status, an area, a role, an answer. The database keeps the
enum value (``team_lead``); a page shows ``word("role", "team_lead")`` = "Team lead" /
"Teamledare". One table per kind, since the same value can read differently ("other" area vs.
"other" role).
"""

from __future__ import annotations

from collections.abc import Callable

from sigbot.handlers.workspace.i18n import N_

WORDS: dict[str, dict[str, str]] = {
    "area": {
        "school": N_("School"),
        "work": N_("Work"),
        "housing": N_("Housing"),
        "health": N_("Health"),
        "substance": N_("Alcohol and drugs"),
        "economy": N_("Money"),
        "crime": N_("Crime"),
        "family": N_("Family"),
        "leisure": N_("Leisure"),
        "other": N_("Other area"),
    },
    "status": {
        "proposed": N_("Proposed"),
        "active": N_("Active"),
        "paused": N_("Paused"),
        "resting": N_("Resting"),
        "closed": N_("Closed"),
    },
    "commitment": {
        "open": N_("Open"),
        "done": N_("Done"),
        "missed": N_("Missed"),
        "replaced": N_("Replaced"),
        "cancelled": N_("Cancelled"),
    },
    "event": {
        "planned": N_("Planned"),
        "held": N_("Held"),
        "kept": N_("Kept"),
        "missed": N_("Missed"),
        "cancelled": N_("Cancelled"),
    },
    "answer": {
        "pending": N_("No answer yet"),
        "yes": N_("Yes"),
        "help": N_("Needs help"),
        "no": N_("No"),
        "none": N_("Did not answer"),
        "superseded": N_("Asked again"),
    },
    "role": {
        "youth": N_("Young person"),
        "guardian": N_("Parent"),
        "coordinator": N_("Coordinator"),
        "team_lead": N_("Team lead"),
        "social_worker": N_("Social worker"),
        "police": N_("Police"),
        "school": N_("School staff"),
        "health": N_("Health care"),
        "other": N_("Other"),
        "admin": N_("Administrator"),
    },
    "level": {
        "coordinator": N_("Coordinator"),
        "backup": N_("Backup"),
        "team_lead": N_("Team lead"),
    },
    "reason": {
        "help": N_("Asked for help"),
        "cannot_come": N_("Cannot come"),
        "not_done": N_("Not done"),
        "no_reply": N_("No reply"),
        "overdue": N_("Overdue"),
        "two_misses": N_("Two misses in a week"),
    },
    "meeting": {
        "network": N_("Network meeting"),
        "officials": N_("Officials' meeting"),
    },
    "outcome": {
        "goals_met": N_("Goals met"),
        "goals_partly_met": N_("Goals partly met"),
        "goals_not_met": N_("Goals not met"),
        "moved": N_("Moved away"),
        "declined": N_("Declined to go on"),
    },
    "channel": {
        "telegram": N_("Telegram"),
        "sms": N_("SMS"),
        "none": N_("No channel"),
    },
}


def words(gettext: Callable[..., str]) -> Callable[[str, str | None], str]:
    """``word(kind, value)`` in the reader's language; an unknown value is shown as it is."""

    def word(kind: str, value: str | None) -> str:
        if value is None:
            return "–"
        label = WORDS.get(kind, {}).get(value)
        return gettext(label) if label else value

    return word
