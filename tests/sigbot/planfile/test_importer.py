"""Importing plans into the database: create, re-import without change, update in place."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import SQLModel, col, func, select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.journal import read_journal
from sigbot.models import (
    ActionPlan,
    Appointment,
    Case,
    Commitment,
    CommitmentStatus,
    Consent,
    JournalEntry,
    Meeting,
    MeetingInvitation,
    Member,
)
from sigbot.planfile.importer import ImportReport, import_plan
from sigbot.planfile.loader import PlanError, parse_plan_text


async def _import(db: Database, text: str, clock: FakeClock) -> ImportReport:
    plan = parse_plan_text(text, source="case.yaml", default_timezone="Europe/Stockholm")
    async with db.session() as session:
        report = await import_plan(session=session, plan=plan, clock=clock)
        await session.commit()
    return report


async def _count(db: Database, model: type[SQLModel]) -> int:
    async with db.session() as session:
        return int((await session.exec(select(func.count()).select_from(model))).one())


async def test_first_import_creates_the_whole_case(
    db: Database, clock: FakeClock, example_plan_text: str
) -> None:
    """Case, members, consents, meetings with invitees, appointments and plan v1 are written."""
    report = await _import(db, example_plan_text, clock)
    assert report.created and report.plan_version == 1
    async with db.session() as session:
        case = (await session.exec(select(Case))).one()
        assert (case.ref, case.status, case.coordinator_key) == ("ST-2026-014", "active", "maja")
        assert case.no_reply_after_s == 7200
        members = {m.key: m for m in await session.exec(select(Member))}
        assert members["leila"].phone == "+46701234568"
        assert members["noah"].telegram_chat_id == 1001
        bup = (await session.exec(select(Appointment).where(Appointment.key == "noah-bup"))).one()
        assert bup.starts_at == datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
        network = (await session.exec(select(Meeting).where(Meeting.kind == "network"))).one()
        invitees = await session.exec(
            select(MeetingInvitation).where(MeetingInvitation.meeting_id == network.id)
        )
        assert len(invitees.all()) == 5
        commitments = (await session.exec(select(Commitment))).all()
        assert {c.key for c in commitments} == {
            "noah-school-1",
            "leila-family-1",
            "erik-crime-1",
            "karin-school-1",
        }
    assert await _count(db, Consent) == 2


async def test_reimporting_the_same_file_changes_nothing(
    db: Database, clock: FakeClock, example_plan_text: str
) -> None:
    """Same file twice: no new rows anywhere, not even a journal entry."""
    await _import(db, example_plan_text, clock)
    before = {m: await _count(db, m) for m in (JournalEntry, Member, Appointment, Commitment)}
    clock.advance(timedelta(hours=1))
    report = await _import(db, example_plan_text, clock)
    assert report.unchanged
    after = {m: await _count(db, m) for m in (JournalEntry, Member, Appointment, Commitment)}
    assert after == before


async def test_moved_appointment_keeps_its_identity(
    db: Database, clock: FakeClock, example_plan_text: str
) -> None:
    """Moving BUP one hour updates the same row and journals old and new time."""
    await _import(db, example_plan_text, clock)
    async with db.session() as session:
        before = (
            await session.exec(select(Appointment).where(Appointment.key == "noah-bup"))
        ).one()
    moved = example_plan_text.replace("2026-11-26T10:00", "2026-11-26T11:30")
    report = await _import(db, moved, clock)
    assert report.changes == ["appointment noah-bup: moved 2026-11-26 10:00 → 2026-11-26 11:30"]
    async with db.session() as session:
        after = (await session.exec(select(Appointment).where(Appointment.key == "noah-bup"))).one()
        lines = await read_journal(session, "ST-2026-014")
    assert after.id == before.id
    assert after.starts_at == datetime(2026, 11, 26, 10, 30, tzinfo=UTC)
    assert lines[-2].summary == "BUP: moved 2026-11-26 10:00 → 2026-11-26 11:30"
    assert await _count(db, Appointment) == 2


async def test_changed_commitments_make_a_new_plan_version(
    db: Database, clock: FakeClock, example_plan_text: str
) -> None:
    """A revised plan is version 2; old open commitments are marked replaced."""
    await _import(db, example_plan_text, clock)
    clock.set(datetime(2026, 12, 1, 16, 30, tzinfo=UTC))
    revised = example_plan_text.replace(
        "Gå till skolan varje dag", "Gå till skolan och till fritids"
    )
    report = await _import(db, revised, clock)
    assert report.plan_version == 2
    async with db.session() as session:
        plans = (await session.exec(select(ActionPlan).order_by(col(ActionPlan.version)))).all()
        assert [p.version for p in plans] == [1, 2]
        assert plans[1].meeting_id is not None  # the network meeting that had just been held
        old = (
            await session.exec(select(Commitment).where(Commitment.plan_id == plans[0].id))
        ).all()
        assert {c.status for c in old} == {CommitmentStatus.REPLACED}
        new = (
            await session.exec(select(Commitment).where(Commitment.plan_id == plans[1].id))
        ).all()
        assert {c.status for c in new} == {CommitmentStatus.OPEN}
        assert any(c.text == "Gå till skolan och till fritids" for c in new)


async def test_removed_member_becomes_inactive_and_consent_withdrawn(
    db: Database, clock: FakeClock, example_plan_text: str
) -> None:
    """Dropping the police consent from the file withdraws it, journaled; nothing is deleted."""
    await _import(db, example_plan_text, clock)
    without_police_consent = example_plan_text.replace(
        "  - given_by: [noah, leila]\n    share_with: [erik]\n    topics: [meetings]\n"
        "    valid_until: 2027-02-28\n",
        "",
    )
    assert without_police_consent != example_plan_text
    await _import(db, without_police_consent, clock)
    async with db.session() as session:
        consents = {c.key: c for c in await session.exec(select(Consent))}
        lines = await read_journal(session, "ST-2026-014")
    assert consents["noah+leila-2"].withdrawn_at == clock.now()
    assert consents["noah+leila-1"].withdrawn_at is None
    assert any(line.kind == "consent.withdrawn" for line in lines)


async def test_pausing_records_reason_and_default_end(
    db: Database, clock: FakeClock, example_plan_text: str
) -> None:
    """Status paused without an end date pauses for about two months, journaled with the reason."""
    await _import(db, example_plan_text, clock)
    paused = example_plan_text.replace(
        "  status: active\n", "  status: paused\n  status_reason: misstänkt för nytt brott\n"
    )
    await _import(db, paused, clock)
    async with db.session() as session:
        case = (await session.exec(select(Case))).one()
        lines = await read_journal(session, "ST-2026-014")
    assert case.status == "paused"
    assert case.paused_until is not None
    assert timedelta(days=59) < case.paused_until - clock.now() < timedelta(days=62)
    status = [line for line in lines if line.kind == "case.status"]
    assert status and "misstänkt för nytt brott" in status[0].summary


async def test_handing_over_to_a_new_coordinator_who_replaces_the_old(
    db: Database, clock: FakeClock, example_plan_text: str
) -> None:
    """The new coordinator joins, takes over, and only then the old one leaves the case."""
    await _import(db, example_plan_text, clock)
    handed_over = example_plan_text.replace("maja", "lisa").replace("Maja", "Lisa")
    report = await _import(db, handed_over, clock)
    assert report.changes[:3] == ["coordinator changed", "member lisa added", "member maja removed"]
    async with db.session() as session:
        case = (await session.exec(select(Case))).one()
        members = {m.key: m for m in await session.exec(select(Member))}
        lines = await read_journal(session, "ST-2026-014")
    assert case.coordinator_key == "lisa"
    assert members["lisa"].active and not members["maja"].active
    assert ("member.removed", "maja") in [(line.kind, line.member) for line in lines]


async def test_a_change_the_database_refuses_writes_nothing(
    db: Database, clock: FakeClock, example_plan_text: str
) -> None:
    """Leila keeps SMS as her channel when the file names none: without a phone it is refused
    by the same rule a form meets, and the import writes nothing."""
    await _import(db, example_plan_text, clock)
    before = await _count(db, JournalEntry)
    no_phone = example_plan_text.replace(', phone: "+46701234568", channel: sms}', "}")
    assert no_phone != example_plan_text
    with pytest.raises(PlanError, match="sms needs a phone number"):
        await _import(db, no_phone, clock)
    assert await _count(db, JournalEntry) == before
