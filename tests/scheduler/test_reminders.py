"""Reminders of appointments and meetings end to end: real channels against the fake servers,
an injected clock. Each test says who received what and when, and what the journal shows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sigbot.clock import FakeClock
from sigbot.db import Database
from tests.scheduler.flow import BUP, journal, local, run_until, sent
from tests.scheduler.plans import plan
from tests.sigbot.env import make_env


async def test_default_reminders_day_before_and_two_hours_before(
    db: Database, clock: FakeClock
) -> None:
    """Without `remind`: 18:00 the day before and 2 hours before, on Telegram with buttons."""
    async with make_env(db, clock) as env:
        await env.load(plan(appointments=BUP))
        await run_until(env, local(2026, 11, 25, 17, 55))
        assert await sent(env, "appointment_reminder") == []
        await run_until(env, local(2026, 11, 26, 9, 30))
        reminders = await sent(env, "appointment_reminder")
        assert [r.sent_at for r in reminders] == [
            local(2026, 11, 25, 18, 0),
            local(2026, 11, 26, 8, 0),
        ]
        texts = [m.text for m in env.tg.messages_to(1001) if "BUP" in m.text]
        assert texts[0] == (
            "Påminnelse: BUP tors 26 nov. 10:00, BUP Järva.\n"
            "Hur tar du dig dit, och när behöver du gå hemifrån? "
            "Skriv det här med några ord, eller använd knapparna."
        )  # the day before: make a plan (Fishbane, Reeves & Hall 2020)
        assert texts[1] == "Påminnelse: BUP tors 26 nov. 10:00, BUP Järva. Kommer du?"
        assert env.tg.messages_to(1001)[-1].reply_markup is not None


async def test_moving_an_appointment_reschedules_and_tells(db: Database, clock: FakeClock) -> None:
    """A reminder already went out: moving the time sends a notice and re-plans reminders."""
    async with make_env(db, clock) as env:
        await env.load(plan(appointments=BUP))
        await run_until(env, local(2026, 11, 25, 18, 5))
        assert len(await sent(env, "appointment_reminder")) == 1
        await env.load(plan(appointments=BUP.replace("2026-11-26T10:00", "2026-11-27T14:00")))
        await env.cycle()
        moved = await sent(env, "appointment_moved")
        assert len(moved) == 1 and "fre 27 nov. 14:00" in moved[0].body
        await run_until(env, local(2026, 11, 27, 13, 0), step=timedelta(minutes=30))
        reminders = await sent(env, "appointment_reminder")
        assert [r.due_at for r in reminders][1:] == [
            local(2026, 11, 26, 18, 0),
            local(2026, 11, 27, 12, 0),
        ]
        kinds = [k for k, _ in await journal(env)]
        assert "message.cancelled" in kinds  # the old 08:00 reminder


async def test_cancelling_an_appointment_cancels_reminders_and_tells(
    db: Database, clock: FakeClock
) -> None:
    """Removed from the plan after a reminder: no more reminders, a cancellation notice."""
    async with make_env(db, clock) as env:
        await env.load(plan(appointments=BUP))
        await run_until(env, local(2026, 11, 25, 18, 5))
        await env.load(plan())
        await run_until(env, local(2026, 11, 26, 10, 0), step=timedelta(minutes=30))
        assert len(await sent(env, "appointment_reminder")) == 1
        assert len(await sent(env, "appointment_cancelled")) == 1


async def test_quiet_hours_move_or_drop(db: Database, clock: FakeClock) -> None:
    """A 2-hours-before reminder at 06:00 moves to 08:00; one for a 07:30 event is dropped."""
    appointments = (
        "  - {key: a, who: noah, what: Tandläkare, at: 2026-11-26T09:00, remind: [PT3H]}\n"
        "  - {key: b, who: noah, what: Buss, at: 2026-11-26T07:30, remind: [PT2H]}"
    )
    async with make_env(db, clock) as env:
        await env.load(plan(appointments=appointments))
        await run_until(env, local(2026, 11, 26, 9, 0), step=timedelta(minutes=15))
        reminders = await sent(env, "appointment_reminder")
        assert [(r.params["what"], r.sent_at) for r in reminders] == [
            ("Tandläkare", local(2026, 11, 26, 8, 0))
        ]
        dropped = [s for k, s in await journal(env) if k == "message.dropped"]
        assert len(dropped) == 1 and "quiet hours" in dropped[0]


async def test_meetings_reach_only_whom_consent_allows(db: Database, clock: FakeClock) -> None:
    """Network meeting: invitees the consent covers; the police officer without consent gets
    nothing. Officials' meeting: never the family. Reminders go to the family."""
    meetings = (
        "  - {key: prep, kind: officials, at: 2026-12-01T14:00, invite: [maja, karin, erik]}\n"
        "  - {key: net, kind: network, at: 2026-12-01T15:00, place: Tensta träff,"
        " invite: [noah, leila, maja, karin, erik]}"
    )
    async with make_env(db, clock) as env:
        await env.load(plan(meetings=meetings))
        await run_until(env, local(2026, 12, 1, 14, 30), step=timedelta(hours=1))
        assert env.tg.messages_to(4001) == []  # Erik: no consent covers him
        invites = await sent(env, "meeting_invitation")
        assert {r.address for r in invites} == {"1001", "+46701234568", "2001", "3001"}
        officials = await sent(env, "officials_invitation")
        assert {r.address for r in officials} == {"2001", "3001"}
        reminders = await sent(env, "meeting_reminder")
        assert {r.address for r in reminders} == {"1001", "+46701234568"}
        withheld = [s for k, s in await journal(env) if k == "message.withheld"]
        assert len(withheld) == 2 and all("Erik" in s for s in withheld)


async def test_reminders_across_daylight_saving(db: Database) -> None:
    """P1D before 10:00 on 2026-03-29 is 10:00 on the 28th; default 18:00 on 2026-10-24."""
    clock = FakeClock(local(2026, 3, 27, 12, 0))
    appointments = (
        "  - {key: s, who: noah, what: BUP, at: 2026-03-29T10:00, remind: [P1D]}\n"
        "  - {key: a, who: noah, what: Skola, at: 2026-10-25T10:00}"
    )
    async with make_env(db, clock) as env:
        await env.load(plan(appointments=appointments))
        await run_until(env, local(2026, 3, 29, 11, 0), step=timedelta(minutes=30))
        spring = await sent(env, "appointment_reminder")
        assert [r.sent_at for r in spring] == [datetime(2026, 3, 28, 9, 0, tzinfo=UTC)]
        clock.set(local(2026, 10, 24, 12, 0))
        await run_until(env, local(2026, 10, 25, 11, 0), step=timedelta(minutes=30))
        autumn = [r for r in await sent(env, "appointment_reminder") if r.params["what"] == "Skola"]
        assert [r.sent_at for r in autumn] == [
            datetime(2026, 10, 24, 16, 0, tzinfo=UTC),  # 18:00 CEST
            datetime(2026, 10, 25, 7, 0, tzinfo=UTC),  # 08:00 CET, 2 hours before 10:00 CET
        ]


async def test_restart_after_downtime_sends_useful_and_drops_stale(
    db: Database, clock: FakeClock
) -> None:
    """Down from 17:30 to 09:30 the next day: of the two overdue reminders only the later
    (08:00, event still ahead) is sent; the 18:00 one is dropped and journaled."""
    async with make_env(db, clock) as env:
        await env.load(plan(appointments=BUP))
        await run_until(env, local(2026, 11, 25, 17, 30))
        clock.set(local(2026, 11, 26, 9, 30))  # the process was down all night
        await env.cycle()
        reminders = await sent(env, "appointment_reminder")
        assert [r.due_at for r in reminders] == [local(2026, 11, 26, 8, 0)]
        assert [m.text for m in env.tg.messages_to(1001)][-1].startswith("Påminnelse: BUP")
        dropped = [s for k, s in await journal(env) if k == "message.dropped"]
        assert len(dropped) == 1 and "later reminder" in dropped[0]
        clock.set(local(2026, 11, 26, 10, 30))  # after the event nothing more goes out
        await env.cycle()
        assert len(await sent(env, "appointment_reminder")) == 1
