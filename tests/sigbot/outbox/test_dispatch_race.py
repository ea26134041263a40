"""Two dispatchers on PostgreSQL racing over 1,000 due rows: none sent twice, none lost."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from sqlalchemy import text
from sqlmodel import select
from telegram import Bot
from telegram.request import HTTPXRequest

from sigbot.channels.telegram import TelegramChannel
from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.messages.composer import MessageComposer, SourceCatalog
from sigbot.models import OutboxMessage, OutboxState
from sigbot.outbox.dispatcher import Dispatcher, DispatchPolicy
from sigbot.outbox.messenger import Messenger
from sigbot.outbox.store import insert_once
from tests.conftest import _truncate_all_sql
from tests.fakes import FakeTelegramServer

ROWS = 1000


async def _seed(db: Database, clock: FakeClock) -> None:
    async with db.session() as session:
        for i in range(ROWS):
            await insert_once(
                session,
                OutboxMessage(
                    idempotency_key=f"race-{i}",
                    channel="telegram",
                    address=str(10_000 + i),
                    topic="system",
                    kind="unknown_sender",
                    body=f"message {i}",
                    due_at=clock.now() - timedelta(seconds=1),
                    created_at=clock.now(),
                ),
            )
        await session.commit()


async def test_two_dispatchers_never_send_a_row_twice(pg_database: str, clock: FakeClock) -> None:
    """FOR UPDATE SKIP LOCKED: two processes share 1,000 rows, each row sent exactly once."""
    first, second = Database.from_url(pg_database), Database.from_url(pg_database)
    async with first.engine.begin() as conn:
        await conn.execute(text(_truncate_all_sql()))
    await _seed(first, clock)
    messenger = Messenger(MessageComposer(SourceCatalog()), frozenset({"telegram"}))
    async with FakeTelegramServer() as tg:
        bots = [
            Bot(tg.token, base_url=tg.base_url, request=HTTPXRequest(connection_pool_size=8))
            for _ in range(2)
        ]
        for bot in bots:
            await bot.initialize()
        workers = [
            Dispatcher(
                db=db,
                channels={"telegram": TelegramChannel(bot)},
                messenger=messenger,
                clock=clock,
                policy=DispatchPolicy(batch_size=25),
                worker_id=f"w{n}",
            )
            for n, (db, bot) in enumerate(zip((first, second), bots, strict=True))
        ]
        handled = await asyncio.gather(*(w.drain() for w in workers))
        for bot in bots:
            await bot.shutdown()
    per_chat = Counter(m.chat_id for m in tg.sent)
    async with first.session() as session:
        rows = list(await session.exec(select(OutboxMessage)))
    await first.dispose()
    await second.dispose()
    assert sum(handled) == ROWS
    assert all(h > 0 for h in handled), f"both dispatchers should work: {handled}"
    assert len(tg.sent) == ROWS, "a duplicate or a loss"
    assert max(per_chat.values()) == 1 and len(per_chat) == ROWS
    assert {r.state for r in rows} == {OutboxState.SENT}
    assert Counter(r.claimed_by for r in rows).keys() == {"w0", "w1"}
