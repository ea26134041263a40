"""Case operations: creation, life cycle, settings and hand-over, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.cases import (
    CaseSettings,
    RuleBroken,
    change_settings,
    change_status,
    close,
    hand_over,
    pause,
    set_pause_end,
)
from sigbot.journal import read_journal
from sigbot.models import Case, CaseStatusChange
from sigbot.timing import parse_quiet_hours
from tests.sigbot.domain.support import REF, SEEDED_ENTRIES, journal, seed

DAY = timedelta(days=1)


async def test_a_new_case_is_journaled_with_its_first_status(
    db: Database, clock: FakeClock
) -> None:
    """case.created, then each person; a status row without a previous status."""
    async with db.session() as session:
        await seed(session, clock.now(), status="paused")
        await session.commit()
        case = (await session.exec(select(Case))).one()
        change = (await session.exec(select(CaseStatusChange))).one()
        lines = await journal(session)
    assert lines[0] == ("case.created", None, f"case {REF} created (paused)")
    assert lines[1] == ("member.added", "noah", "Noah added as youth")
    assert case.paused_until == clock.now() + timedelta(days=61)
    assert (change.from_status, change.to_status) == (None, "paused")
    assert change.planned_end == case.paused_until


# (from, to, keyword arguments, the journal's summary, paused_until, resting_until)
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
MOVES: list[tuple[str, str, dict[str, Any], str, datetime | None, datetime | None]] = [
    (
        "active",
        "paused",
        {"reason": "misstänkt för nytt brott"},
        "status active → paused (misstänkt för nytt brott), until 2027-01-25",
        NOW + timedelta(days=61),
        None,
    ),
    (
        "active",
        "paused",
        {"planned_end": datetime(2027, 1, 9, 23, tzinfo=UTC)},
        "status active → paused, until 2027-01-10",
        datetime(2027, 1, 9, 23, tzinfo=UTC),
        None,
    ),
    (
        "paused",
        "active",
        {"summary": "pause over: reminders resume"},
        "pause over: reminders resume",
        None,
        None,
    ),
    (
        "active",
        "closed",
        {"reason": "klart", "outcome": "goals_met"},
        "status active → closed (klart)",
        None,
        None,
    ),
    (
        "closed",
        "resting",
        {"planned_end": NOW + 180 * DAY, "summary": "closed; on the resting list until 2027-05-24"},
        "closed; on the resting list until 2027-05-24",
        None,
        NOW + 180 * DAY,
    ),
]


@pytest.mark.parametrize(("start", "status", "kwargs", "summary", "paused", "resting"), MOVES)
async def test_status_changes(
    db: Database,
    clock: FakeClock,
    start: str,
    status: str,
    kwargs: dict[str, Any],
    summary: str,
    paused: datetime | None,
    resting: datetime | None,
) -> None:
    """Each move leaves a status row and one case.status entry naming the move."""
    async with db.session() as session:
        seeded = await seed(session, clock.now(), status=start)
        await change_status(session, case=seeded.case, status=status, now=clock.now(), **kwargs)
        await session.commit()
        case = (await session.exec(select(Case))).one()
        rows = (
            await session.exec(select(CaseStatusChange).order_by(col(CaseStatusChange.id)))
        ).all()
        lines = await read_journal(session, REF)
    assert (case.status, case.status_since, case.paused_until) == (status, clock.now(), paused)
    assert case.resting_until == resting
    assert (rows[-1].from_status, rows[-1].to_status) == (start, status)
    assert rows[-1].reason == kwargs.get("reason")
    assert (lines[-1].kind, lines[-1].summary) == ("case.status", summary)
    assert {k: lines[-1].data[k] for k in ("previous", "status", "reason", "tz")} == {
        "previous": start,
        "status": status,
        "reason": kwargs.get("reason"),
        "tz": "Europe/Stockholm",
    }


async def test_resting_keeps_the_closing_outcome(db: Database, clock: FakeClock) -> None:
    """Closed → resting is the tail of the closing: reason and outcome stay."""
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        await close(session, case=seeded.case, now=clock.now(), outcome="goals_met", reason="klart")
        await change_status(session, case=seeded.case, status="resting", now=clock.now())
        assert (seeded.case.outcome, seeded.case.status_reason) == ("goals_met", "klart")


REFUSED: list[tuple[str, dict[str, Any], str]] = [
    ("active", {}, "the case is active already"),
    ("paused", {"outcome": "goals_met"}, "only a closed case has an outcome"),
    ("closed", {"planned_end": NOW + DAY}, "only a paused or resting case has an end date"),
]


@pytest.mark.parametrize(("status", "kwargs", "why"), REFUSED)
async def test_refused_status_changes_write_nothing(
    db: Database, clock: FakeClock, status: str, kwargs: dict[str, Any], why: str
) -> None:
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        with pytest.raises(RuleBroken, match=why):
            await change_status(session, case=seeded.case, status=status, now=clock.now(), **kwargs)
        assert len(await journal(session)) == SEEDED_ENTRIES
        assert len((await session.exec(select(CaseStatusChange))).all()) == 1


async def test_pause_end_moves_without_a_new_status(db: Database, clock: FakeClock) -> None:
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        await pause(session, case=seeded.case, now=clock.now())
        until = clock.now() + 10 * DAY
        assert await set_pause_end(session, case=seeded.case, until=until, now=clock.now())
        assert not await set_pause_end(session, case=seeded.case, until=until, now=clock.now())
        assert seeded.case.paused_until == until


SETTINGS: list[tuple[CaseSettings, list[str]]] = [
    (CaseSettings(), []),
    (CaseSettings(quiet_hours=parse_quiet_hours("22:00-07:00")), ["quiet hours changed"]),
    (CaseSettings(quiet_hours=None, ack_within=DAY), ["quiet hours changed", "ack time changed"]),
    (
        CaseSettings(timezone="Europe/Helsinki", no_reply_after=3 * DAY),
        ["time zone changed", "no-reply changed"],
    ),
]


@pytest.mark.parametrize(("settings", "changed"), SETTINGS)
async def test_settings_name_what_changed(
    db: Database, clock: FakeClock, settings: CaseSettings, changed: list[str]
) -> None:
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        got = await change_settings(session, case=seeded.case, settings=settings, now=clock.now())
        await session.commit()
        case = (await session.exec(select(Case))).one()
    assert got == changed
    assert (case.timezone, case.quiet_hours) == (settings.timezone, settings.quiet_hours)


@pytest.mark.parametrize(
    ("settings", "why"),
    [
        (CaseSettings(timezone="Mars/Olympus"), "unknown time zone"),
        (CaseSettings(ack_within=timedelta(0)), "ack time must be longer than zero"),
    ],
)
async def test_bad_settings_are_refused(
    db: Database, clock: FakeClock, settings: CaseSettings, why: str
) -> None:
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        with pytest.raises(RuleBroken, match=why):
            await change_settings(session, case=seeded.case, settings=settings, now=clock.now())


HAND_OVERS: list[tuple[dict[str, Any], list[str] | str]] = [
    ({"coordinator_key": "jonas"}, ["coordinator changed"]),
    ({"backup_key": "jonas"}, ["backup changed"]),
    ({"coordinator_key": "jonas", "backup_key": "maja"}, ["coordinator changed", "backup changed"]),
    ({"backup_key": None}, []),
    ({"coordinator_key": "erik"}, "'erik' is not an active coordinator"),
    ({"coordinator_key": "ghost"}, "'ghost' is not an active coordinator"),
    ({"backup_key": "maja"}, "the backup must be another coordinator"),
]


@pytest.mark.parametrize(("kwargs", "expected"), HAND_OVERS)
async def test_hand_over(
    db: Database, clock: FakeClock, kwargs: dict[str, Any], expected: list[str] | str
) -> None:
    """Only an active coordinator of the case takes over; the backup is another one."""
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        if isinstance(expected, str):
            with pytest.raises(RuleBroken, match=expected):
                await hand_over(session, case=seeded.case, now=clock.now(), **kwargs)
            assert seeded.case.coordinator_key == "maja"
            return
        assert await hand_over(session, case=seeded.case, now=clock.now(), **kwargs) == expected
        assert seeded.case.coordinator_key == kwargs.get("coordinator_key", "maja")
