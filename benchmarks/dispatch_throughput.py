"""Dispatcher throughput: one process, rate limits off, real PTB client, local fake Bot API.

Run by hand: ``.venv/bin/python benchmarks/dispatch_throughput.py [--rows N] [--database URL]``.
Writes its figures to ``benchmarks/results/dispatch_throughput.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
os.environ.setdefault("PTB_TIMEDELTA", "true")

from telegram import Bot
from telegram.request import HTTPXRequest

from sigbot.channels.telegram import TelegramChannel
from sigbot.clock import FakeClock
from sigbot.db import Database, migrate
from sigbot.logs import configure_logging
from sigbot.messages.composer import MessageComposer, SourceCatalog
from sigbot.models import OutboxMessage
from sigbot.outbox.dispatcher import Dispatcher, DispatchPolicy
from sigbot.outbox.messenger import Messenger
from tests.fakes import FakeTelegramServer


async def main(rows: int, url: str | None) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.from_url(url or f"sqlite+aiosqlite:///{tmp}/bench.db")
        await migrate(db)
        clock = FakeClock(datetime(2026, 11, 25, 8, tzinfo=UTC))
        async with db.session() as session:
            for i in range(rows):
                session.add(
                    OutboxMessage(
                        idempotency_key=f"bench-{time.time_ns()}-{i}",
                        channel="telegram",
                        address=str(50_000 + i),
                        topic="system",
                        kind="unknown_sender",
                        body=f"benchmark message {i}",
                        due_at=clock.now() - timedelta(seconds=1),
                        created_at=clock.now(),
                    )
                )
            await session.commit()
        async with FakeTelegramServer() as tg:
            bot = Bot(tg.token, base_url=tg.base_url, request=HTTPXRequest())
            await bot.initialize()
            dispatcher = Dispatcher(
                db=db,
                channels={"telegram": TelegramChannel(bot)},
                messenger=Messenger(MessageComposer(SourceCatalog()), frozenset({"telegram"})),
                clock=clock,
                policy=DispatchPolicy(batch_size=100),
            )
            started = time.perf_counter()
            handled = await dispatcher.drain(max_batches=10_000)
            elapsed = time.perf_counter() - started
            await bot.shutdown()
        await db.dispose()
        return {
            "rows": rows,
            "sent": len(tg.sent),
            "handled": handled,
            "seconds": round(elapsed, 3),
            "messages_per_second": round(handled / elapsed, 1),
            "database": "postgresql" if url and url.startswith("postgresql") else "sqlite",
            "rate_limits": "off",
        }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--database", default=None, help="SQLAlchemy URL (default: temp SQLite)")
    args = parser.parse_args()
    configure_logging("WARNING")
    result = asyncio.run(main(args.rows, args.database))
    print(json.dumps(result, indent=2))
    out = Path(__file__).parent / "results" / f"dispatch_throughput_{result['database']}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
