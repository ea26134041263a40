"""Things that must not silently never happen (or happen when they no longer should), end to
end through the fake Telegram and Twilio servers: a moved or cancelled meeting is news for
whoever was told; a commitment taken out of the plan is not chased; a question asked before a
pause does not turn into an alert when the pause ends."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.models import Escalation
from tests.scheduler.flow import local, run_until, sent
from tests.scheduler.plans import plan
from tests.sigbot.env import make_env

MEETING = (
    "  - {key: m1, kind: network, at: 2026-12-01T15:00, place: Tensta,"
    " invite: [noah, leila, karin]}"
)
CHECK_IN = "  - {owner: noah, area: school, text: Gå till skolan, check_in: daily}"


async def test_a_moved_meeting_tells_who_was_invited(db: Database, clock: FakeClock) -> None:
    """Everyone invited to the old time hears the new one, once, and can answer again."""
    async with make_env(db, clock) as env:
        await env.load(plan(meetings=MEETING))
        await env.cycle()
        assert len(env.tw.messages_to("+46701234568")) == 2  # welcome + invitation
        await env.load(plan(meetings=MEETING.replace("2026-12-01T15:00", "2026-12-02T16:00")))
        await env.cycle()
        await env.cycle()
        leila = env.tw.messages_to("+46701234568")[-1].body
        assert leila.startswith("Ditt möte har flyttats till") and "16:00" in leila
        assert "Tensta" not in leila  # SMS names no place
        karin = env.tg.messages_to(3001)[-1]
        assert karin.text.startswith("Mötet har flyttats") and "Tensta" in karin.text
        assert karin.reply_markup is not None  # "can you come?" again, with buttons
        assert len(env.tg.messages_to(3001)) == 2


async def test_a_cancelled_meeting_tells_who_was_invited(db: Database, clock: FakeClock) -> None:
    """A meeting taken off tells each invitee who had been told of it; nobody else."""
    async with make_env(db, clock) as env:
        await env.load(plan(meetings=MEETING))
        await env.cycle()
        cancelled = MEETING.replace(
            "invite: [noah, leila, karin]", "invite: [noah, leila, karin], status: cancelled"
        )
        await env.load(plan(meetings=cancelled))
        await env.cycle()
        await env.cycle()
        assert "inställt" in env.tw.messages_to("+46701234568")[-1].body
        assert "inställt" in env.tg.messages_to(1001)[-1].text
        assert "inställt" in env.tg.messages_to(3001)[-1].text
        assert len(await sent(env, "meeting_cancelled")) == 3


async def test_a_commitment_taken_out_of_the_plan_is_not_chased(
    db: Database, clock: FakeClock
) -> None:
    """Its unanswered check-in closes quietly: no 'no answer' alert after the re-import."""
    async with make_env(db, clock) as env:
        await env.load(plan(commitments=CHECK_IN))
        await run_until(env, local(2026, 11, 25, 17, 30), step=timedelta(minutes=30))
        assert len(await sent(env, "check_in")) == 1
        other = "  - {owner: leila, area: family, text: Ring skolan, due: 2026-12-20T12:00}"
        await env.load(plan(commitments=other))
        await run_until(env, local(2026, 11, 26, 12, 0), step=timedelta(minutes=30))
        async with env.db.session() as session:
            assert list(await session.exec(select(Escalation))) == []
        assert len(await sent(env, "check_in")) == 1  # and no new check-in on it


async def test_a_question_before_a_pause_is_not_chased_after_it(
    db: Database, clock: FakeClock
) -> None:
    """A check-in left unanswered when the case is paused raises no alert when the pause ends."""
    async with make_env(db, clock) as env:
        await env.load(plan(commitments=CHECK_IN))
        await run_until(env, local(2026, 11, 25, 17, 30), step=timedelta(minutes=30))
        paused = plan(commitments=CHECK_IN, status="paused").replace(
            "  status: paused", "  status: paused\n  paused_until: 2026-12-10"
        )
        await env.load(paused)
        await run_until(env, local(2026, 12, 10, 2, 0), step=timedelta(hours=1))
        async with env.db.session() as session:
            assert list(await session.exec(select(Escalation))) == []
        assert env.tg.messages_to(2001) == []  # the coordinator was not woken at night
