"""Check-ins: "how is it going with what we agreed?" on each open commitment with a rule.

The next check-in is planned after the answer to the last one (or its absence), because the
adaptive cadence thins out while commitments are kept and comes back to daily after a miss.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sigbot.models import Commitment, CommitmentStatus, MessageKind, OutboxState, SubjectType, Topic
from sigbot.scheduler.decisions import Cancel, CheckInAsked, CheckInPlanned, Decision, Queue
from sigbot.scheduler.state import CaseState
from sigbot.scheduler.timing import next_check_in

# The last check-in is still open while it waits to go out or for an answer.
WAITING = frozenset(
    {OutboxState.PENDING, OutboxState.CLAIMED, OutboxState.SENT, OutboxState.DELIVERED}
)
ANSWER_WINDOW = timedelta(hours=12)  # a check-in not sent within this is dropped


def open_commitments(state: CaseState) -> list[Commitment]:
    return [c for c in state.commitments if c.status == CommitmentStatus.OPEN]


def plan(state: CaseState, now: datetime) -> list[Decision]:
    decisions: list[Decision] = _retired(state)
    for commitment in open_commitments(state):
        member = state.members.get(commitment.owner_member_id)
        if commitment.check_in is None or member is None or not member.active:
            continue
        assert commitment.id is not None and member.id is not None
        if _awaiting_answer(state, commitment):
            continue
        at = commitment.next_check_in_at
        if at is None:
            at = next_check_in(
                commitment.check_in,
                last_at=commitment.last_check_in_at,
                outcomes=list(commitment.outcomes or []),
                now=now,
                tz=state.tz,
                at_local=state.policy.check_in_at,
            )
            decisions.append(CheckInPlanned(commitment.id, at))
        if at > now:
            continue
        decisions += [
            Queue(
                member.id,
                MessageKind.CHECK_IN,
                Topic.REMINDERS,
                key=f"checkin|{commitment.id}|{int(at.timestamp())}",
                at=at,
                params={"text": commitment.text, "area": commitment.area},
                not_after=at + ANSWER_WINDOW,
                subject=(SubjectType.COMMITMENT, commitment.id),
                chase=True,
            ),
            CheckInAsked(commitment.id, at),
        ]
    return decisions


def _retired(state: CaseState) -> list[Decision]:
    """Questions still waiting to go out about a commitment no longer in the plan."""
    stale = tuple(
        row.id
        for row in state.outbox
        if row.id is not None
        and row.state == OutboxState.PENDING
        and row.subject_type == SubjectType.COMMITMENT
        and state.live_commitment(row.subject_id) is None
    )
    return [Cancel(stale, "commitment no longer in the plan")] if stale else []


def _awaiting_answer(state: CaseState, commitment: Commitment) -> bool:
    """The adaptive interval depends on the last check-in's answer: wait for it."""
    if commitment.next_check_in_at is not None or commitment.last_check_in_at is None:
        return False
    last = state.by_key(f"checkin|{commitment.id}|{int(commitment.last_check_in_at.timestamp())}")
    return last is not None and last.answered_at is None and last.state in WAITING
