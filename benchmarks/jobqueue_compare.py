"""The same future reminders as python-telegram-bot JobQueue jobs or as sigbot's outbox rows.

A bot that keeps its reminders as JobQueue jobs (one ``run_once`` each, in memory) must build
them again at every start; sigbot keeps them as rows and reads only what is due. Both sides read
the same ``--rows`` stored reminders (``bulk_cases.py --cases 0``), each in a process of its own:

- **jobqueue**: start a PTB ``Application``'s JobQueue, read the rows' due times (streamed) and
  ``run_once`` one job per row; seconds from process start until every job is scheduled, and
  peak RSS;
- **sigbot**: ``build_core`` over the database and one dispatcher pass (nothing is due yet, as
  after a restart); seconds from process start until that pass is done, and peak RSS.

Run by hand: ``.venv/bin/python benchmarks/jobqueue_compare.py [--rows 1000000] [--postgres]``.
Writes ``benchmarks/results/jobqueue_compare_<db>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

# Only what both sides need is imported here: each side's process imports its own.
BEGAN = time.perf_counter()
HERE = Path(__file__).resolve().parent


def since_start() -> float:
    """Seconds since the interpreter started (psutil), or since this module began loading."""
    try:
        import psutil  # type: ignore[import-untyped]  # no stubs in the dev dependencies

        return time.time() - float(psutil.Process().create_time())
    except ImportError:
        return time.perf_counter() - BEGAN


def peak_rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


async def remind(_context: object) -> None:
    """What a job would do when due (never reached here)."""


async def jobqueue(url: str, budget: float) -> dict[str, Any]:
    """One ``run_once`` per stored reminder, streamed from the database."""
    from telegram.ext import Application

    app = Application.builder().token("123456:TEST-token").build()
    assert app.job_queue is not None, "python-telegram-bot[job-queue] is needed"
    await app.job_queue.start()
    engine = create_async_engine(url)
    ready = since_start()
    scheduled, began = 0, time.perf_counter()
    query = text("SELECT id, due_at FROM outbox_message WHERE state = 'pending'")
    async with engine.connect() as conn:
        result = await conn.stream(query.execution_options(yield_per=10_000))
        async for part in result.partitions():
            for outbox_id, due_at in part:
                when = due_at if isinstance(due_at, datetime) else datetime.fromisoformat(due_at)
                when = when if when.tzinfo else when.replace(tzinfo=UTC)
                app.job_queue.run_once(remind, when=when, data=outbox_id, name=str(outbox_id))
            scheduled += len(part)
            await asyncio.sleep(0)  # let the loop breathe, as a live bot must
            if time.perf_counter() - began > budget:
                break
    done = since_start()
    jobs = len(app.job_queue.jobs())
    app.job_queue.scheduler.shutdown(wait=False)
    await engine.dispose()
    return {
        "side": "jobqueue",
        "jobs_scheduled": jobs,
        "finished": scheduled == jobs and time.perf_counter() - began <= budget,
        "ready_s": round(ready, 2),
        "seconds_until_all_scheduled": round(done, 2),
        "peak_rss_mib": peak_rss_mib(),
    }


async def sigbot(url: str) -> dict[str, Any]:
    """What ``sigbot run`` does first with the rows: wire up, claim what is due."""
    from sqlalchemy import func
    from sqlmodel import col, select

    from sigbot.app.core import build_core
    from sigbot.channels.base import RecordingChannel
    from sigbot.clock import SystemClock
    from sigbot.db import Database
    from sigbot.models import OutboxMessage

    db = Database.from_url(url)
    core = build_core(
        db=db, clock=SystemClock(), channels={"telegram": RecordingChannel("telegram")}
    )
    handled = await core.dispatcher.run_once()
    done = since_start()
    async with db.engine.connect() as conn:
        count = select(func.count()).select_from(OutboxMessage)
        pending = (await conn.execute(count.where(col(OutboxMessage.state) == "pending"))).scalar()
    await db.dispose()
    return {
        "side": "sigbot",
        "pending_rows": pending,
        "claimed_at_start": handled,
        "seconds_until_ready": round(done, 2),
        "peak_rss_mib": peak_rss_mib(),
    }


async def compare(rows: int, postgres: bool, budget: float) -> dict[str, Any]:
    from planner_change import child
    from planner_scale import throwaway_url

    async with throwaway_url(postgres) as url:
        built = child(
            str(HERE / "bulk_cases.py"),
            "--database",
            url,
            "--cases",
            "0",
            "--reminders",
            str(rows),
            "--start",
            datetime.now(UTC).isoformat(),
        )
        ours = child(__file__, "--one", "sigbot", "--database", url)
        theirs = child(__file__, "--one", "jobqueue", "--database", url, "--budget", str(budget))
    return {
        "rows": rows,
        "sigbot": ours,
        "jobqueue": theirs,
        "build_s": built["total_s"],
        "rss_ratio": round(theirs["peak_rss_mib"] / ours["peak_rss_mib"], 1),
        "start_ratio": round(
            theirs["seconds_until_all_scheduled"] / ours["seconds_until_ready"], 1
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--budget", type=float, default=900.0, help="give the JobQueue this long")
    parser.add_argument("--out", help="result file (default results/jobqueue_compare_<db>.json)")
    parser.add_argument("--one", choices=("sigbot", "jobqueue"), help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        work = (
            sigbot(args.database) if args.one == "sigbot" else jobqueue(args.database, args.budget)
        )
        print(json.dumps(asyncio.run(work)))
        return
    from planner_scale import git

    database = "postgresql" if args.postgres else "sqlite"
    report = {
        "benchmark": "jobqueue_compare",
        "database": database,
        "cpus": os.cpu_count(),
        "commit": git("log", "-1", "--format=%H %s"),
        "at": datetime.now(UTC).isoformat(),
        **asyncio.run(compare(args.rows, args.postgres, args.budget)),
    }
    out = Path(args.out) if args.out else HERE / "results" / f"jobqueue_compare_{database}.json"
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
