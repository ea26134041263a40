"""A "yes" that comes after ``no_reply_after``: the question was marked unanswered and the
coordinator alerted; the answer now closes that alert and the coordinator hears it came late
(docs/architecture.md, "The path of one reply and one escalation"). A late "no" or "help" needs
nothing from here: it is recorded and escalates as any answer does.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.escalations import TABLE
from sigbot.journal import record
from sigbot.models import (
    Case,
    Commitment,
    CommitmentStatus,
    Escalation,
    EscalationAction,
    EscalationLevel,
    EscalationReason,
    JournalKind,
    Member,
    MessageKind,
    OutboxMessage,
    SubjectType,
)
from sigbot.outbox.messenger import Messenger

NO_REPLY_REASONS = (EscalationReason.NO_REPLY, EscalationReason.OVERDUE)


async def no_reply_alert(
    session: AsyncSession, prompt: OutboxMessage, member: Member
) -> Escalation | None:
    """The no-reply alert this prompt's silence opened: same person and subject, opened when the
    prompt was marked unanswered or before (an earlier reminder of the same event may have opened
    it); for a commitment's repeated check-ins, not before this prompt went out."""
    if prompt.subject_type is None or prompt.subject_id is None or prompt.answered_at is None:
        return None
    query = select(Escalation).where(
        Escalation.case_id == prompt.case_id,
        Escalation.member_id == member.id,
        Escalation.subject_type == prompt.subject_type,
        Escalation.subject_id == prompt.subject_id,
        col(Escalation.reason).in_(NO_REPLY_REASONS),
        col(Escalation.created_at) <= prompt.answered_at,
    )
    if prompt.subject_type == SubjectType.COMMITMENT and prompt.sent_at is not None:
        query = query.where(col(Escalation.created_at) >= prompt.sent_at)
    rows = await session.exec(query.order_by(col(Escalation.created_at).desc()))
    return rows.first()


async def close_after_late_yes(
    session: AsyncSession,
    messenger: Messenger,
    *,
    prompt: OutboxMessage,
    member: Member,
    case: Case,
    what: str,
    now: datetime,
) -> Escalation | None:
    """Close the no-reply alert a late "yes" answers, journal it and tell the coordinator (and
    whoever else it reached); None when the silence had opened no alert."""
    escalation = await no_reply_alert(session, prompt, member)
    if escalation is None:
        return None
    await session.flush()
    await (await session.connection()).execute(
        update(TABLE)
        .where(TABLE.c.id == escalation.id, TABLE.c.acknowledged_at.is_(None))
        .values(
            acknowledged_at=now,
            acknowledged_by=member.key,
            action=EscalationAction.ANSWERED_LATE,
            escalate_after=None,
        )
    )
    await session.refresh(escalation)
    record(
        session,
        case_id=case.id,
        at=now,
        kind=JournalKind.ESCALATION_ACKNOWLEDGED,
        member_key=member.key,
        summary=f"{member.name} answered yes late to {what}: the no-reply alert is closed",
        data={
            "escalation_id": escalation.id,
            "action": EscalationAction.ANSWERED_LATE,
            "outbox_id": prompt.id,
            "what": what,
            "via": None,
        },
    )
    await messenger.to_coordinators(
        session,
        case=case,
        kind=MessageKind.LATE_ANSWER,
        params={"case": case.ref, "who": member.name, "what": what},
        key=f"late-answer|{escalation.id}|{prompt.id}",
        now=now,
        include_backup=escalation.level != EscalationLevel.COORDINATOR,
    )
    return escalation


def count_as_kept(commitment: Commitment, prompt: OutboxMessage, now: datetime) -> None:
    """The miss the silence recorded becomes kept; an overdue commitment is open again, so the
    planner marks it done from this answer (``scheduler/rules/commitments_due.py``)."""
    outcomes = list(commitment.outcomes or [])
    if outcomes and outcomes[-1] is False:
        outcomes[-1] = True
    else:
        outcomes.append(True)
    commitment.outcomes = outcomes
    streak = 0
    for kept in reversed(outcomes):
        if not kept:
            break
        streak += 1
    commitment.kept_streak = streak
    if commitment.status == CommitmentStatus.MISSED and prompt.kind == MessageKind.COMMITMENT_DUE:
        commitment.status = CommitmentStatus.OPEN
    commitment.updated_at = now
