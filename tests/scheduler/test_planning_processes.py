"""Two planner processes on one PostgreSQL database share the cases and decide exactly what one
process alone decides: the same messages, the same journal lines, nothing twice (issue 11).

Each process is a real OS process (``tests.scheduler.planning_worker``) with its own engine;
they start together at each moment of the story. The same story is then run with one process,
and the two outcomes are compared (ids aside: two processes number rows in another order).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlmodel import select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.models import JournalEntry, OutboxMessage
from sigbot.planfile.importer import import_plan
from sigbot.planfile.loader import parse_plan_text
from tests.conftest import _truncate_all_sql
from tests.scheduler.flow import BUP, local, mark_due_sent
from tests.scheduler.plans import TEAM_LEAD, plan

CASES = 16
# Alerts carry their escalation's id, which two processes hand out in another order.
numbered = re.compile(r"(?<=^escalation\|)\d+")
ROOT = Path(__file__).resolve().parents[2]
COMMITMENTS = "  - {owner: noah, area: school, text: Gå till skolan, check_in: daily}"
MOMENTS = ((25, 9, 0), (25, 17, 0), (25, 19, 5), (25, 23, 5), (26, 3, 5))


async def seed(db: Database) -> None:
    async with db.engine.begin() as conn:
        await conn.execute(text(_truncate_all_sql()))
    clock = FakeClock(local(2026, 11, 25, 9, 0))
    async with db.session() as session:
        for i in range(CASES):
            body = plan(commitments=COMMITMENTS, appointments=BUP, extra_members=TEAM_LEAD)
            resolved = parse_plan_text(
                body.replace("ref: T-1", f"ref: T-{i}"),
                source="p.yaml",
                default_timezone="Europe/Stockholm",
            )
            await import_plan(session=session, plan=resolved, clock=clock)
        await session.commit()


@dataclass
class PlannerProcess:
    """A planner in its own OS process, told when "now" is one moment at a time."""

    process: asyncio.subprocess.Process

    @classmethod
    async def start(cls, url: str) -> PlannerProcess:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.scheduler.planning_worker",
            url,
            cwd=ROOT,
            env={**os.environ, "SIGBOT_LOG_LEVEL": "warning"},
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        return cls(process)

    async def plan_at(self, moment: datetime) -> dict[str, int]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(f"{moment.isoformat()}\n".encode())
        await self.process.stdin.drain()
        line = await asyncio.wait_for(self.process.stdout.readline(), timeout=120)
        assert line, "the planner process ended early"
        result: dict[str, int] = json.loads(line)
        return result

    async def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(b"\n")
        await self.process.stdin.drain()
        assert await asyncio.wait_for(self.process.wait(), timeout=60) == 0


async def story(url: str, processes: int) -> tuple[list[dict[str, int]], dict[str, Counter[Any]]]:
    db = Database.from_url(url)
    try:
        await seed(db)
        planners = [await PlannerProcess.start(url) for _ in range(processes)]
        runs: list[dict[str, int]] = []
        for day, hour, minute in MOMENTS:
            moment = local(2026, 11, day, hour, minute)
            runs += await asyncio.gather(*(p.plan_at(moment) for p in planners))
            await mark_due_sent(db, moment)
        for planner in planners:
            await planner.stop()
        return runs, await outcome(db)
    finally:
        await db.dispose()


async def outcome(db: Database) -> dict[str, Counter[Any]]:
    async with db.session() as session:
        rows = await session.exec(select(OutboxMessage))
        lines = await session.exec(select(JournalEntry))
        return {
            "outbox": Counter(
                (numbered.sub("#", r.idempotency_key), r.member_id, r.kind, r.state, r.due_at)
                for r in rows
            ),
            "journal": Counter((e.case_id, e.at, e.kind, e.summary) for e in lines),
        }


async def test_two_processes_share_the_cases_and_decide_as_one(pg_database: str) -> None:
    two_runs, two = await story(pg_database, processes=2)
    one_runs, one = await story(pg_database, processes=1)
    assert one["outbox"] == two["outbox"]
    assert one["journal"] == two["journal"]
    assert sum(run["failed"] for run in two_runs + one_runs) == 0
    # The first moment: every case is new; both processes took a share of them.
    first, second = two_runs[0], two_runs[1]
    assert first["cases"] > 0 and second["cases"] > 0
    assert first["cases"] + second["cases"] >= CASES
