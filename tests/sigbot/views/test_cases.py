"""The case list: status, staff, next event, last contact, open alerts and plan progress of
each case an account may see, read in the same few queries however many cases there are."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlmodel import select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.meetings import cancel_meeting
from sigbot.domain.plans import add_commitment
from sigbot.models import Account, Case, Meeting, Member
from sigbot.views.cases import CaseRow, NextEvent, Progress, case_list
from sigbot.views.events import EventKind
from tests.sigbot.env import Env
from tests.sigbot.views.support import (
    MAJAS,
    OMARS,
    accounts,
    answer,
    at,
    local,
    read,
    two_cases,
)


async def _list(env: Env, account: Account) -> list[CaseRow]:
    return await read(env, lambda s: case_list(s, account, env.clock.now()))


async def test_each_account_lists_its_own_cases(db: Database, clock: FakeClock) -> None:
    """Noah wrote last at 17:00 ("not done" to his check-in: an open alert); Karin's later
    answer is no family contact; Omar's case shows for Omar only, no case for the admin."""
    async with two_cases(db, clock) as env:
        people = await accounts(env, "maja", "omar", "lena", "root")
        await at(env, 2026, 11, 25, 10, 0)
        await answer(env, "noah", "1", "appointment_reminder")
        await at(env, 2026, 11, 25, 17, 0)
        await answer(env, "noah", "3", "check_in")
        env.clock.set(local(2026, 11, 25, 18, 0))
        await answer(env, "karin", "1", "check_in")
        seen = {name: await _list(env, account) for name, account in people.items()}
    bup = NextEvent(EventKind.APPOINTMENT, local(2026, 11, 26, 10, 0), "BUP", "BUP Järva")
    assert seen["maja"] == [
        CaseRow(
            ref=MAJAS,
            status="active",
            status_since=local(2026, 11, 25, 9, 0),
            coordinator_key="maja",
            coordinator="Maja",
            backup_key="jonas",
            backup="Jonas",
            next_event=bup,
            last_contact=local(2026, 11, 25, 17, 0),
            open_alerts=1,
            progress=Progress(version=1, open=4, checks_kept=1, checks_missed=1),
            timezone="Europe/Stockholm",
        )
    ]
    assert seen["lena"] == seen["maja"]
    (omars,) = seen["omar"]
    assert (omars.ref, omars.coordinator, omars.backup, omars.last_contact) == (
        OMARS,
        "Omar",
        "Sara",
        None,
    )
    assert omars.next_event == NextEvent(
        EventKind.APPOINTMENT, local(2026, 11, 26, 11, 0), "Tandläkare", "Folktandvården"
    )
    assert (omars.open_alerts, omars.progress) == (0, Progress(version=1, open=1))
    assert seen["root"] == []


async def test_the_next_event_is_the_earliest_still_planned(db: Database, clock: FakeClock) -> None:
    """After Ali's dentist the network meeting is next; once it is cancelled nothing is."""
    async with two_cases(db, clock) as env:
        people = await accounts(env, "omar")
        env.clock.set(local(2026, 11, 26, 12, 0))
        (before,) = await _list(env, people["omar"])
        async with env.db.session() as session:
            case = (await session.exec(select(Case).where(Case.ref == OMARS))).one()
            meeting = (await session.exec(select(Meeting).where(Meeting.case_id == case.id))).one()
            await cancel_meeting(session, meeting=meeting, now=env.clock.now())
            await session.commit()
        (after,) = await _list(env, people["omar"])
    assert before.next_event == NextEvent(
        EventKind.MEETING, local(2026, 11, 26, 15, 0), "network", "Rinkeby träff"
    )
    assert after.next_event is None


async def _promise(env: Env, owner: str, text: str) -> None:
    """A commitment due at noon today, added from the workspace's form (a new plan version)."""
    async with env.db.session() as session:
        case = (await session.exec(select(Case).where(Case.ref == MAJAS))).one()
        member = (await session.exec(select(Member).where(Member.key == owner))).one()
        await add_commitment(
            session,
            case=case,
            owner=member,
            area="family",
            text=text,
            now=env.clock.now(),
            due_at=local(2026, 11, 25, 12, 0),
        )
        await session.commit()


async def test_progress_counts_the_current_plan(db: Database, clock: FakeClock) -> None:
    """Two promises added (version 3): Leila's kept at noon, Noah's left unanswered till it
    counts as missed; the four of the first plan still open."""
    async with two_cases(db, clock) as env:
        people = await accounts(env, "maja")
        await _promise(env, "leila", "Ringa BUP och boka en tid")
        await _promise(env, "noah", "Lämna in blanketten")
        await at(env, 2026, 11, 25, 12, 0)
        await answer(env, "leila", "1", "commitment_due")
        await at(env, 2026, 11, 25, 14, 0)
        (row,) = await _list(env, people["maja"])
    assert row.progress == Progress(
        version=3, kept=1, missed=1, open=4, checks_kept=1, checks_missed=1
    )


THIRD = """
case: {ref: ST-2026-031, coordinator: maja, status: active}
members:
  - {key: elsa, role: youth, name: Elsa, phone: "+46708880001", channel: sms}
  - {key: maja, role: coordinator, name: Maja, telegram_chat_id: 2001}
appointments:
  - {who: elsa, what: Ungdomsmottagningen, at: 2026-11-27T09:00}
commitments:
  - {owner: elsa, area: health, text: Sova före midnatt, check_in: daily}
"""


@contextmanager
def _statements(env: Env) -> Iterator[list[str]]:
    """The SQL statements run while the block runs."""
    run: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        run.append(statement)

    engine = env.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield run
    finally:
        event.remove(engine, "before_cursor_execute", count)


async def test_more_cases_take_no_more_queries(db: Database, clock: FakeClock) -> None:
    """A second case of Maja's adds a row, not a query."""
    async with two_cases(db, clock) as env:
        people = await accounts(env, "maja")
        with _statements(env) as one:
            assert len(await _list(env, people["maja"])) == 1
        await env.load(THIRD)
        with _statements(env) as two:
            rows = await _list(env, people["maja"])
    assert [r.ref for r in rows] == [MAJAS, "ST-2026-031"]
    assert rows[1].next_event is not None and rows[1].next_event.what == "Ungdomsmottagningen"
    assert len(two) == len(one) <= 8
