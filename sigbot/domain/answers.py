"""What an answer means: a reminder or check-in answered yes, "help" or no.

"I need help" is never just recorded: it alerts the coordinator at once. "Can't come" and "not
done" mark the thing missed and escalate. Two misses within seven days propose an extra network
meeting ("quick feedback and a meeting", docs/domain.md). An answer that comes after the
question was marked unanswered is still recorded; a late "yes" closes the no-reply alert
(``sigbot.domain.late_answers``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.escalations import escalate
from sigbot.domain.late_answers import close_after_late_yes, count_as_kept
from sigbot.domain.see_you import quiet_later_reminders
from sigbot.journal import record
from sigbot.messages.replies import ReplyKind
from sigbot.messages.texts import TWO_MISSES
from sigbot.models import (
    MISS_REASONS,
    Answer,
    Appointment,
    Case,
    Commitment,
    Escalation,
    EscalationReason,
    EventStatus,
    JournalKind,
    Meeting,
    MeetingInvitation,
    Member,
    MessageKind,
    OutboxMessage,
    SubjectType,
)
from sigbot.outbox.messenger import Messenger

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
    late = prompt.answer == Answer.NONE
    what = await describe_subject(session, prompt)
    await _record_on_subject(session, prompt, member, kind, now, late=late)
    record(
        session,
        case_id=case.id,
        at=now,
        kind=JournalKind.ANSWER_RECORDED,
        member_key=member.key,
        summary=f"{member.name} answered {answer} to {prompt.kind}: {what}"
        + (" (late: it had been marked unanswered)" if late else ""),
        data=dict(outbox_id=prompt.id, answer=answer, late=late, kind=prompt.kind, what=what),
    )
    if late and kind is ReplyKind.YES:
        await close_after_late_yes(
            session, messenger, prompt=prompt, member=member, case=case, what=what, now=now
        )
    prompt.answer = answer
    prompt.answered_at = now
    session.add(prompt)
    kind_of, subject_id = prompt.subject_type, prompt.subject_id
    subject = (kind_of, subject_id) if kind_of and subject_id is not None else None
    if kind is ReplyKind.YES:
        await quiet_later_reminders(session, messenger, prompt=prompt, now=now)
        return
    reason, said, key = _what_to_escalate(prompt, kind)
    await escalate(
        session,
        messenger,
        case=case,
        member=member,
        reason=reason,
        what=what,
        answer=said,
        now=now,
        subject=subject,
        dedupe_key=key,
    )
    if kind is ReplyKind.NO and not late:  # a late "no": the silence was counted a miss already
        await propose_meeting_after_misses(session, messenger, case=case, now=now)


def _what_to_escalate(prompt: OutboxMessage, kind: ReplyKind) -> tuple[EscalationReason, str, str]:
    """The reason, the answer as the coordinator reads it, and the alert's key."""
    if kind is ReplyKind.HELP:
        return EscalationReason.HELP, "I need help", f"help|{prompt.id}"
    commitment = prompt.subject_type == SubjectType.COMMITMENT
    reason = EscalationReason.NOT_DONE if commitment else EscalationReason.CANNOT_COME
    went = prompt.kind == MessageKind.APPOINTMENT_FOLLOW_UP
    said = "not done" if commitment else "didn't go" if went else "can't come"
    return reason, said, f"{reason}|{prompt.id}"


async def _record_on_subject(
    session: AsyncSession,
    prompt: OutboxMessage,
    member: Member,
    kind: ReplyKind,
    now: datetime,
    *,
    late: bool = False,
) -> None:
    """The answer also belongs to what was asked about: the appointment, invitation or promise."""
    answer = ANSWER_OF[kind]
    if prompt.subject_id is None:
        return
    if prompt.subject_type == SubjectType.APPOINTMENT:
        appointment = await session.get(Appointment, prompt.subject_id)
        if appointment is not None:
            appointment.answer = answer
            if kind is ReplyKind.NO:
                appointment.status = EventStatus.MISSED
            elif kind is ReplyKind.YES and prompt.kind == MessageKind.APPOINTMENT_FOLLOW_UP:
                appointment.status = EventStatus.KEPT  # they said they went: known, not guessed
            session.add(appointment)
    elif prompt.subject_type == SubjectType.MEETING:
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
    elif prompt.subject_type == SubjectType.COMMITMENT:
        commitment = await session.get(Commitment, prompt.subject_id)
        if commitment is None or kind is ReplyKind.HELP or (late and kind is ReplyKind.NO):
            return  # "help" is no outcome; the silence already counted a late "no" as missed
        if late:
            count_as_kept(commitment, prompt, now)  # the silence counted a miss: it was kept
        else:
            record_outcome(commitment, kept=kind is ReplyKind.YES, now=now)
        session.add(commitment)


def record_outcome(commitment: Commitment, *, kept: bool, now: datetime) -> None:
    """Add one kept/missed outcome; the adaptive check-in reads the streak from these."""
    commitment.outcomes = [*list(commitment.outcomes or []), kept]
    commitment.kept_streak = commitment.kept_streak + 1 if kept else 0
    commitment.updated_at = now


async def describe_subject(session: AsyncSession, prompt: OutboxMessage) -> str:
    """A short description for the journal and the coordinator: "BUP 2026-11-26 10:00"."""
    if prompt.subject_type == SubjectType.APPOINTMENT and prompt.subject_id is not None:
        appointment = await session.get(Appointment, prompt.subject_id)
        if appointment is not None:
            return str(prompt.params.get("what_when") or appointment.what)
    if prompt.subject_type == SubjectType.MEETING and prompt.subject_id is not None:
        meeting = await session.get(Meeting, prompt.subject_id)
        if meeting is not None:
            return str(prompt.params.get("what_when") or f"{meeting.kind} meeting")
    if prompt.subject_type == SubjectType.COMMITMENT and prompt.subject_id is not None:
        commitment = await session.get(Commitment, prompt.subject_id)
        if commitment is not None:
            return commitment.text
    return prompt.kind


async def propose_meeting_after_misses(
    session: AsyncSession, messenger: Messenger, *, case: Case, now: datetime
) -> bool:
    """Two misses within seven days: propose an extra network meeting to the coordinator.

    Once per window: the proposal's key is the oldest miss of the window, so two processes
    that count the same misses open it once (a unique key, docs/architecture.md); a proposal
    within the last seven days stops a second one.
    """
    assert case.id is not None
    week_ago = now - timedelta(days=7)
    misses = list(
        await session.exec(
            select(Escalation.id)
            .where(
                Escalation.case_id == case.id,
                col(Escalation.reason).in_(MISS_REASONS),
                col(Escalation.created_at) >= week_ago,
            )
            .order_by(col(Escalation.created_at), col(Escalation.id))
        )
    )
    if len(misses) < 2:
        return False
    recent_proposal = (
        await session.exec(
            select(Escalation).where(
                Escalation.case_id == case.id,
                Escalation.reason == EscalationReason.TWO_MISSES,
                col(Escalation.created_at) >= week_ago,
            )
        )
    ).first()
    if recent_proposal is not None:
        return False
    opened = await escalate(
        session,
        messenger,
        case=case,
        member=None,
        reason=EscalationReason.TWO_MISSES,
        what=f"{len(misses)} misses within 7 days: an extra network meeting is proposed",
        answer=None,
        now=now,
        dedupe_key=f"two_misses|{misses[0]}",
        extra={"what_id": TWO_MISSES, "n": len(misses)},
    )
    return opened is not None
