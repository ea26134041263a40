"""What an answer means: a reminder or check-in answered yes, "help" or no.

"I need help" is never just recorded: it alerts the coordinator at once. "Can't come" and "not
done" mark the thing missed and escalate. Two misses within seven days propose an extra network
meeting ("quick feedback and a meeting", shared/DOMAIN.md).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.escalations import escalate
from sigbot.journal import record
from sigbot.messages.replies import ReplyKind
from sigbot.messages.texts import TWO_MISSES
from sigbot.models import (
    Answer,
    Appointment,
    Case,
    Commitment,
    Escalation,
    EventStatus,
    Meeting,
    MeetingInvitation,
    Member,
    OutboxMessage,
)
from sigbot.outbox.messenger import Messenger

MISS_REASONS = ("cannot_come", "not_done", "no_reply", "overdue")
ANSWER_OF = {ReplyKind.YES: Answer.YES, ReplyKind.HELP: Answer.HELP, ReplyKind.NO: Answer.NO}


async def apply_answer(
    session: AsyncSession,
    messenger: Messenger,
    *,
    prompt: OutboxMessage,
    member: Member,
    case: Case,
    kind: ReplyKind,
    now: datetime,
) -> None:
    """Record ``kind`` as the answer to ``prompt`` and act on it."""
    answer = ANSWER_OF[kind]
    prompt.answer = answer
    prompt.answered_at = now
    session.add(prompt)
    what = await describe_subject(session, prompt)
    if prompt.subject_type == "appointment" and prompt.subject_id is not None:
        appointment = await session.get(Appointment, prompt.subject_id)
        if appointment is not None:
            appointment.answer = answer
            if kind is ReplyKind.NO:
                appointment.status = EventStatus.MISSED
            session.add(appointment)
    elif prompt.subject_type == "meeting" and prompt.subject_id is not None:
        invitation = (
            await session.exec(
                select(MeetingInvitation).where(
                    MeetingInvitation.meeting_id == prompt.subject_id,
                    MeetingInvitation.member_id == member.id,
                )
            )
        ).first()
        if invitation is not None:
            invitation.answer = answer
            invitation.answered_at = now
            session.add(invitation)
    elif prompt.subject_type == "commitment" and prompt.subject_id is not None:
        commitment = await session.get(Commitment, prompt.subject_id)
        if commitment is not None and kind is not ReplyKind.HELP:
            record_outcome(commitment, kept=kind is ReplyKind.YES, now=now)
            session.add(commitment)
    record(
        session,
        case_id=case.id,
        at=now,
        kind="answer.recorded",
        member_key=member.key,
        summary=f"{member.name} answered {answer} to {prompt.kind}: {what}",
        data={"outbox_id": prompt.id, "answer": answer},
    )
    subject = (
        (prompt.subject_type, prompt.subject_id)
        if prompt.subject_type and prompt.subject_id is not None
        else None
    )
    if kind is ReplyKind.HELP:
        await escalate(
            session,
            messenger,
            case=case,
            member=member,
            reason="help",
            what=what,
            answer="I need help",
            now=now,
            subject=subject,
            dedupe_key=f"help|{prompt.id}",
        )
    elif kind is ReplyKind.NO:
        reason = "not_done" if prompt.subject_type == "commitment" else "cannot_come"
        await escalate(
            session,
            messenger,
            case=case,
            member=member,
            reason=reason,
            what=what,
            answer="not done" if reason == "not_done" else "can't come",
            now=now,
            subject=subject,
            dedupe_key=f"{reason}|{prompt.id}",
        )
        await propose_meeting_after_misses(session, messenger, case=case, now=now)


def record_outcome(commitment: Commitment, *, kept: bool, now: datetime) -> None:
    """Add one kept/missed outcome; the adaptive check-in reads the streak from these."""
    commitment.outcomes = [*list(commitment.outcomes or []), kept]
    commitment.kept_streak = commitment.kept_streak + 1 if kept else 0
    commitment.updated_at = now


async def describe_subject(session: AsyncSession, prompt: OutboxMessage) -> str:
    """A short description for the journal and the coordinator: "BUP 2026-11-26 10:00"."""
    if prompt.subject_type == "appointment" and prompt.subject_id is not None:
        appointment = await session.get(Appointment, prompt.subject_id)
        if appointment is not None:
            return str(prompt.params.get("what_when") or appointment.what)
    if prompt.subject_type == "meeting" and prompt.subject_id is not None:
        meeting = await session.get(Meeting, prompt.subject_id)
        if meeting is not None:
            return str(prompt.params.get("what_when") or f"{meeting.kind} meeting")
    if prompt.subject_type == "commitment" and prompt.subject_id is not None:
        commitment = await session.get(Commitment, prompt.subject_id)
        if commitment is not None:
            return commitment.text
    return prompt.kind


async def propose_meeting_after_misses(
    session: AsyncSession, messenger: Messenger, *, case: Case, now: datetime
) -> bool:
    """Two misses within seven days: propose an extra network meeting to the coordinator."""
    assert case.id is not None
    week_ago = now - timedelta(days=7)
    misses = (
        await session.exec(
            select(func.count())
            .select_from(Escalation)
            .where(
                Escalation.case_id == case.id,
                col(Escalation.reason).in_(MISS_REASONS),
                col(Escalation.created_at) >= week_ago,
            )
        )
    ).one()
    if int(misses) < 2:
        return False
    recent_proposal = (
        await session.exec(
            select(Escalation).where(
                Escalation.case_id == case.id,
                Escalation.reason == "two_misses",
                col(Escalation.created_at) >= week_ago,
            )
        )
    ).first()
    if recent_proposal is not None:
        return False
    await escalate(
        session,
        messenger,
        case=case,
        member=None,
        reason="two_misses",
        what=f"{int(misses)} misses within 7 days: an extra network meeting is proposed",
        answer=None,
        now=now,
        dedupe_key=f"two_misses|{case.id}|{now.date().isoformat()}",
        extra={"what_id": TWO_MISSES, "n": int(misses)},
    )
    return True
