"""STOP and START by SMS, and senders nobody knows.

STOP marks the number unusable at once (the dispatcher checks it before every send) and tells
each case's coordinator; START undoes it. An unknown sender gets one neutral answer a day that
says nothing about any case.
"""

from __future__ import annotations

from datetime import datetime

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
    Unreachable,
)
from sigbot.outbox.messenger import Messenger
from sigbot.outbox.store import Route, mark_address


async def stop_or_start(
    session: AsyncSession,
    messenger: Messenger,
    *,
    address: str,
    text: str,
    provider_id: str | None,
    members: list[Member],
    stop: bool,
    now: datetime,
) -> int | None:
    """Apply STOP (``stop``) or START for ``address`` in every case it belongs to.

    Returns the id of the first stored inbound row.
    """
    await mark_address(
        session,
        channel=ChannelKind.SMS,
        address=address,
        unusable=stop,
        reason=Unreachable.OPTED_OUT if stop else None,
        now=now,
    )
    first: int | None = None
    for member in members:
        case = await session.get(Case, member.case_id)
        assert case is not None
        row = InboundMessage(
            channel=ChannelKind.SMS,
            address=address,
            provider_id=provider_id if first is None else None,
            case_id=case.id,
            member_id=member.id,
            body=text,
            reply_kind=ReplyKind.STOP if stop else ReplyKind.START,
            received_at=now,
        )
        session.add(row)
        await session.flush()
        first = first or row.id
        record(
            session,
            case_id=case.id,
            at=now,
            kind=JournalKind.SMS_OPTED_OUT if stop else JournalKind.SMS_OPTED_IN,
            member_key=member.key,
            summary=f"{member.name} {'stopped' if stop else 'restarted'} SMS ({text})",
            data={"inbound_id": row.id},
        )
        await messenger.to_coordinators(
            session,
            case=case,
            kind=MessageKind.OPTED_OUT if stop else MessageKind.OPTED_IN,
            params={"who": member.name, "case": case.ref},
            key=f"opt|{row.id}",
            now=now,
        )
    return first


async def from_unknown_sender(
    session: AsyncSession,
    messenger: Messenger,
    *,
    channel: str,
    address: str,
    text: str,
    provider_id: str | None,
    kind: ReplyKind,
    now: datetime,
) -> int | None:
    """Keep what an unknown sender wrote and answer neutrally (at most once a day)."""
    row = InboundMessage(
        channel=channel,
        address=address,
        provider_id=provider_id,
        body=text,
        reply_kind=kind,
        received_at=now,
    )
    session.add(row)
    await session.flush()
    if kind not in (ReplyKind.STOP, ReplyKind.START):
        # At most one neutral answer a day per address, so two bots cannot loop.
        await messenger.to_address(
            session,
            route=Route(channel, address),
            language="sv",
            kind=MessageKind.UNKNOWN_SENDER,
            params={},
            key=f"unknown-sender|{channel}|{address}|{now.date()}",
            now=now,
        )
    return row.id
