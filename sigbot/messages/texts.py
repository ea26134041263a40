"""Every text a person reads, composed from the message catalogs in their language.

Texts for SMS are discreet (a lock screen can be read by others): they never name social
services, the police, the clinic or the reason for a meeting, only the time and how to answer,
and stay within one GSM-7 segment where possible. Telegram texts may say more: the chat is the
person's own and names what and where.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from babel.dates import format_datetime

from sigbot.channels.base import Button
from sigbot.messages.replies import ReplyKind, callback_data
from sigbot.timeutil import zone


class Catalog(Protocol):
    def text(self, language: str, msgid: str, **params: Any) -> str: ...


# The English source texts are the message ids (gettext style).
SMS = {
    "welcome_sms": "Hi! You will get reminders from this number. Answer 1 = yes/done, "
    "2 = I need help, 3 = no/can't. Send STOP to stop.",
    "appointment_reminder": "Reminder: you have an appointment {when}. "
    "Answer 1 coming, 2 help, 3 can't come.",
    "appointment_moved": "Your appointment has moved to {when}.",
    "appointment_cancelled": "Your appointment {when} is cancelled.",
    "meeting_invitation": "You are invited to a meeting {when}. "
    "Answer 1 coming, 2 help, 3 can't come.",
    "meeting_reminder": "Reminder: meeting {when}. Answer 1 coming, 2 help, 3 can't come.",
    "officials_invitation": "You are invited to a meeting {when}. "
    "Answer 1 coming, 2 help, 3 can't come.",
    "check_in": "How is it going with what we agreed? Answer 1 done, 2 help, 3 not done.",
    "commitment_due": "Did you do what you promised for today? Answer 1 done, 2 help, 3 not done.",
    "resting_check_in": "Hi! How are you? Answer 1 all good, 2 I need help.",
    "plan_notice": "You have a new plan until the next meeting. "
    "Ask your contact person if you want it read out.",
    "ack_yes": "Thanks for answering!",
    "ack_help": "We have told {coordinator}. You will be contacted soon.",
    "ack_no": "OK, thanks for telling us. {coordinator} will get in touch.",
    "ack_unknown": "Thanks, your message has been passed on.",
    "unknown_sender": "This number does not recognise you. If you expected messages, "
    "talk to your contact person.",
}

TELEGRAM = {
    "welcome_sms": SMS["welcome_sms"],
    "appointment_reminder": "Reminder: {what} {when}{at_place}. Are you coming?",
    "appointment_moved": "{what} has moved. New time: {when}{at_place}.",
    "appointment_cancelled": "{what} {when} is cancelled.",
    "meeting_invitation": "You are invited to a network meeting {when}{at_place}. Can you come?",
    "meeting_reminder": "Reminder: network meeting {when}{at_place}. Are you coming?",
    "officials_invitation": "Officials' meeting (without the family) before the network "
    "meeting: {when}{at_place}. Can you come?",
    "check_in": "How is it going with this: “{text}”?",
    "commitment_due": "Today is the day for: “{text}”. Did you do it?",
    "resting_check_in": "Hi {name}! It's been a while. How are you doing?",
    "plan_notice": "Your commitments until the next meeting:\n{items}",
    "ack_yes": SMS["ack_yes"],
    "ack_help": SMS["ack_help"],
    "ack_no": SMS["ack_no"],
    "ack_unknown": SMS["ack_unknown"],
    "unknown_sender": SMS["unknown_sender"],
    "linked": "Hi {name}! You will get your reminders here.",
    "link_invalid": "That link does not work (it is old or already used). "
    "Ask your contact person for a new one.",
    # For coordinators (Telegram only): detailed on purpose.
    "escalation": "⚠️ {case}: {who} — {what}\nAnswer: {answer}\nLatest:\n{events}",
    "escalation_team_lead": "⚠️ Not acknowledged in time. {case}: {who} — {what}\n"
    "Answer: {answer}\nLatest:\n{events}",
    "delivery_failed": "Could not reach {who} on {channel}: {reason}.{fallback_note}",
    "reply_attention": "{case}: {who} wrote: “{text}”",
    "opted_out": "{case}: {who} sent STOP and gets no more SMS.",
    "opted_in": "{case}: {who} sent START and gets SMS again.",
    "consent_expiring": "{case}: a consent ends in {days} days ({date}). Renew it in time.",
    "meeting_overdue": "{case}: no network meeting is planned within four weeks of the last "
    "one ({last}). Plan one before {deadline}.",
    "daily_overview": "Good morning! Your cases on {date}:\n{lines}",
}

PROMPT_LABELS = {
    "appointment_reminder": ("I'm coming", "I need help", "I can't come"),
    "meeting_invitation": ("I'm coming", "I need help", "I can't come"),
    "officials_invitation": ("I'm coming", "I need help", "I can't come"),
    "meeting_reminder": ("I'm coming", "I need help", "I can't come"),
    "check_in": ("Done", "I need help", "Not done"),
    "commitment_due": ("Done", "I need help", "Not done"),
    "resting_check_in": ("All good", "I need help", "Not so good"),
}
ESCALATION_LABELS = (("Acknowledge", "a"), ("I'll call", "c"), ("Call a meeting", "m"))
PLACE = ", {place}"
FALLBACK_TRYING = " Trying their other channel."
FALLBACK_NONE = " Please contact them another way."
# Values that reach coordinators inside other texts; translated when they are known ids.
TWO_MISSES = "{n} misses within 7 days: an extra network meeting is proposed"
VALUE_MSGIDS = (
    "I need help",
    "can't come",
    "not done",
    "no answer",
    "asked for help",
    "the person blocked the bot",
    "the number has opted out (STOP)",
    "not a number that can receive SMS",
    "chat not found",
    "Twilio is busy (rate limited)",
    "Telegram did not answer in time",
)
_BASE_MSGIDS = (PLACE, FALLBACK_TRYING, FALLBACK_NONE, TWO_MISSES, *VALUE_MSGIDS)
TRANSLATED_VALUES = ("answer", "what", "reason")
OVERVIEW_LINE = "{ref}{paused}: {alerts} ⚠ open, {misses} ✗ since yesterday"
OVERVIEW_TODAY = "; today: {events}"
OVERVIEW_PAUSED = " (paused)"
EXTRA_MSGIDS: tuple[str, ...] = (*_BASE_MSGIDS, OVERVIEW_LINE, OVERVIEW_TODAY, OVERVIEW_PAUSED)


def format_when(moment: datetime, tz_name: str, language: str) -> str:
    """A short local date and time a teenager reads easily: "tors 26 nov. 10:00"."""
    local = moment.astimezone(zone(tz_name))
    try:
        return str(format_datetime(local, "EEE d MMM HH:mm", locale=language))
    except (ValueError, LookupError):
        return str(format_datetime(local, "EEE d MMM HH:mm", locale="en"))


class MessageComposer:
    """Renders message kinds into texts and buttons in the recipient's language."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def expects_reply(self, kind: str) -> bool:
        return kind in PROMPT_LABELS

    def render(self, kind: str, channel: str, language: str, params: dict[str, Any]) -> str:
        table = SMS if channel == "sms" else TELEGRAM
        msgid = table.get(kind) or TELEGRAM.get(kind)
        if msgid is None:
            raise KeyError(f"no text for message kind {kind!r}")
        values = self._values(kind, language, params)
        return self.catalog.text(language, msgid, **values)

    def _values(self, kind: str, language: str, params: dict[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {k: v for k, v in params.items() if not isinstance(v, list)}
        for key in TRANSLATED_VALUES:
            if values.get(key) in VALUE_MSGIDS:
                values[key] = self.catalog.text(language, str(values[key]))
        if params.get("what_id") == TWO_MISSES:
            values["what"] = self.catalog.text(language, TWO_MISSES, n=params.get("n", 2))
        if "when_utc" in params:
            values["when"] = format_when(
                datetime.fromisoformat(str(params["when_utc"])),
                str(params.get("tz") or "Europe/Stockholm"),
                language,
            )
        place = str(params.get("place") or "")
        values["at_place"] = self.catalog.text(language, PLACE, place=place) if place else ""
        if kind == "daily_overview":
            values["lines"] = "\n".join(
                self._overview_line(language, case) for case in params.get("cases", [])
            )
        if "items" in params:
            values["items"] = "\n".join(f"• {item}" for item in params["items"])
        if kind == "delivery_failed":
            values["fallback_note"] = (
                self.catalog.text(language, FALLBACK_TRYING)
                if params.get("fallback")
                else self.catalog.text(language, FALLBACK_NONE)
            )
        values.setdefault("coordinator", "")
        return values

    def _overview_line(self, language: str, case: dict[str, Any]) -> str:
        paused = self.catalog.text(language, OVERVIEW_PAUSED) if case.get("paused") else ""
        line = "• " + self.catalog.text(
            language,
            OVERVIEW_LINE,
            ref=case["ref"],
            paused=paused,
            alerts=case["alerts"],
            misses=case["misses"],
        )
        if case.get("today"):
            line += self.catalog.text(language, OVERVIEW_TODAY, events=case["today"])
        return line

    def buttons(
        self, kind: str, channel: str, language: str, outbox_id: int, params: dict[str, Any]
    ) -> tuple[tuple[Button, ...], ...]:
        if channel != "telegram":
            return ()
        if kind in PROMPT_LABELS:
            yes, help_, no = (self.catalog.text(language, label) for label in PROMPT_LABELS[kind])
            return (
                (
                    Button(yes, callback_data(ReplyKind.YES, outbox_id)),
                    Button(no, callback_data(ReplyKind.NO, outbox_id)),
                ),
                (Button(help_, callback_data(ReplyKind.HELP, outbox_id)),),
            )
        if kind in ("escalation", "escalation_team_lead") and "escalation_id" in params:
            eid = int(params["escalation_id"])
            return (
                tuple(
                    Button(self.catalog.text(language, label), f"e:{code}:{eid}")
                    for label, code in ESCALATION_LABELS
                ),
            )
        return ()


class SourceCatalog:
    """The English source texts with placeholders filled: the catalog of last resort."""

    def text(self, language: str, msgid: str, **params: Any) -> str:
        return msgid.format(**params) if params else msgid
