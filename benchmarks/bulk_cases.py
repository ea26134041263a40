"""Many planned cases fast: a few imported and planned for real, the rest cloned in SQL.

Importing 10,000 plan files (about 10 a second) and planning each (about 0.15 s) takes most of an
hour; cloning takes seconds. The templates (``--templates``, default 20: every variation of
``planner_scale.plan_text``) are imported with the real importer and planned with the real
planner until a tick queues nothing; ``bulk_clone.clone`` copies them up to ``--cases``. Then
``--reminders`` stored pending reminders are added (as ``planner_scale.add_reminders`` does).

The clones are checked: the planner is made to look at ``--verify`` of them (the last clone of
each template by default; ``--verify all`` for every one) and must queue nothing new on them.

Run by hand: ``.venv/bin/python benchmarks/bulk_cases.py --database URL --cases 10000
[--reminders 1000000] [--start ISO]``; prints what it built as JSON. Used by the other
benchmarks before they measure, in a process of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bulk_clone import Templates, clone, tables
from planner_scale import EXAMPLE, IMPORT_BATCH, START, TICK, TZ, plan_text
from sqlalchemy import func, select, text
from sqlmodel import SQLModel, col

from sigbot.app.core import Core, build_core
from sigbot.channels.base import RecordingChannel
from sigbot.clock import FakeClock
from sigbot.db import Database, migrate
from sigbot.logs import configure_logging
from sigbot.models import Case, OutboxMessage
from sigbot.planfile.importer import import_plan
from sigbot.planfile.loader import parse_plan_text


def base_shift(start: datetime) -> timedelta:
    """Whole days from the example's first day to ``start``'s: local times stay as planned."""
    return timedelta(days=(start.date() - START.date()).days)


REMINDERS_SQL = """
INSERT INTO outbox_message (idempotency_key, channel, address, language, topic, kind, body, params,
  subject_type, subject_id, due_at, priority, state, attempts, expects_reply, created_at)
SELECT 'bench|' || CAST(i AS TEXT), 'telegram', CAST(20000000 + i AS TEXT), 'sv', 'reminders',
  'appointment_reminder', 'r' || CAST(i AS TEXT), {params}, 'appointment', 10000000 + i, {due},
  1, 'pending', 0, {true}, {now}
FROM {numbers}
"""
SQLITE = {
    "numbers": "(WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < :last)"
    " SELECT i FROM n)",
    "due": "strftime('%Y-%m-%d %H:%M:%S', :now, '+' || CAST(86400 + (i * CAST(2593 AS BIGINT))"
    " % 2592000 AS TEXT) || ' seconds') || '.000000'",
    "params": "'{}'",
    "true": "1",
    "now": ":now || '.000000'",
}
POSTGRES = {
    "numbers": "generate_series(0, :last) AS n(i)",
    "due": "CAST(:now AS TIMESTAMPTZ)"
    " + (86400 + (i * CAST(2593 AS BIGINT)) % 2592000) * INTERVAL '1 second'",
    "params": "CAST('{}' AS JSON)",
    "true": "true",
    "now": "CAST(:now AS TIMESTAMPTZ)",
}


async def add_reminders_sql(db: Database, rows: int, now: datetime) -> None:
    """The rows ``planner_scale.add_reminders`` adds (same keys, addresses, due times), in one
    ``INSERT ... SELECT`` over a row generator: seconds instead of minutes for a million."""
    if rows <= 0:
        return
    dialect = POSTGRES if db.engine.dialect.name == "postgresql" else SQLITE
    stamp = now.astimezone(UTC).replace(microsecond=0)
    value: object = stamp if dialect is POSTGRES else stamp.strftime("%Y-%m-%d %H:%M:%S")
    async with db.engine.begin() as conn:
        await conn.execute(text(REMINDERS_SQL.format(**dialect)), {"last": rows - 1, "now": value})


async def import_templates(db: Database, clock: FakeClock, count: int, base: timedelta) -> None:
    """Plan files 0 .. ``count - 1`` (``planner_scale.plan_text``, times moved by ``base``)
    through the real loader and importer."""
    template = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    for first in range(0, count, IMPORT_BATCH):
        async with db.session() as session:
            for i in range(first, min(first + IMPORT_BATCH, count)):
                text = plan_text(template, i, base)
                plan = parse_plan_text(text, source=f"case-{i}.yaml", default_timezone=TZ)
                await import_plan(session=session, plan=plan, clock=clock)
            await session.commit()


async def plan_until_quiet(core: Core, clock: FakeClock, most: int = 6) -> list[int]:
    """Ticks until one queues nothing; what each queued."""
    queued: list[int] = []
    for _ in range(most):
        queued.append((await core.planner.tick()).queued)
        clock.advance(TICK)
        if queued[-1] == 0:
            break
    return queued


async def templates_of(db: Database) -> Templates:
    """Template case ids -> their index, and an id offset above every row id in every table."""
    async with db.engine.connect() as conn:
        refs = (await conn.execute(select(col(Case.id), col(Case.ref)))).all()
        top = 0
        for table in tables():
            top = max(top, (await conn.execute(select(func.max(table.c.id)))).scalar() or 0)
    return Templates(
        index={cid: int(ref.split("-")[1]) for cid, ref in refs if cid is not None}, stride=top + 1
    )


async def outbox_top(db: Database) -> int:
    async with db.engine.connect() as conn:
        top = (await conn.execute(select(func.max(col(OutboxMessage.id))))).scalar()
    return int(top or 0)


async def verify(
    core: Core, clock: FakeClock, first_clone: int, how_many: int | None
) -> dict[str, Any]:
    """Have the planner look at clones (the newest ``how_many``, or all); what it queues."""
    db = core.db
    before = await outbox_top(db)
    async with db.engine.begin() as conn:
        clones = (
            select(col(Case.id)).where(col(Case.id) > first_clone).order_by(col(Case.id).desc())
        )
        ids = list((await conn.execute(clones.limit(how_many) if how_many else clones)).scalars())
        if "planning_mark" in SQLModel.metadata.tables:
            await conn.execute(
                text("INSERT INTO planning_mark (case_id) VALUES (:c)"), [{"c": i} for i in ids]
            )
    started = time.perf_counter()
    stats = await core.planner.tick()
    seconds = time.perf_counter() - started
    clock.advance(TICK)
    async with db.engine.connect() as conn:
        new = (
            await conn.execute(
                select(col(OutboxMessage.case_id), col(OutboxMessage.idempotency_key)).where(
                    col(OutboxMessage.id) > before, col(OutboxMessage.case_id) > first_clone
                )
            )
        ).all()
    return {
        "clones_marked": len(ids),
        "cases_planned": stats.cases,
        "seconds": round(seconds, 2),
        "queued": stats.queued,
        "queued_on_clones": len(new),
        "examples": [key for _, key in new[:5]],
    }


async def build(
    url: str, cases: int, reminders: int, templates: int, start: datetime, check: int | None
) -> dict[str, Any]:
    """Templates imported and planned, clones up to ``cases``, reminders added, clones checked."""
    db = Database.from_url(url)
    await migrate(db)
    clock = FakeClock(start)
    count = min(templates, cases)
    report: dict[str, Any] = {"cases": cases, "templates": count, "reminders": reminders}
    began = time.perf_counter()
    await import_templates(db, clock, count, base_shift(start))
    report["template_import_s"] = round(time.perf_counter() - began, 2)
    core = build_core(
        db=db, clock=clock, channels={n: RecordingChannel(n) for n in ("telegram", "sms")}
    )
    began = time.perf_counter()
    report["template_ticks_queued"] = await plan_until_quiet(core, clock)
    report["template_plan_s"] = round(time.perf_counter() - began, 2)
    tpl = await templates_of(db)
    first_clone = max(tpl.index) if tpl.index else 0
    began = time.perf_counter()
    if cases > count:
        async with db.engine.begin() as conn:
            report["cloned_rows"] = await clone(conn, tpl, count, cases)
    report["clone_s"] = round(time.perf_counter() - began, 2)
    began = time.perf_counter()
    await add_reminders_sql(db, reminders, clock.now())
    report["reminders_s"] = round(time.perf_counter() - began, 2)
    if db.engine.dialect.name == "postgresql":
        async with db.engine.connect() as conn:
            await conn.execute(text("ANALYZE"))  # as autovacuum would soon after a bulk load
    if cases > count and check != 0:
        report["verify"] = await verify(core, clock, first_clone, check)
    report["clock"] = clock.now().isoformat()
    await db.dispose()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True, help="SQLAlchemy URL of an empty database")
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--reminders", type=int, default=0)
    parser.add_argument("--templates", type=int, default=20)
    parser.add_argument("--start", help="the fake clock's start (ISO, UTC); default the example's")
    parser.add_argument("--verify", default="", help="clones to check: a number, all, or 0")
    args = parser.parse_args()
    configure_logging("WARNING")
    start = datetime.fromisoformat(args.start).astimezone(UTC) if args.start else START
    check = None if args.verify == "all" else int(args.verify or args.templates)
    began = time.perf_counter()
    report = asyncio.run(
        build(args.database, args.cases, args.reminders, args.templates, start, check)
    )
    report["total_s"] = round(time.perf_counter() - began, 2)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
