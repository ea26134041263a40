"""My day: today's events in the case's time zone, misses since yesterday, consents running out,
cases without a network meeting ahead; each account only its own cases."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.appointments import cancel_appointment
from sigbot.domain.cases import pause
from sigbot.domain.consent import withdraw_consent
from sigbot.domain.escalations import acknowledge
from sigbot.domain.meetings import cancel_meeting, plan_meeting
from sigbot.models import (
    Account,
    Appointment,
    Case,
    Consent,
    Escalation,
    EscalationAction,
    Meeting,
    Member,
)
from sigbot.views.common import Attendee
from sigbot.views.day import DayView, my_day
from tests.sigbot.env import Env
from tests.sigbot.views.support import MAJAS, OMARS, accounts, answer, at, local, read, two_cases


async def _day(env: Env, account: Account) -> DayView:
    return await read(env, lambda s: my_day(s, account, env.clock.now()))


async def test_today_is_the_day_in_the_cases_time_zone(db: Database, clock: FakeClock) -> None:
    """At 00:30 in Stockholm (still yesterday in UTC) today's events are there, with who, where
    and the answer given; at 23:30 the evening before they are not."""
    async with two_cases(db, clock) as env:
        people = await accounts(env, "maja", "omar")
        await at(env, 2026, 11, 25, 10, 0)
        await answer(env, "noah", "1", "appointment_reminder")
        env.clock.set(local(2026, 11, 25, 23, 30))
        assert (await _day(env, people["maja"])).today == ()
        env.clock.set(local(2026, 11, 26, 0, 30))
        majas = (await _day(env, people["maja"])).today
        omars = (await _day(env, people["omar"])).today
    assert [(e.case_ref, e.kind, e.what, e.at, e.place, e.people) for e in majas] == [
        (
            MAJAS,
            "appointment",
            "BUP",
            local(2026, 11, 26, 10, 0),
            "BUP Järva",
            (Attendee("noah", "Noah", "yes"),),
        )
    ]
    assert [(e.case_ref, e.kind, e.what, e.place) for e in omars] == [
        (OMARS, "appointment", "Tandläkare", "Folktandvården"),
        (OMARS, "meeting", "network", "Rinkeby träff"),
    ]
    assert [a.key for a in omars[1].people] == ["ali", "amina", "omar"]


async def test_a_cancelled_appointment_is_not_on_the_day(db: Database, clock: FakeClock) -> None:
    """Omar cancels Ali's dentist: only the network meeting is left today."""
    async with two_cases(db, clock) as env:
        people = await accounts(env, "omar")
        async with env.db.session() as session:
            dentist = (
                await session.exec(select(Appointment).where(Appointment.what == "Tandläkare"))
            ).one()
            await cancel_appointment(session, appointment=dentist, now=env.clock.now())
            await session.commit()
        env.clock.set(local(2026, 11, 26, 8, 0))
        today = (await _day(env, people["omar"])).today
    assert [(e.kind, e.what) for e in today] == [("meeting", "network")]


async def _misses(env: Env) -> None:
    """Noah says he is coming to BUP; he answers "not done" to his check-in at 17:00 (Maja
    acknowledges it), Karin and Ali leave theirs unanswered until 19:00."""
    await at(env, 2026, 11, 25, 10, 0)
    await answer(env, "noah", "1", "appointment_reminder")
    await at(env, 2026, 11, 25, 17, 0)
    await answer(env, "noah", "3", "check_in")
    async with env.db.session() as session:
        maja = (await session.exec(select(Member).where(Member.key == "maja"))).one()
        escalation = (
            await session.exec(select(Escalation).where(Escalation.reason == "not_done"))
        ).one()
        assert escalation.id is not None
        await acknowledge(
            session,
            escalation_id=escalation.id,
            by=maja,
            action=EscalationAction.CALL,
            now=env.clock.now(),
        )
        await session.commit()
    await at(env, 2026, 11, 25, 19, 0)


async def test_misses_since_yesterday_began(db: Database, clock: FakeClock) -> None:
    """The next morning Maja sees Karin's silence and Noah's "not done" (acknowledged), newest
    first, and not Ali's; two days later they are gone."""
    async with two_cases(db, clock) as env:
        people = await accounts(env, "maja", "omar")
        await _misses(env)
        env.clock.set(local(2026, 11, 26, 23, 59))
        majas = (await _day(env, people["maja"])).misses
        omars = (await _day(env, people["omar"])).misses
        env.clock.set(local(2026, 11, 27, 0, 1))
        later = (await _day(env, people["maja"])).misses
    assert [(m.case_ref, m.member, m.reason, m.what, m.answer, m.acknowledged) for m in majas] == [
        (MAJAS, "Karin", "no_reply", "Skicka närvaron till Maja varje fredag", "no answer", False),
        (MAJAS, "Noah", "not_done", "Gå till skolan varje dag", "not done", True),
    ]
    assert [m.at for m in majas] == [local(2026, 11, 25, 19, 0), local(2026, 11, 25, 17, 0)]
    assert [(m.case_ref, m.member, m.reason) for m in omars] == [(OMARS, "Ali", "no_reply")]
    assert later == ()


async def test_consents_running_out_within_30_days(db: Database, clock: FakeClock) -> None:
    """Omar's consent ends on 10 December: his day shows it until it is withdrawn; Maja's
    consents run into next year."""
    async with two_cases(db, clock) as env:
        people = await accounts(env, "maja", "omar")
        ending = (await _day(env, people["omar"])).consents_ending
        assert (await _day(env, people["maja"])).consents_ending == ()
        async with env.db.session() as session:
            case = (await session.exec(select(Case).where(Case.ref == OMARS))).one()
            consent = (await session.exec(select(Consent).where(Consent.case_id == case.id))).one()
            await withdraw_consent(session, consent=consent, now=env.clock.now())
            await session.commit()
        after = (await _day(env, people["omar"])).consents_ending
    assert [
        (c.case_ref, c.valid_until, c.last_day, c.days_left, c.given_by, c.share_with)
        for c in ending
    ] == [
        (
            OMARS,
            local(2026, 12, 11, 0, 0),
            date(2026, 12, 10),
            16,
            ("Ali", "Amina"),
            ("Omar", "Sara", "Amina"),
        )
    ]
    assert after == ()


async def test_active_cases_without_a_network_meeting_ahead(db: Database, clock: FakeClock) -> None:
    """Maja's case once its meeting is cancelled; Omar's once his has passed, with when it was
    and the next one planned too far away, until the case is paused."""
    async with two_cases(db, clock) as env:
        people = await accounts(env, "maja", "omar")
        assert (await _day(env, people["maja"])).no_meeting == ()
        async with env.db.session() as session:
            meeting = (await session.exec(select(Meeting).where(Meeting.key == "network-1"))).all()
            majas = next(m for m in meeting if m.starts_at == local(2026, 12, 1, 15, 0))
            await cancel_meeting(session, meeting=majas, now=env.clock.now())
            await session.commit()
        env.clock.set(local(2026, 11, 27, 9, 0))
        async with env.db.session() as session:
            case = (await session.exec(select(Case).where(Case.ref == OMARS))).one()
            await plan_meeting(
                session,
                case=case,
                key="network-2",
                starts_at=local(2026, 12, 29, 15, 0),
                now=env.clock.now(),
            )
            await session.commit()
        maja_sees = (await _day(env, people["maja"])).no_meeting
        omar_sees = (await _day(env, people["omar"])).no_meeting
        async with env.db.session() as session:
            case = (await session.exec(select(Case).where(Case.ref == OMARS))).one()
            await pause(session, case=case, now=env.clock.now())
            await session.commit()
        paused = (await _day(env, people["omar"])).no_meeting
    assert [(n.case_ref, n.last_at, n.next_at) for n in maja_sees] == [(MAJAS, None, None)]
    assert [(n.case_ref, n.last_at, n.next_at) for n in omar_sees] == [
        (OMARS, local(2026, 11, 26, 15, 0), local(2026, 12, 29, 15, 0))
    ]
    assert paused == ()


async def test_an_admin_has_an_empty_day(db: Database, clock: FakeClock) -> None:
    """An admin manages accounts and reads no case: nothing of either case's busy day."""
    async with two_cases(db, clock) as env:
        people = await accounts(env, "root")
        await _misses(env)
        env.clock.set(env.clock.now() + timedelta(hours=14))
        day = await _day(env, people["root"])
    assert day == DayView((), (), (), (), ())
