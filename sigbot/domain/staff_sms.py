"""A coordinator, backup or team lead with only a phone acknowledges an alert by answering `1`
(the contract's last paragraph; docs/architecture.md, "The path of one reply and one
escalation"). The `1` acknowledges the newest open escalation whose alert went to that number by
SMS; anything else staff write is kept and journaled like any reply.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.consent import is_case_staff
from sigbot.domain.escalations import acknowledge
from sigbot.models import (
    REACHED_STATES,
    Case,
    ChannelKind,
    Escalation,
    EscalationAction,
    InboundMessage,
    Member,
    MessageKind,
    OutboxMessage,
    SubjectType,
    Topic,
)
from sigbot.models.enums import STAFF_ROLES
from sigbot.outbox.messenger import Messenger
from sigbot.outbox.store import Route

ALERT_KINDS = (MessageKind.ESCALATION, MessageKind.ESCALATION_TEAM_LEAD)


async def open_sms_alerts(
    session: AsyncSession, address: str, members: Sequence[Member]
) -> list[OutboxMessage]:
    """Alerts that went by SMS to ``address`` (one of ``members``, staff) and are still open,
    newest first."""
    staff = [m.id for m in members if m.role in STAFF_ROLES]
    if not staff:
        return []
    rows = await session.exec(
        select(OutboxMessage)
        .join(Escalation, col(Escalation.id) == col(OutboxMessage.subject_id))
        .where(
            OutboxMessage.channel == ChannelKind.SMS,
            OutboxMessage.address == address,
            col(OutboxMessage.member_id).in_(staff),
            OutboxMessage.subject_type == SubjectType.ESCALATION,
            col(OutboxMessage.kind).in_(ALERT_KINDS),
            col(OutboxMessage.state).in_(REACHED_STATES),
            col(Escalation.acknowledged_at).is_(None),
        )
        .order_by(col(OutboxMessage.sent_at).desc(), col(OutboxMessage.id).desc())
    )
    return list(rows)


async def alert_to_acknowledge(
    session: AsyncSession,
    address: str,
    members: Sequence[Member],
    prompt: OutboxMessage | None = None,
) -> tuple[OutboxMessage, Member, Case] | None:
    """The newest open SMS alert to ``address`` that is still the sender's to answer (they are
    still the case's coordinator, backup or team lead), with that member and case; None when
    ``prompt``, a question to them, went out after it (the newest question wins)."""
    for alert in await open_sms_alerts(session, address, members):
        member = next((m for m in members if m.id == alert.member_id), None)
        case = await session.get(Case, alert.case_id) if alert.case_id is not None else None
        if member is None or case is None or not is_case_staff(case, member):
            continue
        asked = prompt.sent_at if prompt is not None else None
        if asked is not None and alert.sent_at is not None and asked > alert.sent_at:
            return None
        return alert, member, case
    return None


async def acknowledge_by_sms(
    session: AsyncSession,
    messenger: Messenger,
    *,
    alert: OutboxMessage,
    member: Member,
    case: Case,
    row: InboundMessage,
    now: datetime,
) -> Escalation | None:
    """Acknowledge the alert (journaled as via SMS) and confirm it discreetly by SMS."""
    assert alert.subject_id is not None
    done = await acknowledge(
        session,
        escalation_id=alert.subject_id,
        by=member,
        action=EscalationAction.ACK,
        now=now,
        via=ChannelKind.SMS,
    )
    if done is None:
        return None
    await messenger.to_member(
        session,
        case=case,
        member=member,
        kind=MessageKind.ALERT_ACKNOWLEDGED,
        topic=Topic.ESCALATIONS,
        params={"case": case.ref, "what": done.detail.get("what") or "-"},
        key=f"ack|{row.id}",
        due_at=now,
        now=now,
        exclude=frozenset({Route(ChannelKind.TELEGRAM, str(member.telegram_chat_id))}),
    )
    return done
