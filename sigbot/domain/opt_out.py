"""STOP and START by SMS, and senders nobody knows.

STOP marks the number unusable at once (the dispatcher checks it before every send), cancels
what is queued for it in every case (one journal line per message) and tells each case's
coordinator; START lets new messages go again but brings no cancelled one back. Telegram's
/stop does the same for a chat and also unlinks it. An unknown sender gets one neutral answer a
day that says nothing about any case (docs/architecture.md, "The path of one reply").
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.danger_reply import help_numbers_to_stranger
from sigbot.domain.members import unlink_telegram_chat
from sigbot.journal import record
from sigbot.messages.danger import DangerMatch
from sigbot.messages.replies import ReplyKind
from sigbot.models import (
    Case,
    CaseStatus,
    ChannelKind,
    InboundMessage,
    JournalKind,
    Member,
    MessageKind,
    Unreachable,
)
from sigbot.outbox.attempts import cancel_queued
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
    await _opt(session, Route(ChannelKind.SMS, address), stop=stop, now=now)
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
            data={"inbound_id": row.id, "text": text},
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
    danger: DangerMatch | None = None,
) -> int | None:
    """Keep what an unknown sender wrote and answer neutrally (at most once a day); words that
    may mean danger get the helplines instead, every time."""
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
    if danger is not None:
        await help_numbers_to_stranger(
            session, messenger, route=Route(channel, address), match=danger, row_id=row.id, now=now
        )
    elif kind in (ReplyKind.STOP, ReplyKind.START) and channel == ChannelKind.SMS:
        # A number in no case may still say STOP: nothing goes to it after that either.
        await _opt(session, Route(channel, address), stop=kind is ReplyKind.STOP, now=now)
    elif kind not in (ReplyKind.STOP, ReplyKind.START):
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


async def _opt(session: AsyncSession, route: Route, *, stop: bool, now: datetime) -> None:
    """Mark ``route`` opted out (cancelling what is queued for it) or in again."""
    await mark_address(
        session,
        channel=route.channel,
        address=route.address,
        unusable=stop,
        reason=Unreachable.OPTED_OUT if stop else None,
        now=now,
    )
    if stop:
        why = "the number sent STOP" if route.channel == ChannelKind.SMS else "the chat sent /stop"
        await cancel_queued(session, route, reason=why, now=now)


async def stop_chat(
    session: AsyncSession, messenger: Messenger, *, chat_id: int, now: datetime
) -> list[Member]:
    """Telegram /stop: the chat gets nothing more. It is marked opted out, what is queued for it
    is cancelled, it is unlinked from every member it was linked to (journaled in each case,
    the coordinator told) and the person is told so; returns those members."""
    route = Route(ChannelKind.TELEGRAM, str(chat_id))
    await _opt(session, route, stop=True, now=now)
    linked = await session.exec(
        select(Member).where(Member.telegram_chat_id == chat_id).order_by(col(Member.id))
    )
    members = list(linked)
    stamp = int(now.timestamp())
    for member in members:
        await unlink_telegram_chat(session, member=member, now=now)
        case = await session.get(Case, member.case_id)
        assert case is not None
        record(
            session,
            case_id=case.id,
            at=now,
            kind=JournalKind.TELEGRAM_STOPPED,
            member_key=member.key,
            summary=f"{member.name} sent /stop in Telegram: the chat is unlinked",
        )
        if member.active and case.status != CaseStatus.CLOSED:
            await messenger.to_coordinators(
                session,
                case=case,
                kind=MessageKind.TELEGRAM_STOPPED,
                params={"who": member.name, "case": case.ref},
                key=f"tg-stop|{member.id}|{stamp}",
                now=now,
            )
    await messenger.to_address(
        session,
        route=route,
        language=members[0].language if members else "sv",
        kind=MessageKind.STOPPED_HERE,
        params={},
        key=f"tg-stopped|{chat_id}|{stamp}",
        now=now,
    )
    return members
