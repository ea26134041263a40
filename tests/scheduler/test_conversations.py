"""Conversations that work: the day-before reminder asks for a plan to get there, a "yes" turns
the later reminders into "see you", and after the appointment the young person is asked whether
they went, so "kept" is known and not guessed."""

from __future__ import annotations

from sqlmodel import select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.inbound import Incoming
from sigbot.models import Appointment, Escalation, EventStatus
from tests.scheduler.flow import BUP, journal, local, press, run_until, sent
from tests.scheduler.plans import plan
from tests.sigbot.env import make_env


async def _appointment(env_db: Database) -> Appointment:
    async with env_db.session() as session:
        return (await session.exec(select(Appointment))).one()


async def test_a_plan_to_get_there_is_kept_and_the_next_reminder_only_says_see_you(
    db: Database, clock: FakeClock
) -> None:
    async with make_env(db, clock) as env:
        await env.load(plan(appointments=BUP))
        await run_until(env, local(2026, 11, 25, 18, 5))
        asked = env.tg.messages_to(1001)[-1]
        assert "Hur tar du dig dit" in asked.text
        await env.inbound.handle(Incoming("telegram", "1001", "Bussen 9.15 från Tensta", "tg-p"))
        await env.dispatcher.drain()
        assert env.tg.messages_to(1001)[-1].text == "Tack, det låter som en bra plan!"
        kinds = dict(await journal(env))
        assert "Bussen 9.15 från Tensta" in kinds["answer.plan"]
        assert (await _appointment(db)).answer == "yes"  # a plan to get there is a plan to come
        await run_until(env, local(2026, 11, 26, 8, 5))
        see_you = env.tg.messages_to(1001)[-1]
        assert see_you.text == "Vi ses tors 26 nov. 10:00: BUP, BUP Järva."
        assert see_you.reply_markup is None  # nothing more to answer
        async with db.session() as session:
            assert (await session.exec(select(Escalation))).first() is None


async def test_after_the_appointment_a_yes_marks_it_kept(db: Database, clock: FakeClock) -> None:
    async with make_env(db, clock) as env:
        await env.load(plan(appointments=BUP))
        await run_until(env, local(2026, 11, 26, 12, 5))
        (question,) = await sent(env, "appointment_follow_up")
        assert question.sent_at == local(2026, 11, 26, 12, 0)
        shown = env.tg.messages_to(1001)[-1]
        assert shown.text == "Gick du till BUP tors 26 nov. 10:00?"
        assert shown.reply_markup is not None
        labels = [b["text"] for row in shown.reply_markup["inline_keyboard"] for b in row]
        assert labels == ["Jag gick dit", "Jag gick inte", "Jag behöver hjälp"]
        await press(env, question, "1")
        assert (await _appointment(db)).status == EventStatus.KEPT


async def test_after_the_appointment_a_no_marks_it_missed_and_tells_the_coordinator(
    db: Database, clock: FakeClock
) -> None:
    async with make_env(db, clock) as env:
        await env.load(plan(appointments=BUP))
        await run_until(env, local(2026, 11, 26, 12, 5))
        (question,) = await sent(env, "appointment_follow_up")
        await press(env, question, "3")
        await env.dispatcher.drain()
        assert (await _appointment(db)).status == EventStatus.MISSED
        assert "gick inte dit" in env.tg.messages_to(2001)[-1].text


async def test_no_did_you_go_question_after_a_cant_come(db: Database, clock: FakeClock) -> None:
    async with make_env(db, clock) as env:
        await env.load(plan(appointments=BUP))
        await run_until(env, local(2026, 11, 25, 18, 5))
        (reminder,) = await sent(env, "appointment_reminder")
        await press(env, reminder, "3")
        await run_until(env, local(2026, 11, 26, 13, 0))
        assert await sent(env, "appointment_follow_up") == []
