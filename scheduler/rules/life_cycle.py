"""Life cycle: a pause holds the follow-up until its end; closing cancels what is pending and
puts the young person on the resting list with a light monthly check-in."""

from __future__ import annotations

from datetime import datetime, timedelta

from sigbot.models import (
    HELD_WHILE_PAUSED,
    CaseStatus,
    MessageKind,
    OutboxState,
    Role,
    Topic,
)
from sigbot.scheduler.decisions import Cancel, ChangeStatus, CloseQuestions, Decision, Queue
from sigbot.scheduler.state import CaseState
from sigbot.timeutil import local_to_utc

RESTING_MONTH = timedelta(days=30)  # the resting list's check-in comes every 30 days


def plan(state: CaseState, now: datetime) -> list[Decision]:
    """Resume a pause that ended, hold back what a pause holds, move a closed case to rest."""
    case = state.case
    pending = [row for row in state.outbox if row.state == OutboxState.PENDING]
    if case.status == CaseStatus.PAUSED:
        if case.paused_until is not None and case.paused_until <= now:
            return [ChangeStatus(CaseStatus.ACTIVE, "pause over: reminders resume")]
        held = tuple(r.id for r in pending if r.kind in HELD_WHILE_PAUSED and r.id is not None)
        # Questions asked before the pause are not chased: no alert weeks later, at night.
        chased = tuple(
            r.id
            for r in state.outbox
            if r.id is not None and r.reply_by is not None and r.answered_at is None
        )
        return [
            *([Cancel(held, "case paused")] if held else []),
            *([CloseQuestions(chased)] if chased else []),
        ]
    if case.status == CaseStatus.CLOSED:
        resting_until = now + state.policy.resting_period
        until = resting_until.astimezone(state.tz).date().isoformat()
        everything = tuple(r.id for r in pending if r.id is not None)
        return [
            *([Cancel(everything, "case closed")] if everything else []),
            ChangeStatus(
                CaseStatus.RESTING, f"closed; on the resting list until {until}", resting_until
            ),
        ]
    return []


def resting_check_in(state: CaseState, now: datetime) -> list[Decision]:
    """Once a month while on the resting list: "how are you?" to the young person."""
    case = state.case
    if case.resting_until is None or now >= case.resting_until:
        return []
    youth = next((m for m in state.members.values() if m.role == Role.YOUTH), None)
    if youth is None or youth.id is None:
        return []
    months = (now - case.status_since) // RESTING_MONTH
    if months < 1:
        return []
    first = case.status_since + RESTING_MONTH * months
    at = local_to_utc(
        datetime.combine(first.astimezone(state.tz).date(), state.policy.check_in_at),
        state.tz,
        strict=False,
    )
    if at > now:
        return []
    return [
        Queue(
            youth.id,
            MessageKind.RESTING_CHECK_IN,
            Topic.REMINDERS,
            key=f"resting|{case.id}|{months}",
            at=at,
            params={"name": youth.name},
            not_after=at + timedelta(days=3),
            chase=True,
        )
    ]
