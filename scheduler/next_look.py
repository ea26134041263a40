"""When a case next needs the planner, if nothing about it changes before then.

Every rule decides by comparing the clock with moments stored in the case: an event's start,
a commitment's due time and next check-in, a question's answer deadline, a consent's end, a
pause's end. Between two such moments a rule decides the same as it did, so the planner need
not look; anything else (a reply, a delivery result, an edit) marks the case changed
(sigbot.planning_marks). ``tests/scheduler/test_planning_by_change.py`` proves that planning at
these moments only queues the same messages as a pass over every case every tick.

A case is also looked at after ``HEARTBEAT`` at the latest: a safety net for a change made
outside sigbot (an edit by hand in the database), not something the rules rely on.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from sigbot.models import CaseStatus, MeetingKind
from sigbot.scheduler.rules import commitments_due, consent_watch, meeting_cadence
from sigbot.scheduler.rules.life_cycle import RESTING_MONTH
from sigbot.scheduler.state import CaseState
from sigbot.timeutil import local_to_utc

HEARTBEAT = timedelta(hours=6)


def next_look(state: CaseState, now: datetime) -> datetime:
    """The first moment after ``now`` at which a rule could decide something new."""
    later = [moment for moment in moments(state) if moment > now]
    return min([now + HEARTBEAT, *later])


def moments(state: CaseState) -> Iterator[datetime]:
    """Every moment at which some rule's comparison with the clock can turn."""
    yield from _case(state)
    for consent in state.consents:
        yield consent.valid_from
        yield consent.valid_until
        yield from (consent.valid_until - timedelta(days=d) for d in consent_watch.WARN_DAYS_BEFORE)
        if consent.withdrawn_at is not None:
            yield consent.withdrawn_at
    for appointment in state.appointments:
        yield appointment.starts_at
    for meeting in state.meetings:
        yield meeting.starts_at
        if meeting.kind == MeetingKind.NETWORK:
            deadline = meeting.starts_at + meeting_cadence.MEETING_EVERY
            yield deadline - meeting_cadence.WARN_BEFORE
    for commitment in state.commitments:
        if commitment.due_at is not None:
            yield commitment.due_at - commitments_due.EARLY
        if commitment.next_check_in_at is not None:
            yield commitment.next_check_in_at
    for row in state.outbox:
        if row.reply_by is not None and row.answered_at is None:
            yield row.reply_by


def _case(state: CaseState) -> Iterator[datetime]:
    """A pause's end; on the resting list, its end and the monthly check-ins."""
    case = state.case
    if case.paused_until is not None:
        yield case.paused_until
    if case.status != CaseStatus.RESTING or case.resting_until is None:
        return
    yield case.resting_until
    months = (case.resting_until - case.status_since) // RESTING_MONTH
    for month in range(1, months + 2):
        start = case.status_since + RESTING_MONTH * month
        yield start
        local_day = start.astimezone(state.tz).date()
        yield local_to_utc(
            datetime.combine(local_day, state.policy.check_in_at), state.tz, strict=False
        )
