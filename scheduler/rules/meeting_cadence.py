"""Network meetings at least every four weeks: a week before the four weeks run out with no
next network meeting planned, the coordinator hears (in time to call one)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sigbot.models import EventStatus, MeetingKind, MessageKind
from sigbot.scheduler.decisions import Decision, TellCoordinators
from sigbot.scheduler.state import CaseState

MEETING_EVERY = timedelta(days=28)
WARN_BEFORE = timedelta(days=7)


def plan(state: CaseState, now: datetime) -> list[Decision]:
    network = [
        m
        for m in state.meetings
        if m.kind == MeetingKind.NETWORK and m.status != EventStatus.CANCELLED
    ]
    past = [m for m in network if m.starts_at <= now]
    if not past:
        return []
    last = max(past, key=lambda m: m.starts_at)
    deadline = last.starts_at + MEETING_EVERY
    if now < deadline - WARN_BEFORE:
        return []
    if any(last.starts_at < m.starts_at <= deadline for m in network):
        return []
    return [
        TellCoordinators(
            MessageKind.MEETING_OVERDUE,
            key=f"cadence|{last.id}",
            params={
                "case": state.case.ref,
                "last": state.local_text(last.starts_at),
                "deadline": deadline.astimezone(state.tz).date().isoformat(),
            },
        )
    ]
