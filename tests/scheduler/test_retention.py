"""Retention (docs/privacy.md, "Retention"): which cases are due, as a table, and the job that
erases them and old texts from unknown senders, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.cases import create_case
from sigbot.domain.members import MemberDetails, add_member
from sigbot.domain.rights import ERASED
from sigbot.journal import read_journal
from sigbot.models import Case, InboundMessage, JournalEntry, Member
from sigbot.scheduler.rules.retention import Kept, RetentionJob, due, unmatched_before

NOW = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)
YEAR = timedelta(days=365)
DUE: list[tuple[str, Kept, bool]] = [
    ("resting, ended a year and a day ago", Kept(1, "resting", NOW - YEAR - timedelta(1)), True),
    ("resting, ended exactly a year ago", Kept(2, "resting", NOW - YEAR), True),
    ("resting, ended a day short of a year", Kept(3, "resting", NOW - YEAR + timedelta(1)), False),
    ("still resting", Kept(4, "resting", NOW + timedelta(days=30)), False),
    ("closed and long over", Kept(5, "closed", NOW - 2 * YEAR), True),
    ("reopened: active again", Kept(6, "active", NOW - 2 * YEAR), False),
    ("paused", Kept(7, "paused", NOW - 2 * YEAR), False),
    ("never rested", Kept(8, "resting", None), False),
    ("erased already", Kept(9, "resting", NOW - 2 * YEAR, erased=True), False),
]


@pytest.mark.parametrize(
    ("kept", "expected"), [(k, e) for _, k, e in DUE], ids=[d for d, *_ in DUE]
)
def test_which_cases_are_due(kept: Kept, expected: bool) -> None:
    """A case is due once its resting period ended the retention period ago, and only once."""
    assert due([kept], NOW, YEAR) == ([kept.case_id] if expected else [])


def test_due_cases_come_oldest_first_and_texts_after_30_days() -> None:
    """Several due cases come in the order their rest ended; unmatched texts keep 30 days."""
    cases = [Kept(1, "resting", NOW - YEAR), Kept(2, "closed", NOW - 2 * YEAR)]
    assert due(cases, NOW, YEAR) == [2, 1]
    assert unmatched_before(NOW) == NOW - timedelta(days=30)


async def _case(db: Database, ref: str, status: str, resting_until: datetime | None) -> None:
    """A case with a young person Ali (his own number per case) in the given state."""
    now = NOW - 3 * YEAR
    async with db.session() as session:
        case = await create_case(session, ref=ref, coordinator_key="maja", now=now)
        details = MemberDetails("youth", "Ali", phone=f"+4670123{len(ref):04d}{ref[-1]}")
        await add_member(session, case=case, key="ali", details=details, now=now)
        await add_member(
            session, case=case, key="maja", details=MemberDetails("coordinator", "Maja"), now=now
        )
        case.status, case.resting_until = status, resting_until
        session.add(case)
        await session.commit()


def _text(address: str, body: str, at: datetime) -> InboundMessage:
    return InboundMessage(
        channel="sms", address=address, body=body, reply_kind="unknown", received_at=at
    )


async def _after(
    db: Database,
) -> tuple[dict[tuple[str, str], tuple[str, str | None]], set[str], list[str]]:
    """Each member's (name, phone) by (case, key), every text's body, case-less journal lines."""
    async with db.session() as session:
        rows = await session.exec(
            select(Member, Case.ref).join(Case, col(Case.id) == col(Member.case_id))
        )
        people = {(ref, m.key): (m.name, m.phone) for m, ref in rows}
        texts = {t.body for t in await session.exec(select(InboundMessage))}
        caseless = await session.exec(
            select(JournalEntry.summary).where(col(JournalEntry.case_id).is_(None))
        )
        return people, texts, list(caseless)


async def test_the_job_erases_only_what_is_due_and_only_once(db: Database) -> None:
    """Past the period: the case's people erased and journaled; the rest and new texts stay."""
    await _case(db, "OLD-1", "resting", NOW - YEAR - timedelta(days=2))
    await _case(db, "NEW-2", "resting", NOW - timedelta(days=10))
    await _case(db, "RUN-3", "active", NOW - 2 * YEAR)
    async with db.session() as session:
        session.add(_text("+46709990001", "vem är du", NOW - timedelta(days=31)))
        session.add(_text("+46709990002", "hallå?", NOW - timedelta(days=29)))
        await session.commit()
    job = RetentionJob(db=db, clock=FakeClock(NOW), retention_days=365)
    stats = await job.run()
    assert (stats.cases, stats.unmatched) == (1, 1)
    people, texts, caseless = await _after(db)
    async with db.session() as session:
        old = await read_journal(session, "OLD-1")
        new = await read_journal(session, "NEW-2")
    assert people[("OLD-1", "ali")] == (ERASED, None)
    assert people[("OLD-1", "maja")] == (ERASED, None)
    assert people[("NEW-2", "ali")][0] == "Ali" and people[("RUN-3", "ali")][0] == "Ali"
    assert texts == {ERASED, "hallå?"}
    assert (old[-1].kind, old[-1].summary) == (
        "case.erased",
        "retention period over: personal data of 2 member(s) erased",
    )
    assert old[0].summary.startswith("case OLD-1 created") and "Ali" not in str(old)
    assert new[-1].kind != "case.erased"
    assert caseless == ["1 text(s) from unknown senders received before 2027-05-02 erased"]
    assert await job.run() == type(stats)(0, 0)
