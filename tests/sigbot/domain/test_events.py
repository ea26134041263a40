"""Meetings and appointments: plan, move, change, cancel, invite; journaled in local time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.appointments import (
    add_appointment,
    cancel_appointment,
    change_appointment,
    move_appointment,
    plan_again,
)
from sigbot.domain.cases import RuleBroken
from sigbot.domain.meetings import cancel_meeting, change_meeting, plan_meeting, set_invitees
from sigbot.models import MeetingInvitation
from tests.sigbot.domain.support import SEEDED_ENTRIES, Seeded, journal, seed

AT = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)  # 15:00 in Stockholm
HOUR = timedelta(hours=1)


async def test_a_planned_meeting_invites_its_people(db: Database, clock: FakeClock) -> None:
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        people = seeded.people
        invitees = [people["noah"], people["leila"], people["maja"]]
        meeting = await plan_meeting(
            session,
            case=seeded.case,
            key="network-1",
            starts_at=AT,
            invitees=invitees,
            now=clock.now(),
        )
        rows = (await session.exec(select(MeetingInvitation))).all()
        assert {r.member_id for r in rows if r.active} == {m.id for m in invitees}
        await set_invitees(session, meeting=meeting, invitees=invitees[:2])
        await set_invitees(session, meeting=meeting, invitees=invitees)
        rows = (await session.exec(select(MeetingInvitation))).all()
        assert len(rows) == 3 and all(r.active for r in rows)
        lines = await journal(session, since=SEEDED_ENTRIES)
    assert lines == [("meeting.planned", None, "network meeting 2026-12-01 15:00")]


MEETING_CHANGES: list[tuple[dict[str, Any], str]] = [
    ({"starts_at": AT + HOUR}, "meeting network-1: moved 2026-12-01 15:00 → 2026-12-01 16:00"),
    (
        {"place": "Tensta träff", "remind": (timedelta(days=1),)},
        "meeting network-1: place changed; remind changed",
    ),
    ({"status": "held"}, "meeting network-1: planned → held"),
    ({"starts_at": AT, "place": None, "kind": "network"}, ""),
]


@pytest.mark.parametrize(("change", "summary"), MEETING_CHANGES)
async def test_a_meeting_change_is_one_entry(
    db: Database, clock: FakeClock, change: dict[str, Any], summary: str
) -> None:
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        meeting = await plan_meeting(
            session, case=seeded.case, key="network-1", starts_at=AT, now=clock.now()
        )
        await change_meeting(session, meeting=meeting, now=clock.now(), **change)
        lines = await journal(session, since=SEEDED_ENTRIES + 1)
    assert lines == ([("meeting.changed", None, summary)] if summary else [])


async def test_meeting_rules(db: Database, clock: FakeClock) -> None:
    """Officials' meetings invite no family; a meeting is cancelled once."""
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        with pytest.raises(RuleBroken, match="invites no family member"):
            await plan_meeting(
                session,
                case=seeded.case,
                key="officials-1",
                kind="officials",
                starts_at=AT,
                invitees=[seeded.people["leila"]],
                now=clock.now(),
            )
        meeting = await plan_meeting(
            session, case=seeded.case, key="network-1", starts_at=AT, now=clock.now()
        )
        assert await cancel_meeting(session, meeting=meeting, now=clock.now())
        assert not await cancel_meeting(session, meeting=meeting, now=clock.now())
        assert (await journal(session))[-1] == (
            "meeting.cancelled",
            None,
            "meeting network-1 cancelled",
        )


async def _bup(seeded: Seeded, session: Any, now: datetime) -> Any:
    return await add_appointment(
        session,
        case=seeded.case,
        key="noah-bup",
        person=seeded.people["noah"],
        what="BUP",
        starts_at=AT,
        now=now,
    )


async def test_moving_a_missed_appointment_asks_again(db: Database, clock: FakeClock) -> None:
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        bup = await _bup(seeded, session, clock.now())
        bup.status, bup.answer = "missed", "no"
        changes = await move_appointment(
            session, appointment=bup, starts_at=AT + HOUR, now=clock.now()
        )
        lines = await journal(session, since=SEEDED_ENTRIES)
    assert (bup.status, bup.answer) == ("planned", "pending")
    assert changes == ["moved 2026-12-01 15:00 → 2026-12-01 16:00"]
    assert lines == [
        ("appointment.planned", "noah", "BUP 2026-12-01 15:00"),
        ("appointment.changed", "noah", "BUP: moved 2026-12-01 15:00 → 2026-12-01 16:00"),
    ]


APPOINTMENT_CHANGES: list[tuple[dict[str, Any], str, str]] = [
    ({"what": "BUP Järva", "place": "Rinkeby"}, "noah", "BUP Järva: what changed; place changed"),
    ({"remind": (timedelta(hours=2),)}, "noah", "BUP: remind changed"),
    ({"person": "leila"}, "leila", "BUP: member_id changed"),
    ({"status": "cancelled"}, "noah", "BUP: cancelled"),
    ({"what": "BUP", "place": None, "status": "planned"}, "", ""),
]


@pytest.mark.parametrize(("change", "who", "summary"), APPOINTMENT_CHANGES)
async def test_an_appointment_change_is_one_entry(
    db: Database, clock: FakeClock, change: dict[str, Any], who: str, summary: str
) -> None:
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        bup = await _bup(seeded, session, clock.now())
        if "person" in change:
            change = change | {"person": seeded.people[change["person"]]}
        await change_appointment(session, appointment=bup, now=clock.now(), **change)
        lines = await journal(session, since=SEEDED_ENTRIES + 1)
    assert lines == ([("appointment.changed", who, summary)] if summary else [])


async def test_cancel_and_plan_again(db: Database, clock: FakeClock) -> None:
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        bup = await _bup(seeded, session, clock.now())
        assert await cancel_appointment(session, appointment=bup, now=clock.now(), reason="sjuk")
        assert not await cancel_appointment(session, appointment=bup, now=clock.now())
        assert await plan_again(session, appointment=bup, now=clock.now()) == ["planned again"]
        lines = await journal(session, since=SEEDED_ENTRIES + 1)
    assert bup.status == "planned"
    assert lines == [
        ("appointment.cancelled", None, "BUP cancelled (sjuk)"),
        ("appointment.changed", "noah", "BUP: planned again"),
    ]


BAD: list[tuple[dict[str, Any], str]] = [
    ({"what": " "}, "needs to say what it is"),
    ({"remind": (timedelta(0),)}, "longer than zero"),
    ({"status": "kept"}, "planned or cancelled"),
    ({"starts_at": AT.replace(tzinfo=None) + HOUR}, "needs its time zone"),
]


@pytest.mark.parametrize(("change", "why"), BAD)
async def test_bad_appointment_changes_are_refused(
    db: Database, clock: FakeClock, change: dict[str, Any], why: str
) -> None:
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        bup = await _bup(seeded, session, clock.now())
        with pytest.raises(RuleBroken, match=why):
            await change_appointment(session, appointment=bup, now=clock.now(), **change)
        assert len(await journal(session)) == SEEDED_ENTRIES + 1
