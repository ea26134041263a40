"""Who among a case's staff gets an alert: the ladder's steps (backup, then team lead) and
hand-overs. When a case gets another coordinator or backup (``cases.hand_over``), its open
alerts follow them and the young person and guardians are told who their contact is now
(docs/architecture.md, "The path of one reply and one escalation"). Both run in the planner's
pass, so they happen whoever changed the case (``sigbot import`` with no service running, too),
and each is taken by one process only (compare and set)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.consent import is_case_staff
from sigbot.domain.escalations import TABLE, TeamLead, alert, alert_params
from sigbot.journal import record
from sigbot.models import (
    FAMILY_ROLES,
    Case,
    CaseStatus,
    ChannelKind,
    Escalation,
    EscalationLevel,
    JournalKind,
    Member,
    MessageKind,
    OutboxMessage,
    OutboxState,
    Role,
    SubjectType,
    Topic,
)
from sigbot.models.messaging import HandOver
from sigbot.outbox.messenger import Messenger, coordinators
from sigbot.outbox.store import Route

HANDED_OVER = "handed over to another coordinator"


async def team_leads(session: AsyncSession, case: Case) -> list[Member]:
    """The case's active ``team_lead`` members, in key order."""
    rows = await session.exec(
        select(Member)
        .where(Member.case_id == case.id, Member.role == Role.TEAM_LEAD, Member.active)
        .order_by(col(Member.key))
    )
    return list(rows)


async def _take_step(session: AsyncSession, escalation: Escalation, level: str) -> bool:
    """Move the row from its level to ``level`` unless another process or an acknowledgement
    came first (compare and set): only the winner alerts and journals."""
    await session.flush()
    won = await (await session.connection()).execute(
        update(TABLE)
        .where(
            TABLE.c.id == escalation.id,
            TABLE.c.level == escalation.level,
            TABLE.c.acknowledged_at.is_(None),
        )
        .values(level=level, escalate_after=None)
        .returning(TABLE.c.id)
    )
    taken = won.first() is not None
    await session.refresh(escalation)
    return taken


async def raise_level(
    session: AsyncSession,
    messenger: Messenger,
    *,
    escalation: Escalation,
    case: Case,
    level: EscalationLevel,
    now: datetime,
    team_lead: TeamLead,
) -> bool:
    """Send an alert nobody acknowledged in time one step up (backup, then the team lead);
    False when another process (or an acknowledgement) was first."""
    assert case.id is not None and escalation.id is not None
    if not await _take_step(session, escalation, level):
        return False
    if level == EscalationLevel.BACKUP:
        backup = await coordinators(session, case, [case.backup_key])
        goes_at = await alert(session, messenger, case, escalation, backup, now)
        escalation.escalate_after = goes_at + timedelta(seconds=case.ack_within_s)
        target = f"backup {case.backup_key}"
    elif leads := await team_leads(session, case):
        kind = MessageKind.ESCALATION_TEAM_LEAD
        await alert(session, messenger, case, escalation, leads, now, kind)
        target = "team lead " + ", ".join(m.key for m in leads)
    elif team_lead.telegram_chat_id is not None:
        await messenger.to_address(
            session,
            route=Route(ChannelKind.TELEGRAM, str(team_lead.telegram_chat_id)),
            language=team_lead.language,
            kind=MessageKind.ESCALATION_TEAM_LEAD,
            params=alert_params(case, escalation),
            key=f"escalation|{escalation.id}|team_lead",
            now=now,
            case_id=case.id,
        )
        target = "team lead (SIGBOT_TEAM_LEAD_CHAT_ID)"
    else:
        target = "team lead (none: the case has no team_lead member)"
    session.add(escalation)
    record(
        session,
        case_id=case.id,
        at=now,
        kind=JournalKind.ESCALATION_RAISED,
        summary=f"not acknowledged in time, sent to {target}: {escalation.detail.get('what')}",
        data={
            "escalation_id": escalation.id,
            "level": escalation.level,
            "target": target,
            "what": escalation.detail.get("what"),
        },
    )
    return True


async def follow_hand_overs(session: AsyncSession, messenger: Messenger, *, now: datetime) -> int:
    """Carry out every hand-over not done yet; returns how many this process did."""
    waiting = await session.exec(
        select(HandOver).where(col(HandOver.done_at).is_(None)).order_by(col(HandOver.id))
    )
    done = 0
    for hand_over in list(waiting):
        if not await _take_hand_over(session, hand_over, now):
            continue
        case = await session.get(Case, hand_over.case_id)
        if case is None:
            continue
        moved = await _move_alerts(session, messenger, case, hand_over, now)
        told = 0
        if hand_over.role == EscalationLevel.COORDINATOR:
            told = await _tell_family(session, messenger, case, hand_over, now)
        record(
            session,
            case_id=case.id,
            at=now,
            kind=JournalKind.CASE_HANDED_OVER,
            summary=f"{hand_over.role} {hand_over.from_key or '-'} → {hand_over.to_key or '-'}: "
            f"{moved} open alerts moved, {told} family members told",
            data={
                "hand_over_id": hand_over.id,
                "moved": moved,
                "told": told,
                "role": hand_over.role,
                "from_key": hand_over.from_key or "-",
                "to_key": hand_over.to_key or "-",
            },
        )
        done += 1
    return done


async def _take_hand_over(session: AsyncSession, hand_over: HandOver, now: datetime) -> bool:
    table = HandOver.__table__  # type: ignore[attr-defined]  # set by SQLModel at runtime
    await session.flush()
    won = await (await session.connection()).execute(
        update(table)
        .where(table.c.id == hand_over.id, table.c.done_at.is_(None))
        .values(done_at=now)
        .returning(table.c.id)
    )
    taken = won.first() is not None
    await session.refresh(hand_over)
    return taken


async def _move_alerts(
    session: AsyncSession, messenger: Messenger, case: Case, hand_over: HandOver, now: datetime
) -> int:
    """Alert the new coordinator (or backup) of every open escalation they would have had;
    what still waits for the one handed over is cancelled. A coordinator's alert starts its
    ``ack_within`` again: the new coordinator gets the time the old one had."""
    coordinator = hand_over.role == EscalationLevel.COORDINATOR
    levels = (
        set(EscalationLevel) if coordinator else {EscalationLevel.BACKUP, EscalationLevel.TEAM_LEAD}
    )
    await _cancel_waiting(session, case, hand_over.from_key)
    staff = await coordinators(
        session, case, [case.coordinator_key if coordinator else case.backup_key]
    )
    open_alerts = await session.exec(
        select(Escalation).where(
            Escalation.case_id == case.id,
            col(Escalation.acknowledged_at).is_(None),
            col(Escalation.level).in_(levels),
        )
    )
    moved = 0
    for escalation in list(open_alerts) if staff else []:
        goes_at = await alert(session, messenger, case, escalation, staff, now)
        if escalation.level == EscalationLevel.COORDINATOR:
            escalation.escalate_after = goes_at + timedelta(seconds=case.ack_within_s)
            session.add(escalation)
        moved += 1
    return moved


async def _cancel_waiting(session: AsyncSession, case: Case, key: str | None) -> None:
    """Alerts still waiting (quiet hours) for the one handed over do not go to them."""
    if key is None:
        return
    member = (
        await session.exec(select(Member).where(Member.case_id == case.id, Member.key == key))
    ).first()
    if member is None or is_case_staff(case, member):
        return  # still the coordinator or backup (the two swapped): their alerts stay
    rows = await session.exec(
        select(OutboxMessage).where(
            OutboxMessage.member_id == member.id,
            OutboxMessage.state == OutboxState.PENDING,
            OutboxMessage.subject_type == SubjectType.ESCALATION,
        )
    )
    for row in rows:
        row.state = OutboxState.CANCELLED
        row.last_error = HANDED_OVER
        session.add(row)


async def _tell_family(
    session: AsyncSession, messenger: Messenger, case: Case, hand_over: HandOver, now: datetime
) -> int:
    """The young person and guardians hear who their contact person is now."""
    if case.status == CaseStatus.PROPOSED:
        return 0
    found = await coordinators(session, case, [case.coordinator_key])
    if not found or found[0].key != hand_over.to_key:
        return 0  # handed over again since: that later hand-over tells them
    family = await session.exec(
        select(Member).where(
            Member.case_id == case.id, col(Member.role).in_(FAMILY_ROLES), Member.active
        )
    )
    told = 0
    for member in family:
        new = await messenger.to_member(
            session,
            case=case,
            member=member,
            kind=MessageKind.NEW_CONTACT,
            topic=Topic.PLAN,
            params={"case": case.ref, "coordinator": found[0].name},
            key=f"new-contact|{hand_over.id}|{member.id}",
            due_at=now,
            now=now,
        )
        told += new is not None
    return told
