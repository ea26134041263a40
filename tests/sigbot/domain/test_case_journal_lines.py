"""A case's own journal lines read in the reader's language: creating the case and each status
change carry the data their templates need, so a Swedish reader gets Swedish words and the end
of a pause as a day in the case's zone, not the stored English summary."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.cases import change_status, close, pause, resume
from sigbot.journal import JournalLine, read_journal
from sigbot.journal_texts import template_fields
from sigbot.models import JournalKind
from tests.sigbot.domain.support import REF, seed

# 2027-01-09 23:00 UTC is already 10 January in Stockholm: the line names the local day.
PAUSE_END = datetime(2027, 1, 9, 23, 0, tzinfo=UTC)
CASE_KINDS = (JournalKind.CASE_CREATED, JournalKind.CASE_STATUS)


async def case_lines(session: AsyncSession) -> list[JournalLine]:
    return [line for line in await read_journal(session, REF) if line.kind in CASE_KINDS]


async def test_created_paused_resumed_closed_read_in_swedish_and_english(
    db: Database, clock: FakeClock
) -> None:
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        case, now = seeded.case, clock.now()
        await pause(session, case=case, now=now, until=PAUSE_END, reason="utredning")
        await resume(session, case=case, now=now)
        await close(session, case=case, now=now, outcome="goals_met", reason="klart")
        await session.commit()
        lines = await case_lines(session)
    assert [(line.text("sv"), line.text("en")) for line in lines] == [
        (f"ärende {REF} skapat (aktivt)", f"case {REF} created (active)"),
        (
            "status aktivt → pausat (utredning), till 10 jan. 2027",
            "status active → paused (utredning), until 10 Jan 2027",
        ),
        ("status pausat → aktivt", "status paused → active"),
        ("status aktivt → avslutat (klart)", "status active → closed (klart)"),
    ]
    # The summary stays the English of before; the Swedish line is not it.
    assert lines[1].summary == "status active → paused (utredning), until 2027-01-10"
    assert all(line.text("sv") != line.summary for line in lines)


async def test_the_data_holds_every_field_the_templates_name(
    db: Database, clock: FakeClock
) -> None:
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        await pause(session, case=seeded.case, now=clock.now(), until=PAUSE_END, reason="sommar")
        await session.commit()
        created, paused = await case_lines(session)
    assert created.data == {"ref": REF, "status": "active"}
    assert paused.data == {
        "previous": "active",
        "status": "paused",
        "reason": "sommar",
        "planned_end": "2027-01-09T23:00:00+00:00",
        "tz": "Europe/Stockholm",
    }
    for line in (created, paused):
        assert template_fields(line.kind) <= line.data.keys()


async def test_a_default_pause_end_and_an_empty_reason_read_like_the_summary(
    db: Database, clock: FakeClock
) -> None:
    """A pause without an end gets about two months; an empty reason shows no "()"."""
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        await pause(session, case=seeded.case, now=clock.now())
        await resume(session, case=seeded.case, now=clock.now(), reason="")
        await session.commit()
        _, paused, resumed = await case_lines(session)
    assert paused.text("sv") == "status aktivt → pausat, till 25 jan. 2027"
    assert paused.text("en") == "status active → paused, until 25 Jan 2027"
    assert resumed.data["reason"] is None
    assert (resumed.text("sv"), resumed.text("en")) == (
        "status pausat → aktivt",
        "status paused → active",
    )


async def test_the_planners_move_to_the_resting_list_is_read_in_swedish(
    db: Database, clock: FakeClock
) -> None:
    """The planner words its own summary; the line still reads in the reader's language."""
    rests_until = datetime(2027, 5, 24, 8, 0, tzinfo=UTC)
    async with db.session() as session:
        seeded = await seed(session, clock.now(), status="closed")
        await change_status(
            session,
            case=seeded.case,
            status="resting",
            now=clock.now(),
            planned_end=rests_until,
            summary="closed; on the resting list until 2027-05-24",
        )
        await session.commit()
        resting = (await case_lines(session))[-1]
    assert resting.summary == "closed; on the resting list until 2027-05-24"
    assert resting.text("sv") == "status avslutat → vilande, till 24 maj 2027"
    assert resting.text("en") == "status closed → resting, until 24 May 2027"
