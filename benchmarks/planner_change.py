"""The planner when little changes: idle CPU, a changed case, a new case, peak RSS, by size.

For each size (``--cases``, default 100, 1,000 and 10,000) with ``--reminders`` stored pending
reminders (default 1,000,000), ``bulk_cases.py`` builds the database in a process of its own;
then another process, started for this size alone (so its peak RSS is its own), wires the planner
as ``build_core`` does on a fake clock and measures

- **idle CPU**: a fake minute in which nothing changes, spent as the service spends it (the
  planner's ``plan()`` every ``PLAN_EVERY_S``, ``morning_overview()`` every
  ``OVERVIEW_EVERY_S``): the process CPU seconds of those calls as a share of one core over 60 s
  (goal < 5 % at 10,000); also the same minute as ``tick()`` every 15 s (``idle_minute_4_ticks``);
- **changed case**: one appointment moved through the workspace's domain code
  (``event_actions.move_appointment``), then the ``plan()`` that plans it (goal < 2 s);
- **new case**: one plan file imported with the real importer, then the ``plan()`` that plans it;
- **peak RSS** of that process (goal <= 150 MiB at 10,000 cases and 1M reminders).

Run by hand: ``.venv/bin/python benchmarks/planner_change.py [--cases 100,1000,10000]
[--reminders 1000000] [--postgres]``. Writes ``benchmarks/results/planner_change_<db>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from planner_scale import (
    TICK,
    StatementCounter,
    git,
    import_cases,
    outbox_rows,
    throwaway_url,
)
from sqlmodel import col, select

from sigbot.app.core import Core, build_core
from sigbot.channels.base import RecordingChannel
from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain import event_actions
from sigbot.logs import configure_logging
from sigbot.models import Account, AccountRole, Appointment, Case
from sigbot.scheduler.jobs import OVERVIEW_EVERY_S, PLAN_EVERY_S

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
GOALS = {"idle_cpu_percent": 5.0, "changed_case_seconds": 2.0, "peak_rss_mib": 150.0}


async def move_one(core: Core, ref: str, now: datetime) -> None:
    """Move the first appointment of ``ref`` an hour later, as the workspace's form does."""
    async with core.db.session() as session:
        case = (await session.exec(select(Case).where(Case.ref == ref))).one()
        query = select(Appointment).where(Appointment.case_id == case.id)
        appointment = (await session.exec(query.order_by(col(Appointment.id)))).first()
        assert appointment is not None and appointment.id is not None
        local = (appointment.starts_at + timedelta(hours=1)).astimezone(ZoneInfo(case.timezone))
        account = Account(
            username="bench-lead",
            role=AccountRole.TEAM_LEAD,
            name="Bench",
            password_hash="-",
            created_at=now,
        )
        await event_actions.move_appointment(
            session,
            account=account,
            case=case,
            appointment_id=appointment.id,
            at=local.strftime("%Y-%m-%dT%H:%M"),
            now=now,
        )
        await session.commit()


def rss_now() -> float:
    """This process's resident memory now, MiB (Linux)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return round(int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


async def timed(counter: StatementCounter, work: Callable[[], Awaitable[Any]]) -> dict[str, Any]:
    """One call of ``work`` (a planner step): wall and CPU seconds, statements, what it did."""
    before, wall, cpu = counter.count, time.perf_counter(), time.process_time()
    stats = await work()
    found = {"seconds": round(time.perf_counter() - wall, 3),
             "cpu_seconds": round(time.process_time() - cpu, 3),
             "statements": counter.count - before}  # fmt: skip
    if stats is not None:
        found.update(cases=stats.cases, queued=stats.queued, failed_cases=stats.failed_cases)
    return found


def minute(passes: list[dict[str, Any]], **what: Any) -> dict[str, Any]:
    cpu = sum(p["cpu_seconds"] for p in passes)
    return {**what, "cpu_seconds": round(cpu, 3), "cpu_percent_of_a_core": round(100 * cpu / 60, 2),
            "wall_seconds": round(sum(p["seconds"] for p in passes), 3),
            "statements": sum(p["statements"] for p in passes),
            "cases_planned": sum(p.get("cases", 0) for p in passes),
            "queued": sum(p.get("queued", 0) for p in passes)}  # fmt: skip


async def idle_minute(core: Core, clock: FakeClock, counter: StatementCounter) -> dict[str, Any]:
    """A fake minute with nothing changed, as the service spends it (``scheduler.jobs``: the
    planner every ``PLAN_EVERY_S``, the morning overview every ``OVERVIEW_EVERY_S``)."""
    passes = []
    for second in range(0, 60, PLAN_EVERY_S):
        clock.advance(timedelta(seconds=PLAN_EVERY_S))
        passes.append(await timed(counter, core.planner.plan))
        if second % OVERVIEW_EVERY_S == 0:
            passes.append(await timed(counter, core.planner.morning_overview))
    schedule = f"plan every {PLAN_EVERY_S} s, overview every {OVERVIEW_EVERY_S} s"
    return minute(passes, schedule=schedule, calls=len(passes))


async def four_ticks(core: Core, clock: FakeClock, counter: StatementCounter) -> dict[str, Any]:
    """The same minute as ``planner.tick()`` (plan and overview) every 15 s."""
    passes = []
    for _ in range(4):
        clock.advance(TICK)
        passes.append(await timed(counter, core.planner.tick))
    return minute(passes, schedule="tick() every 15 s", calls=len(passes))


async def measure(url: str, cases: int, clock_at: str) -> dict[str, Any]:
    """The figures for one size, in this process, over a database ``bulk_cases`` built."""
    db = Database.from_url(url)
    clock = FakeClock(datetime.fromisoformat(clock_at))
    channels = {name: RecordingChannel(name) for name in ("telegram", "sms")}
    core = build_core(db=db, clock=clock, channels=channels)
    counter = StatementCounter(db)
    result: dict[str, Any] = {"cases": cases, "outbox_rows": await outbox_rows(db)}
    rss = result["rss_mib"] = {"wired": rss_now()}
    result["first_tick"] = await timed(counter, core.planner.tick)  # whatever was due
    result["idle_minute"] = await idle_minute(core, clock, counter)
    result["idle_minute_4_ticks"] = await four_ticks(core, clock, counter)
    rss["after_idle_minute"] = rss_now()
    clock.advance(TICK)
    began = time.perf_counter()
    await move_one(core, f"BENCH-{cases // 2:06d}", clock.now())
    result["move_seconds"] = round(time.perf_counter() - began, 3)
    result["changed_case"] = await timed(counter, core.planner.plan)
    rss["after_changed_case"] = rss_now()
    clock.advance(TICK)
    began = time.perf_counter()
    await import_cases(db, clock, cases, 1)
    result["import_seconds"] = round(time.perf_counter() - began, 3)
    result["new_case"] = await timed(counter, core.planner.plan)
    rss["after_new_case"] = rss_now()
    result["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["load_average_1m_at_end"] = round(os.getloadavg()[0], 2)
    await db.dispose()
    return result


def child(*args: str) -> dict[str, Any]:
    """Run a benchmark script in its own process; its last output line is JSON."""
    out = subprocess.run([sys.executable, *args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.stderr.write(out.stderr[-4000:])
        raise SystemExit(f"{Path(args[0]).name} {' '.join(args[1:])} failed ({out.returncode})")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


async def one_size(cases: int, reminders: int, postgres: bool, templates: int) -> dict[str, Any]:
    """Build the database for ``cases`` (own process), then measure it (another)."""
    async with throwaway_url(postgres) as url:
        built = child(
            str(HERE / "bulk_cases.py"),
            "--database",
            url,
            "--cases",
            str(cases),
            "--reminders",
            str(reminders),
            "--templates",
            str(templates),
        )
        measured = child(__file__, "--one", url, "--cases", str(cases), "--clock", built["clock"])
    return {**measured, "stored_reminders": reminders, "build": built}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", default="100,1000,10000", help="comma-separated sizes")
    parser.add_argument("--reminders", type=int, default=1_000_000)
    parser.add_argument("--templates", type=int, default=20)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL at 127.0.0.1:5432")
    parser.add_argument("--out", help="result file (default results/planner_change_<db>.json)")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # the measuring child: a database URL
    parser.add_argument("--clock", help=argparse.SUPPRESS)
    args = parser.parse_args()
    configure_logging("WARNING")
    if args.one:
        print(json.dumps(asyncio.run(measure(args.one, int(args.cases), args.clock))))
        return
    database = "postgresql" if args.postgres else "sqlite"
    report: dict[str, Any] = {
        "benchmark": "planner_change",
        "database": database,
        "goals": GOALS,
        "commit": git("log", "-1", "--format=%H %s"),
        "uncommitted": git("status", "--short", "--untracked-files=no").splitlines(),
        "cpus": os.cpu_count(),
        "runs": [],
    }
    for cases in (int(n) for n in args.cases.split(",")):
        began = time.perf_counter()
        run = asyncio.run(one_size(cases, args.reminders, args.postgres, args.templates))
        run["size_seconds"] = round(time.perf_counter() - began, 1)
        report["runs"].append(run)
        print(json.dumps(run), file=sys.stderr, flush=True)
    out = Path(args.out) if args.out else RESULTS / f"planner_change_{database}.json"
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
