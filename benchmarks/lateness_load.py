"""How late reminders go out while the planner works on 10,000 cases and a burst of notices
drains, with 100,000 or 1,000,000 future reminders stored.

``bulk_cases.py`` builds the cases (their times moved to today, so they are live for a real
clock) and the stored reminders, in a process of its own; what the cases queued for the moment
they were built (invitations, notices) counts as sent, as in a service that ran before. A
second process then runs what ``sigbot run`` runs, on the real clock: the planner, the
dispatcher and the morning overview at the service's intervals (``scheduler.jobs``),
``build_core`` with in-process recording channels.
At the start every case is due for planning (``--replan all``, as when the daily check-ins
of every case come at 17:00), 3,000 plan notices fall due at once (bulk, priority 2) and
``--due`` reminders (timed, priority 1) fall due spread over ``--window`` seconds. Lateness is
each of those reminders' ``sent_at`` (the wall clock) minus its due time; goal: p99 <= 1 s.
``--limits telegram`` adds the production Telegram limits (30/s, 1/s a chat).

Run by hand: ``.venv/bin/python benchmarks/lateness_load.py [--rows 100000,1000000]
[--cases 10000] [--postgres]``. Writes ``benchmarks/results/lateness_load_<db>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from jobwatch import LoopLag, Watched, guard
from planner_change import child
from planner_scale import git, throwaway_url
from sqlalchemy import insert, text, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select

from sigbot.app.core import Core, build_core
from sigbot.channels.base import RecordingChannel
from sigbot.clock import SystemClock
from sigbot.db import Database
from sigbot.logs import configure_logging
from sigbot.models import Case, OutboxMessage
from sigbot.models.kinds import priority_of
from sigbot.outbox.ratelimit import RateLimiter
from sigbot.scheduler.jobs import DISPATCH_EVERY_S, OVERVIEW_EVERY_S, PLAN_EVERY_S, start_jobs

HERE = Path(__file__).resolve().parent
GOAL_P99_S = 1.0
PLANNED_BY_END = "SELECT count(*) FROM sig_case WHERE next_look_at IS NOT NULL"  # --replan all
ROW = {"language": "sv", "params": {}, "state": "pending", "attempts": 0, "channel": "telegram"}


def rows(
    kind: str, params: dict[str, Any], tag: str, due: list[datetime], now: datetime
) -> list[dict[str, Any]]:
    """Outbox rows about no case, one chat each, due at ``due``, with a planned row's params."""
    base = {
        **ROW,
        "kind": kind,
        "params": params,
        "topic": "plan" if kind == "plan_notice" else "reminders",
        "priority": priority_of(kind),
        "created_at": now,
        "expects_reply": kind == "appointment_reminder",
    }
    first = 30_000_000 if tag == "latn" else 40_000_000
    return [
        {
            **base,
            "idempotency_key": f"{tag}|{i}",
            "address": str(first + i),
            "body": f"{tag}{i}",
            "due_at": at,
        }
        for i, at in enumerate(due)
    ]


async def params_of(conn: AsyncConnection, kind: str) -> dict[str, Any]:
    """The params of a row of ``kind`` the planner queued to go (the texts need them; a
    cancelled row has none)."""
    query = select(col(OutboxMessage.params)).where(
        col(OutboxMessage.kind) == kind,
        col(OutboxMessage.case_id).is_not(None),
        col(OutboxMessage.state).in_(("pending", "sent")),
    )
    found: dict[str, Any] = (
        await conn.execute(query.order_by(col(OutboxMessage.id)).limit(1))
    ).scalar_one()
    return found


async def load(
    db: Database, notices: int, due: int, window: float, t0: datetime, *, replan: bool
) -> int:
    """What the cases queued for the moment they were built counts as sent (a running service
    sent it long ago); every case due for planning (``replan``); the burst of notices at
    ``t0``; reminders over the window. Returns how many rows counted as sent."""
    rng = random.Random(11)
    now = datetime.now(UTC)
    times = sorted(t0 + timedelta(seconds=rng.uniform(0, window)) for _ in range(due))
    async with db.engine.begin() as conn:
        backlog = (await conn.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.state) == "pending", col(OutboxMessage.due_at) <= now)
            .values(state="sent", sent_at=OutboxMessage.due_at)
        )).rowcount  # fmt: skip
        if replan:
            await conn.execute(update(Case).values(next_look_at=None))
        like = {
            kind: await params_of(conn, kind) for kind in ("plan_notice", "appointment_reminder")
        }
        for batch in (
            rows("plan_notice", like["plan_notice"], "latn", [t0] * notices, now),
            rows("appointment_reminder", like["appointment_reminder"], "latr", times, now),
        ):
            for start in range(0, len(batch), 5000):
                await conn.execute(insert(OutboxMessage), batch[start : start + 5000])
    return backlog


async def lateness(db: Database) -> dict[str, Any]:
    """Lateness of the window's reminders, and when the last notice went."""
    async with db.session() as session:
        found = (
            await session.exec(
                select(
                    OutboxMessage.idempotency_key, OutboxMessage.due_at, OutboxMessage.sent_at
                ).where(col(OutboxMessage.idempotency_key).like("lat%"))
            )
        ).all()
    late = sorted((s - d).total_seconds() for k, d, s in found if k.startswith("latr") and s)
    notices = [s for k, _, s in found if k.startswith("latn") and s]
    cuts = (
        statistics.quantiles(late, n=100, method="inclusive")
        if len(late) > 1
        else [late[0] if late else 0.0] * 99
    )
    due = sum(1 for k, _, _ in found if k.startswith("latr"))
    return {
        "reminders_due": due,
        "reminders_sent": len(late),
        "lateness_p50_s": round(cuts[49], 3),
        "lateness_p99_s": round(cuts[98], 3),
        "lateness_max_s": round(late[-1], 3) if late else None,
        "notices_sent": len(notices),
        "last_notice_sent_at": max(notices).isoformat() if notices else None,
    }


async def run_jobs(core: Core, args: argparse.Namespace, t0: datetime) -> dict[str, Any]:
    """The service's jobs until every reminder of the window went (or the grace is over)."""
    plan, dispatch = Watched(core.planner.plan), Watched(core.dispatcher.drain)
    overview, lag = Watched(core.planner.morning_overview), LoopLag()
    jobs = {
        "dispatch": (dispatch, DISPATCH_EVERY_S),
        "plan": (plan, PLAN_EVERY_S),
        "overview": (overview, OVERVIEW_EVERY_S),
    }  # as sigbot.app.service starts them
    began, scheduler = time.perf_counter(), start_jobs(jobs, guard)
    deadline = t0.timestamp() + args.window + args.grace
    sent = core.channels["telegram"].sent  # type: ignore[attr-defined]  # a RecordingChannel
    while time.time() < deadline and sum(m.body.startswith("latr") for m in sent) < args.due:  # noqa: ASYNC110
        await asyncio.sleep(0.5)
    await asyncio.sleep(2)  # the last sends are recorded after they leave
    scheduler.shutdown(wait=False)
    return {"run_s": round(time.perf_counter() - began, 1), "planner": plan.figures(),
            "overview": overview.figures(), "dispatcher": dispatch.figures(),
            "event_loop_lag": lag.figures()}  # fmt: skip


async def measure(url: str, args: argparse.Namespace) -> dict[str, Any]:
    db = Database.from_url(url)
    channels = {name: RecordingChannel(name) for name in ("telegram", "sms")}
    limiters = {"telegram": RateLimiter(30.0, per_address_gap=1.0), "sms": RateLimiter(1.0)}
    core: Core = build_core(
        db=db,
        clock=SystemClock(),
        channels=channels,
        limiters=limiters if args.limits == "telegram" else None,
    )
    t0 = datetime.now(UTC) + timedelta(seconds=3)
    settled = await load(db, args.notices, args.due, args.window, t0, replan=args.replan == "all")
    result = {"stored_reminders": args.rows, "cases": args.cases, "replan": args.replan,
              "backlog_counted_as_sent": settled,
              "window_s": args.window, "notices": args.notices, "limits": args.limits,
              **await run_jobs(core, args, t0), **await lateness(db),
              "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
              "load_average_1m_at_end": round(os.getloadavg()[0], 2)}  # fmt: skip
    if result["last_notice_sent_at"]:
        last = datetime.fromisoformat(result.pop("last_notice_sent_at"))
        result["notices_drained_after_s"] = round((last - t0).total_seconds(), 1)
    async with db.engine.connect() as conn:
        for key, query in (("outbox_rows", "SELECT count(*) FROM outbox_message"),
                           ("cases_planned_by_end", PLANNED_BY_END)):  # fmt: skip
            result[key] = (await conn.execute(text(query))).scalar()
    return result


async def one_size(rows: int, args: argparse.Namespace) -> dict[str, Any]:
    async with throwaway_url(args.postgres) as url:
        start = datetime.now(UTC).isoformat()
        built = child(
            str(HERE / "bulk_cases.py"),
            "--database",
            url,
            "--cases",
            str(args.cases),
            "--reminders",
            str(rows),
            "--start",
            start,
        )
        flags = [
            "--replan",
            args.replan,
            "--due",
            str(args.due),
            "--window",
            str(args.window),
            "--grace",
            str(args.grace),
            "--notices",
            str(args.notices),
            "--limits",
            args.limits,
            "--cases",
            str(args.cases),
        ]
        measured = child(__file__, "--one", url, "--rows", str(rows), *flags)
    return {**measured, "build": built}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--rows", default="100000,1000000", help="stored reminders, comma-separated"
    )
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--notices", type=int, default=3000, help="the burst, due at the start")
    parser.add_argument("--due", type=int, default=600, help="reminders due during the window")
    parser.add_argument("--window", type=float, default=60.0, help="seconds they are spread over")
    parser.add_argument("--grace", type=float, default=30.0, help="seconds to wait after it")
    parser.add_argument("--limits", choices=("off", "telegram"), default="off")
    parser.add_argument(
        "--replan",
        choices=("all", "none"),
        default="all",
        help="every case due for planning at the start (as at 17:00 check-ins)",
    )
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--out", help="result file (default results/lateness_load_<db>.json)")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    configure_logging("WARNING")
    if args.one:
        args.rows = int(args.rows)
        print(json.dumps(asyncio.run(measure(args.one, args))), flush=True)
        os._exit(0)  # a planner pass may still be running: don't wait for it
    database = "postgresql" if args.postgres else "sqlite"
    report: dict[str, Any] = {
        "benchmark": "lateness_load",
        "database": database,
        "goal_p99_s": GOAL_P99_S,
        "commit": git("log", "-1", "--format=%H %s"),
        "cpus": os.cpu_count(),
        "runs": [],
    }
    for n in (int(r) for r in args.rows.split(",")):
        report["runs"].append(asyncio.run(one_size(n, args)))
        print(json.dumps(report["runs"][-1]), file=sys.stderr, flush=True)
    out = Path(args.out) if args.out else HERE / "results" / f"lateness_load_{database}.json"
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
