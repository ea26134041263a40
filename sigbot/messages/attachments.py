"""Which messages carry a calendar file, and the file itself (``sigbot.messages.calendar``).

Meeting invitations, moves and cancellations, and the appointment notices (the first reminder,
a move, a cancellation) go to Telegram with an ``.ics`` file, so the person can put the event
in their own calendar and a move or cancellation updates it there (same UID, higher SEQUENCE).
The file's title is in the message's own language; an SMS carries no file.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sigbot.channels.base import Attachment
from sigbot.messages.calendar import event_ics, event_uid, ics_filename
from sigbot.messages.texts import MEETING_WORDS
from sigbot.models import ChannelKind, MeetingKind, MessageKind, SubjectType
from sigbot.models.messaging import OutboxMessage

CANCELLING = frozenset({MessageKind.APPOINTMENT_CANCELLED, MessageKind.MEETING_CANCELLED})
WITH_CALENDAR = frozenset(
    {
        MessageKind.MEETING_INVITATION,
        MessageKind.OFFICIALS_INVITATION,
        MessageKind.MEETING_MOVED,
        MessageKind.APPOINTMENT_MOVED,
        *CANCELLING,
    }
)
EVENTS = {SubjectType.APPOINTMENT: "appointment", SubjectType.MEETING: "meeting"}


class Titles:
    """What the calendar entry is called, in the reader's language."""

    def __init__(self, text: Any) -> None:
        self.text = text  # a catalog's ``text(language, msgid)``

    def of(self, row: OutboxMessage, language: str) -> str:
        params = row.params or {}
        if row.subject_type == SubjectType.APPOINTMENT:
            return str(params.get("what") or "")
        kind = params.get("kind") or MeetingKind.NETWORK
        return str(self.text(language, MEETING_WORDS.get(MeetingKind(kind), "network meeting")))


def carries_calendar(row: OutboxMessage) -> bool:
    """Telegram messages about an event's time; the day-before reminder is the first notice
    of an appointment (it has no invitation of its own)."""
    if row.channel != ChannelKind.TELEGRAM or row.subject_type not in EVENTS:
        return False
    first_reminder = (
        row.kind == MessageKind.APPOINTMENT_REMINDER and (row.params or {}).get("variant") == "plan"
    )
    return row.kind in WITH_CALENDAR or first_reminder


def calendar_file(row: OutboxMessage, title: str, stamp: datetime) -> Attachment | None:
    """The ``.ics`` for ``row``'s event, or None when the row says too little to make one."""
    params = row.params or {}
    if not carries_calendar(row) or row.subject_id is None or "when_utc" not in params:
        return None
    event = EVENTS[SubjectType(str(row.subject_type))]
    start = datetime.fromisoformat(str(params["when_utc"]))
    tz_name = str(params.get("tz") or "Europe/Stockholm")
    data = event_ics(
        uid=event_uid(event, row.subject_id),
        title=title,
        start=start,
        end=None,
        tz_name=tz_name,
        location=str(params.get("place") or "") or None,
        sequence=int(params.get("sequence") or 0),
        cancelled=row.kind in CANCELLING,
        stamp=stamp,
    )
    return Attachment(ics_filename(title, start, tz_name), data)
