"""100,000 future reminders in the database: peak memory and how late reminders fire.

Future reminders are rows, not in-memory jobs; this measures that a process holding 100,000 of
them stays small, and how late the due ones go out with the production tick (APScheduler, the
dispatcher every second) and an in-process fake channel (rate limits off).

Run by hand: ``.venv/bin/python benchmarks/reminders_100k.py [--rows N] [--window S]``.
Writes ``benchmarks/results/reminders_100k_<db>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import insert

from sigbot.channels.base import Outgoing, SendResult
from sigbot.clock import SystemClock
from sigbot.db import Database, migrate
from sigbot.logs import configure_logging
from sigbot.messages.composer import MessageComposer, SourceCatalog
from sigbot.models import OutboxMessage
from sigbot.outbox.dispatcher import Dispatcher, DispatchPolicy
from sigbot.outbox.messenger import Messenger


class TimingChannel:
    """Records when each message would have left."""

    name = "telegram"

    def __init__(self) -> None:
        self.sent_at: dict[str, float] = {}

    async def send(self, message: Outgoing) -> SendResult:
        self.sent_at[message.body] = time.time()
        return SendResult(provider_id=str(len(self.sent_at)))


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def load_rows(
    db: Database, rows: int, due_in_window: int, window: float, start: datetime
) -> dict[str, float]:
    """Insert ``rows`` pending reminders; the first ``due_in_window`` fall due during the run.

    Returns each due row's body with the moment it falls due.
    """
    rng = random.Random(42)
    due: dict[str, float] = {}
    batch: list[dict[str, object]] = []
    for i in range(rows):
        if i < due_in_window:
            at = start + timedelta(seconds=rng.uniform(0, window))
            due[f"r{i}"] = at.timestamp()
        else:
            at = start + timedelta(days=1, seconds=rng.uniform(0, 30 * 86400))
        batch.append(
            {
                "idempotency_key": f"bench|{i}",
                "channel": "telegram",
                "address": str(100_000 + i),
                "language": "sv",
                "topic": "reminders",
                "kind": "appointment_reminder",
                "body": f"r{i}",
                "params": {},
                "due_at": at,
                "state": "pending",
                "attempts": 0,
                "expects_reply": True,
                "created_at": datetime.now(UTC),
            }
        )
        if len(batch) == 5000 or i == rows - 1:
            async with db.engine.begin() as conn:
                await conn.execute(insert(OutboxMessage), batch)  # type: ignore[arg-type]  # rows as dicts
            batch = []
    return due


async def main(rows: int, due_in_window: int, window: float, url: str | None) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.from_url(url or f"sqlite+aiosqlite:///{tmp}/bench.db")
        await migrate(db)
        start = datetime.now(UTC) + timedelta(seconds=5)
        due = await load_rows(db, rows, due_in_window, window, start)
        rss_loaded = rss_mib()
        channel = TimingChannel()
        dispatcher = Dispatcher(
            db=db,
            channels={"telegram": channel},
            messenger=Messenger(MessageComposer(SourceCatalog()), frozenset({"telegram"})),
            clock=SystemClock(),
            policy=DispatchPolicy(batch_size=100),
        )
        scheduler = AsyncIOScheduler(timezone="UTC")
        scheduler.add_job(
            dispatcher.drain, "interval", seconds=1, max_instances=1, coalesce=True,
            next_run_time=datetime.now(UTC),
        )  # fmt: skip
        scheduler.start()
        deadline = time.time() + (start.timestamp() - time.time()) + window + 10
        while time.time() < deadline and len(channel.sent_at) < due_in_window:  # noqa: ASYNC110
            await asyncio.sleep(0.5)
        await asyncio.sleep(1.5)
        scheduler.shutdown(wait=False)
        await db.dispose()
    late = sorted(channel.sent_at[k] - due[k] for k in due if k in channel.sent_at)
    quantiles = statistics.quantiles(late, n=100) if len(late) > 1 else [0.0] * 99
    return {
        "future_reminders_in_db": rows,
        "due_during_run": due_in_window,
        "window_seconds": window,
        "sent": len(channel.sent_at),
        "sent_early_or_extra": len(set(channel.sent_at) - set(due)),
        "lateness_p50_s": round(quantiles[49], 3),
        "lateness_p99_s": round(quantiles[98], 3),
        "lateness_max_s": round(late[-1], 3) if late else None,
        "peak_rss_mib": round(rss_mib(), 1),
        "rss_after_loading_rows_mib": round(rss_loaded, 1),
        "database": "postgresql" if url and url.startswith("postgresql") else "sqlite",
        "tick": "APScheduler interval 1 s, dispatcher batch 100",
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=3000, help="how many fall due during the run")
    parser.add_argument("--window", type=float, default=60.0, help="seconds they are spread over")
    parser.add_argument("--database", default=None)
    args = parser.parse_args()
    configure_logging("WARNING")
    result = asyncio.run(main(args.rows, args.due, args.window, args.database))
    print(json.dumps(result, indent=2))
    out = Path(__file__).parent / "results" / f"reminders_100k_{result['database']}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
