"""Reports: appointments kept, missed and unanswered; commitments per life area per week; time
to acknowledge; and a case's closing summary."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.appointments import add_appointment, cancel_appointment
from sigbot.domain.cases import close, pause, resume
from sigbot.domain.escalations import acknowledge
from sigbot.domain.plans import add_commitment
from sigbot.models import Case, Escalation, EscalationAction, Member
from sigbot.views.reports import (
    AckTimes,
    AppointmentTally,
    AreaWeek,
    ClosingSummary,
    Report,
    case_report,
    closing_summary,
    team_report,
)
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

HOUR = timedelta(hours=1)


async def _case(session: AsyncSession, ref: str) -> Case:
    return (await session.exec(select(Case).where(Case.ref == ref))).one()


async def _report(env: Env, ref: str) -> Report:
    async def view(session: AsyncSession) -> Report:
        return await case_report(session, await _case(session, ref), env.clock.now())

    return await read(env, view)


async def _appointments_for_noah(env: Env) -> None:
    """Three more appointments today, each reminded an hour or two before; one cancelled."""
    async with env.db.session() as session:
        case = await _case(session, MAJAS)
        noah = (await session.exec(select(Member).where(Member.key == "noah"))).one()
        for key, what, hour in (("soc", "Socialtjänsten", 14), ("kur", "Skolkurator", 16)):
            await add_appointment(
                session,
                case=case,
                key=key,
                person=noah,
                what=what,
                starts_at=local(2026, 11, 25, hour, 0),
                remind=(timedelta(hours=hour - 12),),
                now=env.clock.now(),
            )
        gone = await add_appointment(
            session,
            case=case,
            key="fritid",
            person=noah,
            what="Fritidsgården",
            starts_at=local(2026, 11, 25, 13, 0),
            now=env.clock.now(),
        )
        await cancel_appointment(session, appointment=gone, now=env.clock.now())
        await session.commit()


async def test_appointments_kept_missed_and_unanswered(db: Database, clock: FakeClock) -> None:
    """Noah said he would come to BUP (not known whether he went), could not come to the
    school counsellor and never answered about social services; the cancelled one and the
    Jobbtorg still ahead do not count."""
    async with two_cases(db, clock) as env:
        await _appointments_for_noah(env)
        await at(env, 2026, 11, 25, 10, 0)
        await answer(env, "noah", "1", "appointment_reminder")
        await at(env, 2026, 11, 25, 12, 0)
        await at(env, 2026, 11, 25, 14, 0)
        await answer(env, "noah", "3", "appointment_reminder")  # the counsellor's, sent at 12
        env.clock.set(local(2026, 11, 26, 12, 0))
        report = await _report(env, MAJAS)
    assert report.appointments == AppointmentTally(kept=0, missed=1, unanswered=1, unknown=1)


async def test_commitments_per_area_and_week(db: Database, clock: FakeClock) -> None:
    """Ali's daily check-in, Wednesday to Monday: done, not done, silence, then done three
    times; the Monday counts in the next week."""
    async with two_cases(db, clock) as env:
        await at(env, 2026, 11, 25, 10, 0)
        for day, reply in zip(range(25, 31), ("1", "3", None, "1", "1", "1"), strict=True):
            await at(env, 2026, 11, day, 17, 0)
            if reply is not None:
                await answer(env, "ali", reply, "check_in")
            await at(env, 2026, 11, day, 19, 30)
        omars = await _report(env, OMARS)
    assert omars.areas == (
        AreaWeek(date(2026, 11, 23), "school", kept=3, missed=2),
        AreaWeek(date(2026, 11, 30), "school", kept=1, missed=0),
    )


async def _ack(env: Env, reason: str, member: str) -> None:
    """Maja acknowledges the open alert of ``reason`` about ``member`` now."""
    async with env.db.session() as session:
        maja = (await session.exec(select(Member).where(Member.key == "maja"))).one()
        person = (await session.exec(select(Member).where(Member.key == member))).one()
        alert = (
            await session.exec(
                select(Escalation).where(
                    Escalation.reason == reason, Escalation.member_id == person.id
                )
            )
        ).one()
        assert alert.id is not None
        await acknowledge(
            session,
            escalation_id=alert.id,
            by=maja,
            action=EscalationAction.ACK,
            now=env.clock.now(),
        )
        await session.commit()


async def _three_alerts(env: Env) -> None:
    """Noah and Leila ask for help at 10:00, Noah's "not done" at 17:00: Maja acknowledges
    Noah's after two hours and half an hour; Leila's waits."""
    await at(env, 2026, 11, 25, 10, 0)
    await answer(env, "noah", "2", "appointment_reminder")
    await answer(env, "leila", "2", "meeting_invitation")
    env.clock.set(local(2026, 11, 25, 12, 0))
    await _ack(env, "help", "noah")
    await at(env, 2026, 11, 25, 17, 0)
    await answer(env, "noah", "3", "check_in")
    env.clock.set(local(2026, 11, 25, 17, 30))
    await _ack(env, "not_done", "noah")
    env.clock.set(local(2026, 11, 25, 18, 0))


async def test_time_from_alert_to_acknowledgement(db: Database, clock: FakeClock) -> None:
    """Median of two hours and half an hour, the longest two hours; Leila's alert has waited
    eight hours."""
    async with two_cases(db, clock) as env:
        await _three_alerts(env)
        report = await _report(env, MAJAS)
    assert report.acks == AckTimes(
        acknowledged=2,
        median=timedelta(hours=1, minutes=15),
        longest=2 * HOUR,
        open=1,
        oldest_open=8 * HOUR,
    )


async def test_team_report_covers_the_cases_the_account_sees(
    db: Database, clock: FakeClock
) -> None:
    """Maja's team lead gets her case's numbers, Omar his own; an admin an empty report."""
    async with two_cases(db, clock) as env:
        people = await accounts(env, "maja", "lena", "omar", "root")
        await _three_alerts(env)
        async with env.db.session() as session:
            now = env.clock.now()
            teams = {name: await team_report(session, a, now) for name, a in people.items()}
        majas = await _report(env, MAJAS)
    assert teams["lena"] == majas and majas.cases == 1
    assert teams["omar"].cases == 1 and teams["omar"].acks.acknowledged == 0
    assert teams["root"] == Report(
        cases=0,
        appointments=AppointmentTally(),
        areas=(),
        acks=AckTimes(acknowledged=0, median=None, longest=None, open=0, oldest_open=None),
    )


async def test_closing_summary_dates_and_goals(db: Database, clock: FakeClock) -> None:
    """Paused, resumed and closed; a new plan version carries Noah's kept check-in, so his
    school goal appears once with its history, beside the goals of each area."""
    async with two_cases(db, clock) as env:
        await at(env, 2026, 11, 25, 10, 0)
        await at(env, 2026, 11, 25, 17, 0)
        await answer(env, "noah", "1", "check_in")
        async with env.db.session() as session:
            case = await _case(session, MAJAS)
            noah = (await session.exec(select(Member).where(Member.key == "noah"))).one()
            now = env.clock.now()
            await add_commitment(
                session, case=case, owner=noah, area="family", text="Äta middag hemma", now=now
            )
            await pause(session, case=case, now=now + HOUR, reason="sjukhusvistelse")
            await resume(session, case=case, now=now + 2 * HOUR)
            await close(session, case=case, now=now + 3 * HOUR, outcome="goals_met", reason="klart")
            await session.commit()
        summary = await read(env, _closing)
    assert (summary.status, summary.outcome, summary.status_reason) == (
        "closed",
        "goals_met",
        "klart",
    )
    assert [(d.at, d.from_status, d.to_status, d.reason) for d in summary.dates] == [
        (local(2026, 11, 25, 9, 0), None, "active", None),
        (local(2026, 11, 25, 18, 0), "active", "paused", "sjukhusvistelse"),
        (local(2026, 11, 25, 19, 0), "paused", "active", None),
        (local(2026, 11, 25, 20, 0), "active", "closed", "klart"),
    ]
    goals = {
        area.area: [
            (g.owner_key, g.kept, g.missed, g.first_version, g.last_version) for g in area.goals
        ]
        for area in summary.areas
    }
    assert list(goals) == ["school", "crime", "family"]
    assert goals["school"] == [("noah", 1, 0, 1, 2), ("karin", 0, 0, 1, 2)]
    assert goals["family"] == [("leila", 0, 0, 1, 2), ("noah", 0, 0, 2, 2)]
    assert summary.areas[0].kept == 1


async def _closing(session: AsyncSession) -> ClosingSummary:
    return await closing_summary(session, await _case(session, MAJAS))
