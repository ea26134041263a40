"""Keeping what someone wrote, and the receipt they get: the first and the last step of
``sigbot.domain.inbound`` (docs/architecture.md, "The path of one reply and one escalation").
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.journal import record
from sigbot.messages.replies import ReplyKind
from sigbot.models import (
    Case,
    ChannelKind,
    InboundMessage,
    JournalKind,
    Member,
    MessageKind,
    OutboxMessage,
    Topic,
)
from sigbot.outbox.messenger import Messenger, coordinators
from sigbot.outbox.store import Route

if TYPE_CHECKING:
    from sigbot.domain.inbound import Incoming


async def store_inbound(
    session: AsyncSession,
    incoming: Incoming,
    kind: ReplyKind,
    case: Case,
    member: Member,
    prompt: OutboxMessage | None,
    now: datetime,
    first: bool = True,
) -> InboundMessage:
    """Keep the message and journal it before anything else happens (the provider's id on
    the first row only, when one message is kept in several cases)."""
    row = InboundMessage(
        channel=incoming.channel,
        address=incoming.address,
        provider_id=incoming.provider_id if first else None,
        case_id=case.id,
        member_id=member.id,
        body=incoming.text,
        reply_kind=kind,
        in_reply_to=prompt.id if prompt else None,
        received_at=now,
    )
    session.add(row)
    await session.flush()
    shown = incoming.text if not incoming.callback else f"[button: {kind}]"
    record(
        session,
        case_id=case.id,
        at=now,
        kind=JournalKind.REPLY_RECEIVED,
        member_key=member.key,
        summary=f"{member.name} wrote via {incoming.channel}: {shown} → {kind}",
        data={
            "inbound_id": row.id,
            "reply": kind,
            "in_reply_to": row.in_reply_to,
            "channel": incoming.channel,
            "text": None if incoming.callback else incoming.text,
            "button": bool(incoming.callback),
            "held": False,
        },
    )
    return row


async def receipt(
    session: AsyncSession,
    messenger: Messenger,
    case: Case,
    member: Member,
    kind: MessageKind,
    row: InboundMessage,
    now: datetime,
) -> int | None:
    """Answer on the channel they wrote on, naming their coordinator; the queued row's id, or
    None when consent or channels let nothing go to them."""
    found = await coordinators(session, case, [case.coordinator_key])
    coordinator = found[0] if found else None
    return await messenger.to_member(
        session,
        case=case,
        member=member,
        kind=kind,
        topic=Topic.REMINDERS,
        params={"coordinator": coordinator.name if coordinator else ""},
        key=f"ack|{row.id}",
        due_at=now,
        now=now,
        exclude=frozenset(
            r
            for r in (
                Route(ChannelKind.SMS, member.phone or ""),
                Route(ChannelKind.TELEGRAM, str(member.telegram_chat_id)),
            )
            if r.channel != row.channel
        ),
    )
