"""Commitments falling due: at its due time a commitment asks "done?"; a yes marks it done."""

from __future__ import annotations

from datetime import datetime, timedelta

from sigbot.models import Answer, JournalKind, MessageKind, SubjectType, Topic
from sigbot.scheduler.decisions import CommitmentDone, Decision, Journal, Queue
from sigbot.scheduler.rules.check_ins import open_commitments
from sigbot.scheduler.state import CaseState

EARLY = timedelta(minutes=1)  # a pass a moment before the due time still asks on time


def plan(state: CaseState, now: datetime) -> list[Decision]:
    decisions: list[Decision] = []
    for commitment in open_commitments(state):
        member = state.members.get(commitment.owner_member_id)
        if commitment.due_at is None or member is None:
            continue
        assert commitment.id is not None and member.id is not None
        key = f"due|{commitment.id}|{int(commitment.due_at.timestamp())}"
        if commitment.due_at <= now + EARLY:
            decisions.append(
                Queue(
                    member.id,
                    MessageKind.COMMITMENT_DUE,
                    Topic.REMINDERS,
                    key=key,
                    at=commitment.due_at,
                    params={"text": commitment.text},
                    subject=(SubjectType.COMMITMENT, commitment.id),
                    chase=True,
                )
            )
        # The question itself, or its fallback on the other channel (key|via-...).
        prompt = next((r for r in state.outbox if r.idempotency_key.startswith(key)), None)
        if prompt is not None and prompt.answer == Answer.YES:
            decisions += [
                CommitmentDone(commitment.id),
                Journal(
                    JournalKind.COMMITMENT_DONE,
                    f"{member.name} did: {commitment.text}",
                    member_key=member.key,
                    data={"text": commitment.text},
                ),
            ]
    return decisions
