"""Planning by change queues exactly what a pass over every case every tick queues (issue 11).

Each story runs twice on the same database, from empty: once with the planner sweeping every
running case on every tick (as before planning by change), once planning only the cases whose
next look came or that changed. Replies, imports and status changes arrive at the same moments
in both. Every outbox row, journal line, commitment and case must come out the same, while the
change-driven planner plans far fewer case passes.
"""

from __future__ import annotations

import tempfile
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel, col, select

import sigbot.models
from sigbot.app.core import build_core
from sigbot.channels.base import Channel, RecordingChannel
from sigbot.clock import FakeClock
from sigbot.db import Database, migrate
from sigbot.demo.play import START, Demo
from sigbot.messages.translator import Translator
from sigbot.models import Case, ChannelKind, Commitment, JournalEntry, OutboxMessage
from tests.conftest import _truncate_all_sql
from tests.scheduler.flow import BUP, local, press
from tests.scheduler.plans import plan
from tests.sigbot.env import Env, make_env

Story = Callable[[Env], Awaitable[None]]
COMMITMENTS = """\
  - {owner: noah, area: school, text: Gå till skolan, check_in: adaptive}
  - {owner: leila, area: family, text: Ring skolan, due: 2026-12-02T16:00}
  - {owner: noah, area: leisure, text: Träna, check_in: P2D}"""
MEETING = "  - {key: m1, kind: network, at: 2026-12-03T15:00, invite: [noah, leila, karin]}"
DEMO_DAYS = 8  # answers, misses, escalations (busy_weeks has the new plan version)
MOVED_BUP = BUP.replace("2026-11-26T10:00", "2026-11-27T13:00")


async def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """What a person or the coordinator could ever see, row by row."""
    async with db.session() as session:
        rows = await session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))
        lines = await session.exec(select(JournalEntry).order_by(col(JournalEntry.id)))
        commitments = await session.exec(select(Commitment).order_by(col(Commitment.id)))
        cases = await session.exec(select(Case).order_by(col(Case.id)))
        return {
            "outbox": [outbox_row(r) for r in rows],
            "journal": [(e.at, e.kind, e.member_key, e.summary) for e in lines],
            "commitments": [
                (c.key, c.status, c.next_check_in_at, c.last_check_in_at, c.outcomes)
                for c in commitments
            ],
            "cases": [(c.ref, c.status, c.paused_until, c.resting_until) for c in cases],
        }


def outbox_row(r: OutboxMessage) -> tuple[Any, ...]:
    sending = (r.kind, r.channel, r.state, r.due_at, r.sent_at)
    answering = (r.answer, r.answered_at, r.reply_by)
    return (r.idempotency_key, r.member_id, *sending, *answering, r.body)


async def empty(db: Database) -> None:
    """Back to an empty schema with ids from 1, so both runs number their rows alike."""
    async with db.engine.begin() as conn:
        if db.is_postgres:
            await conn.execute(text(_truncate_all_sql()))
            return
        for table in reversed(SQLModel.metadata.sorted_tables):
            await conn.execute(table.delete())


async def play(db: Database, story: Story, *, sweep: bool) -> int:
    """Run ``story`` from the same start; returns how many case passes were planned."""
    await empty(db)
    async with make_env(db, FakeClock(local(2026, 11, 25, 9, 0))) as env:
        env.planner.sweep = sweep
        planned = 0
        tick = env.planner.tick

        async def counted_tick() -> Any:
            nonlocal planned
            stats = await tick()
            planned += stats.cases
            return stats

        env.planner.tick = counted_tick  # type: ignore[method-assign]  # counting passes only
        await story(env)
    return planned


async def answer_every_other(env: Env, member_key: str, answer: str) -> None:
    """``member_key`` answers every second question that reached them and is still open."""
    member = await env.member(member_key)
    async with env.db.session() as session:
        open_questions = await session.exec(
            select(OutboxMessage).where(
                OutboxMessage.member_id == member.id,
                col(OutboxMessage.expects_reply),
                col(OutboxMessage.answered_at).is_(None),
                col(OutboxMessage.sent_at).is_not(None),
            )
        )
        chosen = [row for row in open_questions if (row.id or 0) % 2 == 0]
    for row in chosen:
        await press(env, row, answer)


async def walk(env: Env, end: datetime, step: timedelta, each: Story | None = None) -> None:
    while env.clock.now() < end:
        env.clock.advance(step)
        if each is not None:
            await each(env)
        await env.cycle()


async def busy_weeks(env: Env) -> None:
    """Appointments (one moved), a network meeting, check-ins, a due commitment; Noah answers
    some questions, Leila none."""
    await env.load(plan(appointments=BUP, meetings=MEETING, commitments=COMMITMENTS))
    await env.cycle()

    async def noah_answers(env: Env) -> None:
        await answer_every_other(env, "noah", "ja")

    await walk(env, local(2026, 11, 25, 21, 0), timedelta(minutes=30), noah_answers)
    await env.load(plan(appointments=MOVED_BUP, meetings=MEETING, commitments=COMMITMENTS))
    await walk(env, local(2026, 11, 29, 21, 0), timedelta(hours=1), noah_answers)


async def life_cycle(env: Env) -> None:
    """A consent running out, a pause with an end, closing and the resting list."""
    commitments = "  - {owner: leila, area: family, text: Ring skolan, check_in: P1D}"
    await env.load(plan(commitments=commitments, valid_until="2026-12-20"))
    await walk(env, local(2026, 11, 28, 9, 0), timedelta(hours=2))
    paused = plan(commitments=commitments, status="paused", valid_until="2026-12-20").replace(
        "  status: paused", "  status: paused\n  paused_until: 2026-12-01\n  status_reason: x"
    )
    await env.load(paused)
    await walk(env, local(2026, 12, 24, 9, 0), timedelta(hours=11))
    closed = plan(commitments=commitments, status="closed", valid_until="2027-12-20")
    await env.load(closed.replace("  status: closed", "  status: closed\n  outcome: goals_met"))
    await walk(env, local(2027, 2, 20, 9, 0), timedelta(hours=35))


async def compare(db: Database, story: Story) -> tuple[int, int]:
    planned_sweep = await play(db, story, sweep=True)
    swept = await snapshot(db)
    planned_change = await play(db, story, sweep=False)
    changed = await snapshot(db)
    for part in swept:
        assert changed[part] == swept[part], part
    assert len(swept["outbox"]) > 10
    return planned_sweep, planned_change


async def test_busy_weeks_come_out_the_same(db: Database) -> None:
    """Hourly ticks: most pass with nothing to look at for this case."""
    swept, changed = await compare(db, busy_weeks)
    assert changed < swept / 2


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_case_life_comes_out_the_same(db: Database) -> None:
    """Steps of hours and days: each crosses some next look (or the heartbeat), so the
    change-driven planner looks nearly as often here; what matters is the same result."""
    await compare(db, life_cycle)


async def demo_run(path: Path, *, sweep: bool) -> tuple[list[str], dict[str, list[Any]]]:
    db = Database.from_url(f"sqlite+aiosqlite:///{path}")
    try:
        await migrate(db)
        channels: dict[str, Channel] = {
            name: RecordingChannel(name) for name in (ChannelKind.TELEGRAM, ChannelKind.SMS)
        }
        core = build_core(db=db, clock=FakeClock(START), channels=channels, catalog=Translator())
        core.planner.sweep = sweep
        said: list[str] = []
        await Demo(core, said.append).play(DEMO_DAYS)
        return said, await snapshot(db)
    finally:
        await db.dispose()


async def test_the_demo_story_comes_out_the_same() -> None:
    """The first days of ``sigbot demo``: its people answer, forget, escalate."""
    assert sigbot.models  # every table is known to the metadata
    with tempfile.TemporaryDirectory() as tmp:
        swept = await demo_run(Path(tmp) / "sweep.db", sweep=True)
        changed = await demo_run(Path(tmp) / "change.db", sweep=False)
    assert changed[0] == swept[0]
    for part in swept[1]:
        assert changed[1][part] == swept[1][part], part
