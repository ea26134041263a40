"""Dispatcher throughput: rate limits off, the real PTB client, a local fake Bot API.

Seeds N due rows (one chat each, the text naming the row) and drains them with the real
dispatcher, in one process or (PostgreSQL) in several OS processes with their own dispatcher
and fake server draining the same table. Reports messages per second over the whole drain,
SQL statements per message, and the sends each fake server saw per row: every row must be
sent exactly once (``duplicates`` and ``missing`` 0). ``client_only_messages_per_second`` is
the PTB client against the same fake server with as many sends in flight and no database: the
ceiling the dispatcher cannot pass on this machine.

Run by hand: ``.venv/bin/python benchmarks/dispatch_throughput.py [--rows N] [--postgres]
[--processes 2] [--in-flight 16] [--batch-size 100] [--latency 0.05] [--channel recording]
[--database URL]``. ``--postgres`` uses a throwaway database on 127.0.0.1:5432, created here and
dropped after. ``--latency`` makes the fake Bot API answer late, as a provider far away does
(what sends in flight are for); ``--channel recording`` leaves HTTP out. Writes
``benchmarks/results/dispatch_throughput_<db>[_<n>proc][_no_http][_<ms>ms].json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
os.environ.setdefault("PTB_TIMEDELTA", "true")

from planner_scale import git, throwaway_url
from sqlalchemy import event, insert
from telegram import Bot
from telegram.request import HTTPXRequest

from sigbot.channels.base import Channel, RecordingChannel
from sigbot.channels.telegram import TelegramChannel
from sigbot.clock import FakeClock
from sigbot.db import Database, migrate
from sigbot.logs import configure_logging
from sigbot.messages.composer import MessageComposer, SourceCatalog
from sigbot.models import OutboxMessage
from sigbot.outbox.dispatcher import Dispatcher, DispatchPolicy
from sigbot.outbox.messenger import Messenger
from tests.fakes import FakeTelegramServer

RESULTS = Path(__file__).parent / "results"
START = datetime(2026, 11, 25, 8, tzinfo=UTC)
# As ``ApplicationBuilder`` sets it for ``sigbot run``: enough connections for every send in
# flight (HTTPXRequest's own default is the same in PTB 22).
POOL = 256
# What reached the chats so far: one text (the row's key) per send.
Sent = Callable[[], list[str]]


async def seed(url: str, rows: int) -> None:
    """``rows`` due rows, one chat each; the body is the row's key, so a fake server's log
    says which row each send was."""
    db = Database.from_url(url)
    await migrate(db)
    now = START - timedelta(seconds=1)
    for first in range(0, rows, 5000):
        batch = [
            {"idempotency_key": f"bench-{i}", "channel": "telegram", "address": str(50_000 + i),
             "topic": "system", "kind": "unknown_sender", "body": f"bench-{i}", "params": {},
             "language": "sv", "due_at": now, "created_at": now, "state": "pending",
             "attempts": 0, "priority": 1, "expects_reply": False}
            for i in range(first, min(first + 5000, rows))
        ]  # fmt: skip
        async with db.engine.begin() as conn:
            await conn.execute(insert(OutboxMessage), batch)
    await db.dispose()


async def client_only(bot: Bot, sends: int, in_flight: int) -> float:
    """Messages per second of the PTB client alone, ``in_flight`` at a time, no database."""
    gate = asyncio.Semaphore(in_flight)

    async def one(n: int) -> None:
        async with gate:
            await bot.send_message(chat_id=90_000 + n, text=f"warm-{n}")

    started = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(sends)))
    return sends / (time.perf_counter() - started)


@asynccontextmanager
async def telegram(args: argparse.Namespace) -> AsyncIterator[tuple[Channel, Sent, float | None]]:
    """The channel to send through, what reached the chats so far, and the client's ceiling:
    ``ptb``, the real client against a fake Bot API in this process (answering after
    ``--latency`` seconds, like a provider far away); ``recording``, no HTTP at all (what the
    dispatcher costs by itself)."""
    if args.channel == "recording":
        recording = RecordingChannel("telegram")
        yield recording, lambda: [m.body for m in recording.sent], None
        return
    async with FakeTelegramServer() as tg:
        bot = Bot(tg.token, base_url=tg.base_url, request=HTTPXRequest(connection_pool_size=POOL))
        await bot.initialize()
        try:
            if args.latency:
                tg.delay(seconds=args.latency, times=10 * args.rows + 10_000)
            ceiling = await client_only(bot, 1000, args.in_flight)
            tg.sent.clear()
            yield TelegramChannel(bot), lambda: [m.text for m in tg.sent], ceiling
        finally:
            await bot.shutdown()


async def worker(url: str, n: int, args: argparse.Namespace) -> dict[str, Any]:
    """One process's dispatcher draining the table; what its chats received."""
    db = Database.from_url(url)
    statements = Counter[str]()

    def count(*_: Any) -> None:
        statements["all"] += 1

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    policy = DispatchPolicy(batch_size=args.batch_size, in_flight=args.in_flight)
    async with telegram(args) as (channel, sent, ceiling):
        dispatcher = Dispatcher(
            db=db,
            channels={"telegram": channel},
            messenger=Messenger(MessageComposer(SourceCatalog()), frozenset({"telegram"})),
            clock=FakeClock(START),
            policy=policy,
            worker_id=f"bench-{n}",
        )
        await asyncio.sleep(max(0.0, args.start_at - time.time()))  # processes start together
        before, started = statements["all"], time.time()
        handled = await dispatcher.drain(max_batches=1_000_000)
        finished = time.time()
        seen = Counter(sent())
    await db.dispose()
    return {
        "worker": n,
        "handled": handled,
        "started": started,
        "finished": finished,
        "statements": statements["all"] - before,
        "client_only_messages_per_second": None if ceiling is None else round(ceiling, 1),
        "seen": dict(seen),
    }


def in_processes(url: str, processes: int, args: argparse.Namespace) -> list[dict[str, Any]]:
    """``processes`` OS processes, each running :func:`worker`, started at the same moment."""
    start_at = time.time() + 5.0  # time for each to import, connect and warm up its client
    common = ["--start-at", str(start_at), "--database", url, "--in-flight", str(args.in_flight)]
    common += ["--batch-size", str(args.batch_size), "--channel", args.channel]
    common += ["--latency", str(args.latency), "--rows", str(args.rows)]
    children = [
        subprocess.Popen(
            [sys.executable, __file__, "--worker", str(n), *common],
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(processes)
    ]
    results = []
    for child in children:
        out, _ = child.communicate()
        if child.returncode != 0:
            raise SystemExit(f"worker failed with exit code {child.returncode}")
        results.append(json.loads(out))
    return results


def summary(rows: int, workers: list[dict[str, Any]]) -> dict[str, Any]:
    """Total throughput over the whole drain, and what the fake servers saw per row."""
    seen: Counter[str] = Counter()
    for w in workers:
        seen.update(w["seen"])
    handled = sum(w["handled"] for w in workers)
    seconds = max(w["finished"] for w in workers) - min(w["started"] for w in workers)
    return {
        "rows": rows,
        "handled": handled,
        "sent": sum(seen.values()),
        "duplicates": sum(count - 1 for count in seen.values() if count > 1),
        "missing": rows - len(seen),
        "seconds": round(seconds, 3),
        "messages_per_second": round(handled / seconds, 1),
        "statements_per_message": round(sum(w["statements"] for w in workers) / handled, 2),
        "per_process": [
            {k: v for k, v in w.items() if k not in ("seen", "started", "finished")}
            for w in workers
        ],
    }


async def prepared(args: argparse.Namespace) -> dict[str, Any]:
    """Seed a database (given or throwaway), drain it, and report."""
    postgres = args.postgres or (args.database or "").startswith("postgresql")
    async with throwaway_url(args.postgres) as fresh:
        url = args.database or fresh
        await seed(url, args.rows)
        if args.processes == 1:
            workers = [await worker(url, 0, args)]
        else:
            workers = await asyncio.to_thread(in_processes, url, args.processes, args)
    return {
        "database": "postgresql" if postgres else "sqlite",
        "processes": args.processes,
        "batch_size": args.batch_size,
        "in_flight": args.in_flight,
        "channel": args.channel,
        "latency_seconds": args.latency,
        "rate_limits": "off",
        **summary(args.rows, workers),
        "commit": git("log", "-1", "--format=%H %s"),
        "uncommitted": git("status", "--short", "--untracked-files=no").splitlines(),
        "cpus": os.cpu_count(),
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--database", default=None, help="SQLAlchemy URL (default: throwaway)")
    parser.add_argument("--postgres", action="store_true", help="throwaway PostgreSQL database")
    parser.add_argument("--processes", type=int, default=1, help="dispatcher processes (PG)")
    parser.add_argument("--in-flight", type=int, default=DispatchPolicy().in_flight)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--channel", choices=("ptb", "recording"), default="ptb")
    parser.add_argument("--latency", type=float, default=0.0, help="fake Bot API answer delay")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)  # a child of in_processes
    parser.add_argument("--start-at", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    configure_logging("WARNING")
    if args.worker is not None:
        print(json.dumps(asyncio.run(worker(args.database, args.worker, args))))
        return
    if args.processes > 1 and not (args.postgres or (args.database or "").startswith("postgres")):
        parser.error("several processes need PostgreSQL (--postgres): on SQLite run one")
    result = asyncio.run(prepared(args))
    print(json.dumps(result, indent=2))
    suffix = f"_{args.processes}proc" if args.processes > 1 else ""
    suffix += "_no_http" if args.channel == "recording" else ""
    suffix += f"_{int(args.latency * 1000)}ms" if args.latency else ""
    out = RESULTS / f"dispatch_throughput_{result['database']}{suffix}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
