"""One number or chat in several cases: a parent of two children in SIG, a counsellor in five.

What such a sender writes is never filed in one case by chance (docs/architecture.md, "The path
of one reply and one escalation"). An answer to an open question goes to that question's case; a
message that names exactly one of their young people goes to that case. Anything else is held
(kept with no case) and the sender is asked which young person it is about: by SMS without a
name (a lock screen is not private), on Telegram with the first names. Each case's journal and
coordinator learn that a message waits, never what it says; the sender's next message that names
one young person files the held ones in that case and its coordinator reads them. "Help" cannot
wait: it alerts every case concerned.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.matching import ANSWER_WINDOW, youth_names
from sigbot.journal import record
from sigbot.models import (
    Case,
    ChannelKind,
    InboundMessage,
    JournalKind,
    Member,
    MessageKind,
    OutboxMessage,
)
from sigbot.outbox.messenger import Messenger
from sigbot.outbox.store import Route


def one_per_case(members: Sequence[Member]) -> list[Member]:
    """The sender's first member row in each of their cases, in the order found."""
    seen: dict[int, Member] = {}
    for member in members:
        seen.setdefault(member.case_id, member)
    return list(seen.values())


async def hold(
    session: AsyncSession,
    messenger: Messenger,
    *,
    row: InboundMessage,
    members: Sequence[Member],
    now: datetime,
) -> None:
    """Keep ``row`` (stored, with no case) until the sender names the young person: ask them,
    and tell each case's journal and coordinator that a message waits (not what it says)."""
    per_case = one_per_case(members)
    case_ids = [m.case_id for m in per_case]
    names = await youth_names(session, case_ids)
    route = Route(row.channel, row.address)
    row.in_reply_to = await messenger.to_address(
        session,
        route=route,
        language=per_case[0].language,
        kind=MessageKind.WHICH_CASE,
        params={"names": ", ".join(names)} if row.channel == ChannelKind.TELEGRAM else {},
        key=f"which-case|{row.id}",
        now=now,
    )
    session.add(row)
    for member in per_case:
        case = await session.get(Case, member.case_id)
        assert case is not None
        record(
            session,
            case_id=case.id,
            at=now,
            kind=JournalKind.REPLY_HELD,
            member_key=member.key,
            summary=f"{member.name} wrote via {row.channel} a message about one of their "
            "several cases; it is held until they say which young person it is about",
            data={"inbound_id": row.id, "channel": row.channel},
        )
        await messenger.to_coordinators(
            session,
            case=case,
            kind=MessageKind.REPLY_HELD,
            params={"who": member.name, "case": case.ref},
            key=f"reply-held|{row.id}|{case.id}",
            now=now,
        )


async def held(session: AsyncSession, channel: str, address: str, now: datetime) -> list[int]:
    """Ids of the messages from this address still held for sorting (asked within the window)."""
    rows = await session.exec(
        select(InboundMessage.id)
        .join(OutboxMessage, col(OutboxMessage.id) == col(InboundMessage.in_reply_to))
        .where(
            InboundMessage.channel == channel,
            InboundMessage.address == address,
            col(InboundMessage.case_id).is_(None),
            OutboxMessage.kind == MessageKind.WHICH_CASE,
            col(InboundMessage.received_at) >= now - ANSWER_WINDOW,
        )
        .order_by(col(InboundMessage.id))
    )
    return [i for i in rows if i is not None]


async def file_held(
    session: AsyncSession,
    messenger: Messenger,
    *,
    ids: Sequence[int],
    case: Case,
    member: Member,
    now: datetime,
) -> None:
    """The sender named the young person: the held messages join that case's journal and its
    coordinator reads them."""
    for inbound_id in ids:
        row = await session.get(InboundMessage, inbound_id)
        assert row is not None
        row.case_id, row.member_id = case.id, member.id
        session.add(row)
        record(
            session,
            case_id=case.id,
            at=now,
            kind=JournalKind.REPLY_RECEIVED,
            member_key=member.key,
            summary=f"{member.name} wrote via {row.channel} (held until they named the young "
            f"person): {row.body} → {row.reply_kind}",
            data={
                "inbound_id": row.id,
                "reply": row.reply_kind,
                "held": True,
                "channel": row.channel,
                "text": row.body,
                "button": False,
            },
        )
        await messenger.to_coordinators(
            session,
            case=case,
            kind=MessageKind.REPLY_ATTENTION,
            params={"who": member.name, "text": row.body, "case": case.ref},
            key=f"reply-attention|{row.id}",
            now=now,
        )
