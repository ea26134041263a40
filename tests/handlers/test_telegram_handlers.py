"""The Telegram handlers in a real python-telegram-bot Application against the fake Bot API."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.invites import create_invite
from sigbot.models import Appointment, Escalation, Member
from tests.handlers.support import bot_app, feed
from tests.sigbot.env import make_env


async def test_start_with_invite_links_the_chat_once(db: Database, clock: FakeClock) -> None:
    """/start CODE ties the chat to the member; the same code later is refused politely."""
    async with make_env(db, clock) as env, bot_app(env) as app:
        await env.load()
        async with env.db.session() as session:
            _, code = await create_invite(
                session, ref="ST-2026-014", member_key="karin", now=clock.now()
            )
            await session.commit()
        await feed(app, env.tg.push_message(7777, f"/start {code}"))
        await env.dispatcher.drain()
        karin = await env.member("karin")
        assert karin.telegram_chat_id == 7777
        assert "Karin" in env.tg.messages_to(7777)[-1].text
        await feed(app, env.tg.push_message(8888, f"/start {code}"))
        await env.dispatcher.drain()
        refused = env.tg.messages_to(8888)
        assert len(refused) == 1 and "Karin" not in refused[0].text
        assert (await env.member("karin")).telegram_chat_id == 7777


async def test_expired_invite_is_refused(db: Database, clock: FakeClock) -> None:
    """A code older than seven days links nothing."""
    async with make_env(db, clock) as env, bot_app(env) as app:
        await env.load()
        async with env.db.session() as session:
            _, code = await create_invite(
                session, ref="ST-2026-014", member_key="karin", now=clock.now()
            )
            await session.commit()
        clock.advance(timedelta(days=7, seconds=1))
        await feed(app, env.tg.push_message(7777, f"/start {code}"))
        assert (await env.member("karin")).telegram_chat_id == 3001


async def test_button_answers_the_reminder(db: Database, clock: FakeClock) -> None:
    """Pressing 'I'm coming' records the answer and removes the buttons."""
    async with make_env(db, clock) as env, bot_app(env) as app:
        await env.load()
        clock.advance(timedelta(hours=1, minutes=1))  # BUP reminder (P1D) is due
        await env.cycle()
        reminder = next(m for m in env.tg.messages_to(1001) if "BUP" in m.text)
        assert reminder.reply_markup is not None
        yes = reminder.reply_markup["inline_keyboard"][0][0]["callback_data"]
        await feed(app, env.tg.push_callback(1001, yes, reminder.message_id))
        methods = [method for method, _ in env.tg.requests]
        assert "answerCallbackQuery" in methods and "editMessageReplyMarkup" in methods
        async with env.db.session() as session:
            bup = (await session.exec(select(Appointment).where(Appointment.what == "BUP"))).one()
        assert bup.answer == "yes"


async def test_coordinator_acknowledges_with_a_button(db: Database, clock: FakeClock) -> None:
    """The coordinator's 'I'll call' button acknowledges the escalation, journaled."""
    async with make_env(db, clock) as env, bot_app(env) as app:
        await env.load()
        clock.advance(timedelta(minutes=1))
        await env.cycle()
        await feed(app, env.tg.push_message(1001, "2"))  # Noah: I need help
        await env.dispatcher.drain()
        alert = env.tg.messages_to(2001)[-1]
        assert alert.reply_markup is not None
        call = alert.reply_markup["inline_keyboard"][0][1]["callback_data"]
        await feed(app, env.tg.push_callback(2001, call, alert.message_id))
        async with env.db.session() as session:
            escalation = (await session.exec(select(Escalation))).one()
        assert (escalation.acknowledged_by, escalation.action) == ("maja", "call")
        # Someone who is not a coordinator of the case cannot acknowledge it.
        await feed(app, env.tg.push_callback(1001, call.replace(":c:", ":a:"), 1))
        async with env.db.session() as session:
            assert (await session.exec(select(Escalation))).one().action == "call"


async def test_text_from_unknown_chat_gets_neutral_answer(db: Database, clock: FakeClock) -> None:
    """A stranger writing to the bot learns nothing about any case."""
    async with make_env(db, clock) as env, bot_app(env) as app:
        await env.load()
        await feed(app, env.tg.push_message(5555, "hej vem är du"))
        await env.dispatcher.drain()
        answer = env.tg.messages_to(5555)
        assert len(answer) == 1
        assert "Noah" not in answer[0].text and "ST-2026" not in answer[0].text
        async with env.db.session() as session:
            members = (
                await session.exec(select(Member).where(Member.telegram_chat_id == 5555))
            ).all()
        assert members == []
