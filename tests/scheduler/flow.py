"""Helpers for the end-to-end planning tests: time passing, what was sent, answering."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from sigbot.db import Database
from sigbot.domain.inbound import Incoming
from sigbot.journal import read_journal
from sigbot.messages.replies import parse_reply
from sigbot.models import OutboxMessage, OutboxState
from tests.sigbot.env import Env

TZ = ZoneInfo("Europe/Stockholm")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ).astimezone(UTC)  # type: ignore[misc]  # datetime(*ints)


async def run_until(env: Env, end: datetime, step: timedelta = timedelta(minutes=15)) -> None:
    """Let the scheduler's work happen at every multiple of ``step`` (on the clock) until
    ``end``, as a scheduler ticking all the time would, only coarser."""
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    while env.clock.now() < end:
        await env.cycle()
        now = env.clock.now()
        next_tick = epoch + ((now - epoch) // step + 1) * step
        env.clock.set(min(next_tick, end))
    await env.cycle()


async def mark_due_sent(db: Database, now: datetime) -> None:
    """What is due went out (the dispatcher's part, for tests that leave it out)."""
    async with db.session() as session:
        due = await session.exec(
            select(OutboxMessage).where(
                OutboxMessage.state == OutboxState.PENDING, col(OutboxMessage.due_at) <= now
            )
        )
        for row in due:
            row.state, row.sent_at = OutboxState.SENT, row.due_at
            session.add(row)
        await session.commit()


async def sent(env: Env, kind: str | None = None) -> list[OutboxMessage]:
    """Messages that went out, oldest first."""
    async with env.db.session() as session:
        query = select(OutboxMessage).where(
            col(OutboxMessage.state).in_([OutboxState.SENT, OutboxState.DELIVERED])
        )
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        return list(await session.exec(query.order_by(col(OutboxMessage.sent_at))))


async def journal(env: Env, ref: str = "T-1") -> list[tuple[str, str]]:
    async with env.db.session() as session:
        return [(line.kind, line.summary) for line in await read_journal(session, ref)]


async def press(env: Env, row: OutboxMessage, answer: str) -> None:
    """The member answers a prompt (a Telegram button or an SMS word)."""
    assert row.id is not None
    if row.channel == "telegram":
        incoming = Incoming(
            "telegram", row.address, "", f"cb-{row.id}-{answer}", (parse_reply(answer), row.id)
        )
    else:
        incoming = Incoming("sms", row.address, answer, f"SM-{row.id}-{answer}")
    await env.inbound.handle(incoming)


BUP = "  - {who: noah, what: BUP, at: 2026-11-26T10:00, place: BUP Järva}"
