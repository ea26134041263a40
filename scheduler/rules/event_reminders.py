"""Event reminders: appointments and meetings share one shape.

An event has a time, a status and the people to remind. Its reminders carry the event's time in
their key (``appt|12|1795683600|0``), so moving the event makes new keys: the old reminders are
cancelled, questions about the old time are closed, and whoever had already been told is told
the new time (or that it is off).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from sigbot.models import (
    FAMILY_ROLES,
    REACHED_STATES,
    TIME_TELLING,
    Appointment,
    EventStatus,
    Meeting,
    MeetingKind,
    Member,
    MessageKind,
    OutboxMessage,
    OutboxState,
    SubjectType,
    Topic,
)
from sigbot.scheduler.decisions import Cancel, CloseQuestions, Decision, Queue
from sigbot.scheduler.state import CaseState
from sigbot.scheduler.timing import reminder_times

# The appointment's own messages whose key carries its time (a move makes new ones).
TIMED_KINDS = frozenset({MessageKind.APPOINTMENT_REMINDER, MessageKind.APPOINTMENT_FOLLOW_UP})
# Asking whether they went: two hours after the start (out of quiet hours), for two days.
FOLLOW_UP_AFTER = timedelta(hours=2)
FOLLOW_UP_UNTIL = timedelta(days=2)
# A reminder at least this long before the event asks how they will get there.
PLAN_AHEAD = timedelta(hours=12)


def appointments(state: CaseState, now: datetime) -> list[Decision]:
    decisions: list[Decision] = []
    for appt in state.appointments:
        member = state.members.get(appt.member_id)
        if member is not None and appt.id is not None:
            decisions += _appointment(state, now, appt, member)
    return decisions


def meetings(state: CaseState, now: datetime) -> list[Decision]:
    decisions: list[Decision] = []
    for meeting in state.meetings:
        if meeting.id is not None:
            decisions += _meeting(state, now, meeting)
    return decisions


def _appointment(
    state: CaseState, now: datetime, appt: Appointment, member: Member
) -> list[Decision]:
    assert appt.id is not None and member.id is not None
    subject = (SubjectType.APPOINTMENT, appt.id)
    prefix = f"appt|{appt.id}|{int(appt.starts_at.timestamp())}|"
    planned = appt.status == EventStatus.PLANNED
    about = list(state.about(*subject))
    decisions = _retire_old_time(
        about,
        lambda row: (
            not planned or (row.kind in TIMED_KINDS and not row.idempotency_key.startswith(prefix))
        ),
        "appointment moved" if planned else "appointment cancelled",
        lambda row: planned and prefix in row.idempotency_key,
    )
    told_other_time = _told(about, lambda key: not key.startswith(prefix))
    params = {
        "what": appt.what,
        "place": appt.place or "",
        "when_utc": appt.starts_at.isoformat(),
        "tz": state.case.timezone,
        "what_when": f"{appt.what} {state.local_text(appt.starts_at)}",
        "sequence": appt.sequence,
    }

    def notice(kind: MessageKind, key: str, event: datetime | None = None) -> Queue:
        return Queue(member.id or 0, kind, Topic.REMINDERS, key, now, params, event, None, subject)

    if appt.status == EventStatus.CANCELLED:
        if told_other_time or _told(about, lambda key: True):
            decisions.append(notice(MessageKind.APPOINTMENT_CANCELLED, f"appt-cancelled|{appt.id}"))
        return decisions
    if not planned or appt.starts_at <= now:
        return decisions
    if told_other_time:
        key = f"appt-moved|{appt.id}|{int(appt.starts_at.timestamp())}"
        decisions.append(notice(MessageKind.APPOINTMENT_MOVED, key, appt.starts_at))
    follow_up = Queue(
        member.id,
        MessageKind.APPOINTMENT_FOLLOW_UP,
        Topic.REMINDERS,
        f"{prefix}went",
        appt.starts_at + FOLLOW_UP_AFTER,
        params,
        not_after=appt.starts_at + FOLLOW_UP_UNTIL,
        subject=subject,
    )
    later = reminders(
        state,
        member,
        MessageKind.APPOINTMENT_REMINDER,
        Topic.REMINDERS,
        prefix,
        appt.starts_at,
        appt.remind,
        params,
        subject,
    )
    return [*decisions, follow_up, *later]


def _meeting(state: CaseState, now: datetime, meeting: Meeting) -> list[Decision]:
    assert meeting.id is not None
    subject = (SubjectType.MEETING, meeting.id)
    stamp = f"|{int(meeting.starts_at.timestamp())}|"
    planned = meeting.status == EventStatus.PLANNED
    about = list(state.about(*subject))
    decisions = _retire_old_time(
        about,
        lambda row: not planned or stamp not in row.idempotency_key,
        "meeting moved" if planned else "meeting cancelled",
        lambda row: planned and stamp in row.idempotency_key,
    )
    if meeting.starts_at <= now or meeting.status not in (
        EventStatus.PLANNED,
        EventStatus.CANCELLED,
    ):
        return decisions
    params = {
        "place": meeting.place or "",
        "when_utc": meeting.starts_at.isoformat(),
        "tz": state.case.timezone,
        "kind": meeting.kind,
        "what_when": f"{meeting.kind} meeting {state.local_text(meeting.starts_at)}",
        "sequence": meeting.sequence,
    }
    for invitation in state.invitations.get(meeting.id, []):
        member = state.members.get(invitation.member_id)
        if member is None or member.id is None or not invitation.active:
            continue
        if meeting.kind != MeetingKind.NETWORK and member.role in FAMILY_ROLES:
            continue  # never: an officials' meeting is without the family
        own = [row for row in about if row.member_id == member.id]
        if planned:
            decisions += _invitee(state, now, meeting, member, params, own)
        elif _told(own, lambda key: True):
            key = f"meet-cancelled|{meeting.id}|{member.id}"
            decisions.append(
                Queue(
                    member.id,
                    MessageKind.MEETING_CANCELLED,
                    Topic.MEETINGS,
                    key,
                    now,
                    params,
                    not_after=meeting.starts_at,
                    subject=subject,
                )
            )
    return decisions


def _invitee(
    state: CaseState,
    now: datetime,
    meeting: Meeting,
    member: Member,
    params: dict[str, Any],
    own: list[OutboxMessage],
) -> list[Decision]:
    """The invitation (or, for who knew the old time, the news that it moved) and, for the
    young person and parents, the reminders."""
    assert meeting.id is not None and member.id is not None
    subject = (SubjectType.MEETING, meeting.id)
    stamp = f"|{int(meeting.starts_at.timestamp())}|"
    prefix = f"meet|{meeting.id}{stamp}{member.id}|"
    if _told(own, lambda key: stamp not in key):
        kind = MessageKind.MEETING_MOVED
    elif meeting.kind == MeetingKind.NETWORK:
        kind = MessageKind.MEETING_INVITATION
    else:
        kind = MessageKind.OFFICIALS_INVITATION
    decisions: list[Decision] = [
        Queue(
            member.id,
            kind,
            Topic.MEETINGS,
            key=f"{prefix}invite",
            at=now,
            params=params,
            event=meeting.starts_at,
            not_after=meeting.starts_at,
            subject=subject,
        )
    ]
    if member.role in FAMILY_ROLES:
        decisions += reminders(
            state,
            member,
            MessageKind.MEETING_REMINDER,
            Topic.MEETINGS,
            prefix,
            meeting.starts_at,
            meeting.remind,
            params,
            subject,
        )
    return decisions


def reminders(
    state: CaseState,
    member: Member,
    kind: MessageKind,
    topic: Topic,
    key_prefix: str,
    event: datetime,
    remind: tuple[timedelta, ...] | None,
    params: dict[str, Any],
    subject: tuple[SubjectType, int],
) -> list[Decision]:
    """The reminders of one event for one person, at the plan's (or the default) offsets."""
    assert member.id is not None
    return [
        Queue(
            member.id,
            kind,
            topic,
            f"{key_prefix}{i}",
            at,
            _asks_plan(params, event - at),
            event,
            event,
            subject,
            True,
        )
        for i, at in enumerate(reminder_times(event, remind, state.tz))
    ]


def _asks_plan(params: dict[str, Any], ahead: timedelta) -> dict[str, Any]:
    """A reminder the day before (or earlier) also asks how they will get there."""
    return {**params, "variant": "plan"} if ahead >= PLAN_AHEAD else params


def _retire_old_time(
    about: list[OutboxMessage],
    stale: Callable[[OutboxMessage], bool],
    reason: str,
    current: Callable[[OutboxMessage], bool],
) -> list[Decision]:
    """Cancel what is pending for an old time; close the questions about any other time."""
    cancel = tuple(
        row.id
        for row in about
        if row.id is not None and row.state == OutboxState.PENDING and stale(row)
    )
    close = tuple(
        row.id
        for row in about
        if row.id is not None and row.expects_reply and row.answered_at is None and not current(row)
    )
    return [
        *([Cancel(cancel, reason)] if cancel else []),
        *([CloseQuestions(close)] if close else []),
    ]


def _told(about: Iterable[OutboxMessage], other_time: Callable[[str], bool]) -> bool:
    """Whether a message telling this event's time reached the person for another time."""
    return any(
        row.state in REACHED_STATES and row.kind in TIME_TELLING and other_time(row.idempotency_key)
        for row in about
    )
