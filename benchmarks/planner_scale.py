"""The planner at scale: what one pass over N cases costs today, so later changes can be compared.

Each case is examples/case.yaml with its ref, member keys, phone numbers, chat ids and times
varied (6 members, 2 meetings, 2 appointments, 3 commitments), imported with the real importer.
Measured with the real planner as ``build_core`` wires it, on a fake clock: a first pass over
every case, a second pass when nothing changed (the idle cost of a tick), a pass after one
appointment moved, a pass after one new case came in, SQL statements per pass and peak RSS.
Each size runs in its own process so peak RSS belongs to that size alone.

Run by hand: ``.venv/bin/python benchmarks/planner_scale.py [--cases 100,1000] [--reminders M]
[--postgres]``. Writes ``benchmarks/results/planner_scale_<db>.json`` and, when matplotlib is
installed (``pip install -e .[bench]``), ``planner_scale_<db>.png``.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import yaml
from sqlalchemy import event, func, insert
from sqlmodel import col, select

from sigbot.app.core import Core, build_core
from sigbot.channels.base import RecordingChannel
from sigbot.clock import FakeClock
from sigbot.db import Database, migrate
from sigbot.domain.appointments import move_appointment
from sigbot.logs import configure_logging
from sigbot.models import Appointment, Case, OutboxMessage
from sigbot.planfile.importer import import_plan
from sigbot.planfile.loader import parse_plan_text

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "case.yaml"
RESULTS = Path(__file__).parent / "results"
START = datetime(2026, 11, 25, 7, tzinfo=UTC)  # 08:00 in Stockholm, out of quiet hours
TICK = timedelta(seconds=15)  # the production planner interval
PG_ADMIN = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
IMPORT_BATCH = 50  # imports per transaction while building the cases
TZ = "Europe/Stockholm"
REMINDER = {"channel": "telegram", "language": "sv", "topic": "reminders", "params": {},
            "kind": "appointment_reminder", "subject_type": "appointment", "state": "pending",
            "attempts": 0, "expects_reply": True}  # fmt: skip


def plan_text(template: dict[str, Any], i: int, base: timedelta = timedelta(0)) -> str:
    """Case ``i``: the example with its own ref, keys, numbers, chats and times (+ ``base``),
    3 commitments; each name holds ``i`` in a fixed width, as ``bulk_clone.py`` needs."""
    data = copy.deepcopy(template)
    keys = {m["key"]: f"{m['key']}-c{i:06d}" for m in data["members"]}
    shift = base + timedelta(days=i % 5, minutes=15 * (i % 4))

    def moved(value: str) -> str:
        return (datetime.fromisoformat(value) + shift).strftime("%Y-%m-%dT%H:%M")

    case = data["case"]
    case["ref"] = f"BENCH-{i:06d}"
    case["coordinator"], case["backup"] = keys[case["coordinator"]], keys[case["backup"]]
    for n, member in enumerate(data["members"]):
        member["key"] = keys[member["key"]]
        if "phone" in member:
            member["phone"] = f"+4670{i:06d}{n}"
        if "telegram_chat_id" in member:
            member["telegram_chat_id"] = int(f"555{i:06d}{n}")
    for consent in data["consent"]:
        consent["given_by"] = [keys[k] for k in consent["given_by"]]
        consent["share_with"] = [keys[k] for k in consent["share_with"]]
    for meeting in data["meetings"]:
        meeting["at"] = moved(meeting["at"])
        meeting["invite"] = [keys[k] for k in meeting["invite"]]
    for appointment in data["appointments"]:
        appointment["at"], appointment["who"] = moved(appointment["at"]), keys[appointment["who"]]
    data["commitments"] = data["commitments"][:3]
    for commitment in data["commitments"]:
        commitment["owner"] = keys[commitment["owner"]]
        if "due" in commitment:
            commitment["due"] = moved(commitment["due"])
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


async def import_cases(db: Database, clock: FakeClock, first: int, count: int) -> None:
    """Import plan files ``first`` .. ``first + count - 1`` with the real loader and importer."""
    template = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    for start in range(first, first + count, IMPORT_BATCH):
        async with db.session() as session:
            for i in range(start, min(start + IMPORT_BATCH, first + count)):
                text = plan_text(template, i)
                plan = parse_plan_text(text, source=f"case-{i}.yaml", default_timezone=TZ)
                await import_plan(session=session, plan=plan, clock=clock)
            await session.commit()


async def add_reminders(db: Database, rows: int, now: datetime) -> None:
    """``rows`` stored pending reminders about appointments of no loaded case (bulk insert)."""
    for start in range(0, rows, 5000):
        batch = [
            {**REMINDER, "idempotency_key": f"bench|{i}", "address": str(20_000_000 + i),
             "body": f"r{i}", "subject_id": 10_000_000 + i, "created_at": now,
             "due_at": now + timedelta(days=1, seconds=(i * 2593) % (30 * 86400))}
            for i in range(start, min(start + 5000, rows))
        ]  # fmt: skip
        async with db.engine.begin() as conn:
            await conn.execute(insert(OutboxMessage), batch)


class StatementCounter:
    """Counts the SQL statements the engine sends (``before_cursor_execute``)."""

    def __init__(self, db: Database) -> None:
        self.count = 0
        event.listen(db.engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: Any) -> None:
        self.count += 1


async def timed_pass(core: Core, counter: StatementCounter) -> dict[str, Any]:
    """One ``planner.tick()``: wall and CPU seconds, statements, what it did."""
    before, wall, cpu = counter.count, time.perf_counter(), time.process_time()
    stats = await core.planner.tick()
    return {
        "seconds": round(time.perf_counter() - wall, 3),
        "cpu_seconds": round(time.process_time() - cpu, 3),
        "statements": counter.count - before,
        "cases": stats.cases,
        "queued": stats.queued,
        "failed_cases": stats.failed_cases,
    }


async def move_one(core: Core, ref: str, now: datetime) -> None:
    """Move the first appointment of case ``ref`` one hour later, as the workspace would."""
    async with core.db.session() as session:
        case = (await session.exec(select(Case).where(Case.ref == ref))).one()
        query = select(Appointment).where(Appointment.case_id == case.id)
        appointment = (await session.exec(query.order_by(col(Appointment.id)))).first()
        assert appointment is not None
        later = appointment.starts_at + timedelta(hours=1)
        changes = await move_appointment(session, appointment=appointment, starts_at=later, now=now)
        assert changes, "the appointment did not move"
        await session.commit()


async def outbox_rows(db: Database) -> int:
    async with db.session() as session:
        return (await session.exec(select(func.count()).select_from(OutboxMessage))).one()


async def measure(cases: int, reminders: int, url: str) -> dict[str, Any]:
    """Build ``cases`` cases (and ``reminders`` stored rows) in ``url`` and time the planner."""
    db = Database.from_url(url)
    await migrate(db)
    clock = FakeClock(START)
    started = time.perf_counter()
    await import_cases(db, clock, 0, cases)
    import_s = time.perf_counter() - started
    await add_reminders(db, reminders, clock.now())
    channels = {name: RecordingChannel(name) for name in ("telegram", "sms")}
    core = build_core(db=db, clock=clock, channels=channels)
    counter = StatementCounter(db)
    result: dict[str, Any] = {"cases": cases, "stored_reminders": reminders}
    result["import_seconds"] = round(import_s, 2)
    result["import_cases_per_second"] = round(cases / import_s, 1)
    result["first_pass"] = await timed_pass(core, counter)
    result["outbox_rows_after_first_pass"] = await outbox_rows(db)
    clock.advance(TICK)
    result["idle_pass"] = await timed_pass(core, counter)
    clock.advance(TICK)
    await move_one(core, f"BENCH-{cases // 2:06d}", clock.now())
    result["changed_case_pass"] = await timed_pass(core, counter)
    clock.advance(TICK)
    await import_cases(db, clock, cases, 1)
    result["new_case_pass"] = await timed_pass(core, counter)
    for step in ("first_pass", "idle_pass"):
        result[step]["statements_per_case"] = round(result[step]["statements"] / cases, 1)
    result["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["load_average_1m_at_end"] = round(os.getloadavg()[0], 2)  # other work on the machine
    await db.dispose()
    return result


@asynccontextmanager
async def throwaway_url(postgres: bool) -> AsyncIterator[str]:
    """A fresh SQLite file, or a fresh PostgreSQL database created here and dropped after."""
    if not postgres:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite+aiosqlite:///{tmp}/bench.db"
        return
    import asyncpg

    name = f"sigbot_planner_bench_{os.getpid()}"
    admin = PG_ADMIN.replace("postgresql+asyncpg", "postgresql")
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
        try:
            yield PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
        finally:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def one_size(cases: int, reminders: int, postgres: bool) -> dict[str, Any]:
    async with throwaway_url(postgres) as url:
        return await measure(cases, reminders, url)


def run_size(cases: int, reminders: int, postgres: bool) -> dict[str, Any]:
    """One size in a child process, so its peak RSS is its own."""
    command = [sys.executable, __file__, "--one", str(cases), "--reminders", str(reminders)]
    out = subprocess.run(command + (["--postgres"] if postgres else []), check=True,
                         capture_output=True, text=True)  # fmt: skip
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def git(*args: str) -> str:
    """The commit measured and the files changed on top of it (others work in the same tree)."""
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()


def chart(report: dict[str, Any], path: Path) -> bool:
    """Pass times per size as a bar chart; False when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    steps = ("first_pass", "idle_pass", "changed_case_pass", "new_case_pass")
    sizes = [r["cases"] for r in report["runs"]]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    width = 0.8 / len(steps)
    for k, step in enumerate(steps):
        xs = [j + k * width for j in range(len(sizes))]
        ax.bar(
            xs, [r[step]["seconds"] for r in report["runs"]], width, label=step.replace("_", " ")
        )
    ax.set_xticks([j + 0.4 - width / 2 for j in range(len(sizes))], [f"{n:,} cases" for n in sizes])
    ax.axhline(15, color="grey", linestyle="--", linewidth=1, label="planner interval (15 s)")
    ax.set_yscale("log")  # 100 and 10,000 cases on one chart
    ax.set_ylabel("seconds per planner pass (log scale)")
    ax.set_title(f"Planner pass time, {report['database']} ({report['commit'][:7]})")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", default="100,1000", help="comma-separated sizes")
    parser.add_argument("--reminders", type=int, default=0, help="stored pending rows to add")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL at 127.0.0.1:5432")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # the child of run_size
    args = parser.parse_args()
    configure_logging("WARNING")
    if args.one is not None:
        print(json.dumps(asyncio.run(one_size(args.one, args.reminders, args.postgres))))
        return
    database = "postgresql" if args.postgres else "sqlite"
    report: dict[str, Any] = {
        "database": database,
        "commit": git("log", "-1", "--format=%H %s"),
        "uncommitted": git("status", "--short", "--untracked-files=no").splitlines(),
        "cpus": os.cpu_count(),
        "runs": [],
    }
    for cases in (int(n) for n in args.cases.split(",")):
        report["runs"].append(run_size(cases, args.reminders, args.postgres))
        print(json.dumps(report["runs"][-1], indent=2), flush=True)
    suffix = f"_{args.reminders}r" if args.reminders else ""
    out = RESULTS / f"planner_scale_{database}{suffix}.json"
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    drawn = chart(report, out.with_suffix(".png"))
    print(f"wrote {out}" + (" and its chart" if drawn else " (no chart: matplotlib missing)"))


if __name__ == "__main__":
    main()
