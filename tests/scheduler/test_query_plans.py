"""Every query the planner and the dispatcher run per case or per message is served by an index,
on SQLite and on PostgreSQL (issue 11: at 1,000 cases two unindexed outbox queries took half of
a planner pass).

Each statement is built by the same function the code calls and executed once with the
database's own EXPLAIN put in front of it, so the plan is the one for the SQL and parameters the
code sends. The tables are tiny, so PostgreSQL would rightly read them whole: the session turns
sequential scans off, which leaves a sequential scan in the plan only when no index can serve.
The last test runs the service for a simulated day and checks every statement it sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Executable

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.models import ChannelKind, MessageKind, OutboxMessage, SubjectType
from sigbot.outbox.store import Route, claim_statement, later_reminders_query, unusable_query
from sigbot.scheduler.apply import settle_statement
from sigbot.scheduler.state import (
    CASE_TABLES,
    by_case,
    current_plan_query,
    invitations_query,
)
from tests.scheduler.flow import local, run_until
from tests.sigbot.env import make_env

INDEX_USED_PG = ("Index Scan", "Index Only Scan", "Bitmap Index Scan")


@contextmanager
def explaining(conn: AsyncConnection, postgres: bool, lines: list[str]) -> Iterator[None]:
    """While active, every statement on ``conn`` is first EXPLAINed with its own parameters."""
    prefix = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "

    def explain(
        _conn: Connection, cursor: Any, statement: str, parameters: Any, *_: object
    ) -> None:
        cursor.execute(prefix + statement, parameters)
        lines.extend(str(row[-1]) for row in cursor.fetchall())

    target = conn.sync_connection
    assert target is not None
    event.listen(target, "before_cursor_execute", explain)
    try:
        yield
    finally:
        event.remove(target, "before_cursor_execute", explain)


async def plan_of(db: Database, stmt: Executable, params: dict[str, Any] | None = None) -> str:
    """The database's plan for ``stmt`` (run once in a transaction that is rolled back)."""
    lines: list[str] = []
    async with db.engine.connect() as conn:
        if db.is_postgres:
            await conn.exec_driver_sql("SET enable_seqscan = off")
        with explaining(conn, db.is_postgres, lines):
            await conn.execute(stmt, params or {})
        await conn.rollback()
    return "\n".join(lines)


def full_scans(plan: str, postgres: bool) -> list[str]:
    """The lines of ``plan`` that read a whole table."""
    if postgres:
        return [line.strip() for line in plan.splitlines() if "Seq Scan" in line]
    return [
        line
        for line in plan.splitlines()
        if re.match(r"SCAN (?!CONSTANT ROWS)", line) and "USING" not in line
    ]


def assert_indexed(plan: str, postgres: bool) -> None:
    assert not full_scans(plan, postgres), plan
    if postgres:
        assert any(word in plan for word in INDEX_USED_PG), plan
    else:
        assert "SEARCH" in plan or "USING INDEX" in plan or "USING COVERING INDEX" in plan, plan


async def test_a_case_is_loaded_through_indexes(db: Database) -> None:
    """The planner's snapshot of one case: each table by ``case_id``, invitations by meeting."""
    for model in CASE_TABLES:
        assert_indexed(await plan_of(db, by_case(model, 7)), db.is_postgres)
    assert_indexed(await plan_of(db, invitations_query([3, 4])), db.is_postgres)
    assert_indexed(await plan_of(db, current_plan_query(7)), db.is_postgres)


async def test_a_question_is_settled_by_its_id(db: Database, clock: FakeClock) -> None:
    assert_indexed(await plan_of(db, settle_statement(5, clock.now())), db.is_postgres)


async def test_a_later_reminder_is_found_by_its_subject(db: Database, clock: FakeClock) -> None:
    """The dispatcher's check of a batch's event reminders (the issue's expensive subject query
    had no index at all)."""
    row = OutboxMessage(
        idempotency_key="k",
        channel=ChannelKind.TELEGRAM,
        address="1001",
        topic="appointments",
        kind=MessageKind.APPOINTMENT_REMINDER,
        body="",
        subject_type=SubjectType.APPOINTMENT,
        subject_id=3,
        member_id=2,
        due_at=clock.now() - timedelta(hours=1),
    )
    plan = await plan_of(db, later_reminders_query([row]))
    assert_indexed(plan, db.is_postgres)
    assert "ix_outbox_subject" in plan


async def test_addresses_are_checked_through_the_unique_key(db: Database) -> None:
    """Matched on channel and address together: by address alone it read the whole table."""
    one = [Route(ChannelKind.SMS, "+46701234568")]
    two = [*one, Route(ChannelKind.TELEGRAM, "1001")]
    for routes in (one, two):
        plan = await plan_of(db, unusable_query(routes))
        assert_indexed(plan, db.is_postgres)
        assert "uq_contact_channel_address" in plan or "sqlite_autoindex_contact_address" in plan


async def test_due_rows_are_claimed_through_the_state_and_due_index(
    db: Database, clock: FakeClock
) -> None:
    now = clock.now()
    params = {"lease_until": now, "worker": "w", "now": now, "limit": 50}
    dialect = "postgresql" if db.is_postgres else "sqlite"
    plan = await plan_of(db, claim_statement(dialect), params)
    assert_indexed(plan, db.is_postgres)
    assert "ix_outbox_state_due" in plan


async def test_nothing_the_service_runs_reads_a_whole_table(db: Database, clock: FakeClock) -> None:
    """A day of the example case (planning, sending, escalations, the morning overview): every
    statement the service sent, from whichever module, is served by an index."""
    sent: dict[str, Any] = {}

    def capture(
        _c: Connection, _cur: Any, statement: str, params: Any, _ctx: object, many: bool
    ) -> None:
        if statement.lstrip().split(None, 1)[0].upper() in ("SELECT", "UPDATE", "DELETE"):
            sent.setdefault(statement, params[0] if many else params)

    async with make_env(db, clock, daily_overview=True, team_lead_chat=9001) as env:
        await env.load()
        event.listen(db.engine.sync_engine, "before_cursor_execute", capture)
        try:
            await run_until(env, local(2026, 11, 27, 9, 0), step=timedelta(hours=1))
        finally:
            event.remove(db.engine.sync_engine, "before_cursor_execute", capture)
    assert len(sent) > 20
    prefix = "EXPLAIN " if db.is_postgres else "EXPLAIN QUERY PLAN "
    scans = {}
    async with db.engine.connect() as conn:
        if db.is_postgres:
            await conn.exec_driver_sql("SET enable_seqscan = off")
        for statement, params in sent.items():
            result = await conn.exec_driver_sql(prefix + statement, params)
            plan = "\n".join(str(row[-1]) for row in result)
            if full_scans(plan, db.is_postgres):
                scans[" ".join(statement.split())[:300]] = plan
    assert not scans, "\n\n".join(f"{sql}\n{plan}" for sql, plan in scans.items())
