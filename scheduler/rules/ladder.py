"""The escalation ladder: an alert nobody acknowledged within the case's ``ack_within`` goes to
the backup coordinator, and after another ``ack_within`` to the case's team lead members
(docs/architecture.md, "Escalation ladder"). Before climbing, open alerts follow a hand-over to
the new coordinator (``sigbot.domain.staff``)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.escalations import TeamLead
from sigbot.domain.staff import follow_hand_overs, raise_level
from sigbot.models import Case, Escalation, EscalationLevel
from sigbot.outbox.messenger import Messenger


def next_level(escalation: Escalation, case: Case) -> EscalationLevel | None:
    """Where an unacknowledged alert goes next; None when it has climbed as far as it can."""
    if escalation.level == EscalationLevel.COORDINATOR and case.backup_key:
        return EscalationLevel.BACKUP
    if escalation.level in (EscalationLevel.COORDINATOR, EscalationLevel.BACKUP):
        return EscalationLevel.TEAM_LEAD
    return None


async def climb(
    session: AsyncSession, messenger: Messenger, *, now: datetime, team_lead: TeamLead
) -> int:
    """Move every alert whose time ran out one step up; returns how many moved. Another
    process moving the same alert at the same moment moves it once (compare and set)."""
    await follow_hand_overs(session, messenger, now=now)
    due = await session.exec(
        select(Escalation)
        .where(
            col(Escalation.acknowledged_at).is_(None),
            col(Escalation.escalate_after).is_not(None),
            col(Escalation.escalate_after) <= now,
        )
        .order_by(col(Escalation.escalate_after), col(Escalation.id))  # the oldest first
    )
    moved = 0
    for escalation in list(due):
        case = await session.get(Case, escalation.case_id)
        assert case is not None
        level = next_level(escalation, case)
        if level is None:
            escalation.escalate_after = None
            session.add(escalation)
            continue
        moved += await raise_level(
            session,
            messenger,
            escalation=escalation,
            case=case,
            level=level,
            now=now,
            team_lead=team_lead,
        )
    return moved
