"""Misses and unanswered questions: a reminder or check-in nobody answered in time counts as
missed and goes to the coordinator; a due commitment without "done" is missed."""

from __future__ import annotations

from datetime import datetime

from sigbot.models import (
    FAMILY_ROLES,
    REACHED_STATES,
    Answer,
    EscalationReason,
    JournalKind,
    Member,
    MessageKind,
    OutboxMessage,
    SubjectType,
)
from sigbot.scheduler.decisions import Decision, Escalate, Journal, Unanswered
from sigbot.scheduler.state import CaseState


def plan(state: CaseState, now: datetime) -> list[Decision]:
    decisions: list[Decision] = []
    for prompt in state.outbox:
        if _overdue(prompt, now):
            decisions += _missed(state, prompt)
    return decisions


def _overdue(prompt: OutboxMessage, now: datetime) -> bool:
    return (
        prompt.expects_reply
        and prompt.answered_at is None
        and prompt.reply_by is not None
        and prompt.reply_by <= now
        and prompt.state in REACHED_STATES
    )


def _missed(state: CaseState, prompt: OutboxMessage) -> list[Decision]:
    assert prompt.id is not None
    member = state.members.get(prompt.member_id or -1)
    if member is None or prompt.subject_id is None:
        return [Unanswered(prompt.id)]
    if _answered_elsewhere(state, prompt, member):
        return [Unanswered(prompt.id)]  # they answered an earlier reminder of the same thing
    what = str(prompt.params.get("what_when") or prompt.params.get("text") or prompt.kind)
    reason = EscalationReason.NO_REPLY
    unanswered = Unanswered(prompt.id)
    if prompt.subject_type == SubjectType.COMMITMENT:
        commitment = state.live_commitment(prompt.subject_id)
        if commitment is None:
            return [unanswered]  # no longer in the plan (or done): nothing left to miss
        overdue = prompt.kind == MessageKind.COMMITMENT_DUE
        unanswered = Unanswered(prompt.id, commitment.id, overdue)
        reason = EscalationReason.OVERDUE if overdue else reason
    elif prompt.subject_type == SubjectType.MEETING and member.role not in FAMILY_ROLES:
        return [unanswered]  # professionals who do not answer an invitation are not chased
    journal_kind = (
        JournalKind.COMMITMENT_MISSED
        if prompt.subject_type == SubjectType.COMMITMENT
        else JournalKind.REMINDER_UNANSWERED
    )
    return [
        unanswered,
        Journal(
            journal_kind,
            f"no answer from {member.name} to {prompt.kind}: {what}",
            member_key=member.key,
            data={"outbox_id": prompt.id, "kind": prompt.kind, "what": what},
            about_question=prompt.id,
        ),
        Escalate(
            member.id,
            reason,
            what,
            "no answer",
            dedupe_key=f"{reason}|{prompt.subject_type}|{prompt.subject_id}|"
            f"{prompt.params.get('when_utc', prompt.id)}",
            subject=(prompt.subject_type or "", prompt.subject_id),
            about_question=prompt.id,
        ),
    ]


def _answered_elsewhere(state: CaseState, prompt: OutboxMessage, member: Member) -> bool:
    """Whether the person already answered another reminder of the same event."""
    if prompt.subject_type == SubjectType.APPOINTMENT:
        appt = next((a for a in state.appointments if a.id == prompt.subject_id), None)
        return appt is not None and appt.answer != Answer.PENDING
    if prompt.subject_type == SubjectType.MEETING and prompt.subject_id is not None:
        invitation = state.invitations_of(prompt.subject_id, member.id)
        return invitation is not None and invitation.answer != Answer.PENDING
    return False
