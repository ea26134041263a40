"""The outbox: every outgoing message is a row first, then a send.

Rows are written with an idempotency key (``INSERT ... ON CONFLICT DO NOTHING``), so planning the
same reminder twice, re-importing a plan, or two processes racing never queue it twice. The
dispatcher claims due rows with a lease: on PostgreSQL with ``FOR UPDATE SKIP LOCKED`` so several
processes share the work without sending a row twice; on SQLite one dispatcher runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import TextClause, and_, bindparam, false, or_, text
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from sigbot import db
from sigbot.models import ChannelKind, ContactAddress, Member, OutboxMessage, OutboxState
from sigbot.models.kinds import priority_of
from sigbot.models.types import UTCDateTime
from sigbot.planning_marks import mark_changed

T = TypeVar("T")


@dataclass(frozen=True)
class Route:
    """A channel and an address on it."""

    channel: str
    address: str


def unusable_query(routes: Sequence[Route]) -> SelectOfScalar[ContactAddress]:
    """The unusable contact rows among ``routes``, matched on channel and address together so
    the unique (channel, address) index serves it (by address alone it reads the whole table):
    one ``channel = … AND address IN (…)`` per channel, however many routes there are."""
    by_channel: dict[str, list[str]] = {}
    for r in routes:
        by_channel.setdefault(r.channel, []).append(r.address)
    pairs = [
        and_(col(ContactAddress.channel) == channel, col(ContactAddress.address).in_(addresses))
        for channel, addresses in by_channel.items()
    ]
    return select(ContactAddress).where(col(ContactAddress.unusable), or_(false(), *pairs))


async def unusable_reasons(session: AsyncSession, routes: Sequence[Route]) -> dict[Route, str]:
    """Which of ``routes`` may not be used, and why (an ``Unreachable`` value), in one query."""
    if not routes:
        return {}
    rows = await session.exec(unusable_query(list(dict.fromkeys(routes))))
    return {Route(r.channel, r.address): str(r.unusable_reason or "unusable") for r in rows}


async def unusable_addresses(session: AsyncSession, routes: list[Route]) -> set[Route]:
    """Which of ``routes`` are known to be unusable (opted out, blocked, invalid)."""
    return set(await unusable_reasons(session, routes))


def member_routes(member: Member) -> list[Route]:
    """The member's ways to be reached, preferred channel first."""
    routes = []
    if member.telegram_chat_id is not None:
        routes.append(Route(ChannelKind.TELEGRAM, str(member.telegram_chat_id)))
    if member.phone:
        routes.append(Route(ChannelKind.SMS, member.phone))
    if member.channel == ChannelKind.SMS:
        routes.sort(key=lambda r: r.channel != ChannelKind.SMS)
    return routes


async def choose_route(
    session: AsyncSession,
    member: Member,
    *,
    enabled: frozenset[str],
    exclude: frozenset[Route] = frozenset(),
) -> Route | None:
    """The first usable route to ``member`` on an enabled channel, or None."""
    candidates = [r for r in member_routes(member) if r.channel in enabled and r not in exclude]
    bad = await unusable_addresses(session, candidates)
    return next((r for r in candidates if r not in bad), None)


def route_now(member: Member, queued: Route, bad: set[Route]) -> Route | None:
    """Where a message queued for ``queued`` goes at send time (``bad``: the unusable routes):
    that route while it is still the member's and usable; else the member's usable
    route on the same channel (a changed number, a re-linked chat); else their other usable
    route; None when they have none."""
    usable = [r for r in member_routes(member) if r not in bad]
    if queued in usable:
        return queued
    same = [r for r in usable if r.channel == queued.channel]
    for route in (*same, *usable):
        return route
    return None


def later_reminders_query(rows: Sequence[OutboxMessage]) -> SelectOfScalar[OutboxMessage]:
    """The reminders of the same kind, subject and person as any of ``rows``, due after it:
    one query, a condition per row joined by OR, each served by ``ix_outbox_subject``. Whether
    they still wait and are due is left to :func:`later_reminders_due`: with those conditions
    here SQLite, which has no statistics, reads every waiting due row through the state index
    instead (after downtime, the whole backlog for every batch)."""
    earliest: dict[tuple[str | None, int | None, int | None, str], datetime] = {}
    for row in rows:
        key = (row.subject_type, row.subject_id, row.member_id, row.kind)
        earliest[key] = min(row.due_at, earliest.get(key, row.due_at))
    later = [
        and_(
            col(OutboxMessage.subject_type) == subject_type,
            col(OutboxMessage.subject_id) == subject_id,
            col(OutboxMessage.member_id) == member_id,
            col(OutboxMessage.kind) == kind,
            col(OutboxMessage.due_at) > due_at,
        )
        for (subject_type, subject_id, member_id, kind), due_at in earliest.items()
    ]
    return select(OutboxMessage).where(or_(false(), *later))


async def later_reminders_due(
    session: AsyncSession, rows: Sequence[OutboxMessage], now: datetime
) -> set[int]:
    """The ids among ``rows`` for which another reminder of the same kind, subject and person
    is waiting, due after it and by ``now`` (after downtime only the latest goes); one query."""
    rows = [row for row in rows if row.subject_id is not None]
    if not rows:
        return set()
    latest: dict[tuple[str | None, int | None, int | None, str], datetime] = {}
    for other in await session.exec(later_reminders_query(rows)):
        if other.state not in (OutboxState.PENDING, OutboxState.CLAIMED) or other.due_at > now:
            continue
        key = (other.subject_type, other.subject_id, other.member_id, other.kind)
        latest[key] = max(other.due_at, latest.get(key, other.due_at))
    return {
        row.id or 0
        for row in rows
        if (last := latest.get((row.subject_type, row.subject_id, row.member_id, row.kind)))
        is not None
        and last > row.due_at
    }


async def by_id(session: AsyncSession, model: type[T], ids: Iterable[int | None]) -> dict[int, T]:
    """Rows of ``model`` (a table with an integer ``id``) by id, in one query."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    table: Any = model  # every model passed here has an ``id`` primary key
    found = await session.exec(select(model).where(col(table.id).in_(wanted)))
    return {row.id: row for row in found}  # type: ignore[attr-defined]  # as above: has ``id``


async def queued_to(session: AsyncSession, route: Route) -> list[OutboxMessage]:
    """The rows still waiting to go to ``route`` (pending: not claimed by a dispatcher)."""
    rows = await session.exec(
        select(OutboxMessage)
        .where(
            OutboxMessage.state == OutboxState.PENDING,
            OutboxMessage.channel == route.channel,
            OutboxMessage.address == route.address,
        )
        .order_by(col(OutboxMessage.id))
    )
    return list(rows)


async def insert_once(session: AsyncSession, message: OutboxMessage) -> int | None:
    """Insert ``message`` unless its idempotency key exists; return the new id or None."""
    message.priority = priority_of(message.kind)
    values = {
        c.name: getattr(message, c.name)
        for c in OutboxMessage.__table__.columns  # type: ignore[attr-defined]  # set by SQLModel at runtime
        if c.name != "id"
    }
    table = OutboxMessage.__table__  # type: ignore[attr-defined]  # set by SQLModel at runtime
    new_id = await db.insert_once(session, table, values, ["idempotency_key"])
    if new_id is not None:
        await mark_changed(session, [message.case_id])  # a Core insert: the flush hook misses it
    return new_id


_CLAIM_SQL = """
UPDATE outbox_message
SET state = 'claimed', lease_until = :lease_until, claimed_by = :worker,
    attempts = attempts + 1
WHERE id IN (
    SELECT id FROM outbox_message
    WHERE (state = 'pending' AND due_at <= :now)
       OR (state = 'claimed' AND lease_until < :now)
    ORDER BY priority, due_at, id
    LIMIT :limit
    {lock}
)
RETURNING id, priority, due_at
"""


def claim_statement(dialect: str) -> TextClause:
    """The claim as one statement (parameters: lease_until, worker, now, limit); served by
    ``ix_outbox_state_due``. PostgreSQL skips rows another process is claiming."""
    lock = "FOR UPDATE SKIP LOCKED" if dialect == "postgresql" else ""
    return text(_CLAIM_SQL.format(lock=lock)).bindparams(
        bindparam("lease_until", type_=UTCDateTime()),
        bindparam("now", type_=UTCDateTime()),
    )


async def claim_due(
    session: AsyncSession, *, now: datetime, worker: str, lease: timedelta, limit: int
) -> list[int]:
    """Claim up to ``limit`` due rows (and rows whose lease ran out) for ``worker``.

    The caller commits. A crashed worker's claims come back after ``lease``; only the messages
    of the batch it was sending (sent, not yet recorded) can then be sent twice.
    """
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    result = await (await session.connection()).execute(
        claim_statement(dialect),
        {"lease_until": now + lease, "worker": worker, "now": now, "limit": limit},
    )
    # Handled urgent first, then by due time (RETURNING keeps no order of its own).
    rows = sorted(result.all(), key=lambda r: (int(r[1]), str(r[2]), int(r[0])))
    return [int(r[0]) for r in rows]


async def mark_address(
    session: AsyncSession,
    *,
    channel: str,
    address: str,
    unusable: bool,
    reason: str | None,
    now: datetime,
) -> None:
    """Record that an address may (not) be used: STOP/START, blocked bot, invalid number."""
    row = (
        await session.exec(
            select(ContactAddress).where(
                ContactAddress.channel == channel, ContactAddress.address == address
            )
        )
    ).first()
    if row is None:
        row = ContactAddress(channel=channel, address=address)
    row.unusable = unusable
    row.unusable_reason = reason if unusable else None
    row.unusable_since = now if unusable else None
    row.updated_at = now
    session.add(row)
    await session.flush()
