"""A staff account whose chat is not the case's (a team lead who sees the case through their
team) acknowledges from the buttons /alerts sends, as its account."""

from __future__ import annotations

from sqlmodel import select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.accounts import AccountDetails, add_account
from sigbot.models import Escalation
from tests.cheap_hashing import CHEAP_HASHER
from tests.handlers.support import bot_app, feed
from tests.handlers.test_telegram_staff import PASSWORD, miss_bup_reminder, say
from tests.sigbot.env import Env, make_env

LEAD_CHAT = 4001


async def _account(env: Env, username: str, role: str, chat: int | None) -> None:
    details = AccountDetails(
        username=username, role=role, name=username.title(), team="north", telegram_chat_id=chat
    )
    async with env.db.session() as session:
        await add_account(
            session, details=details, password=PASSWORD, now=env.clock.now(), hasher=CHEAP_HASHER
        )
        await session.commit()


async def test_a_team_lead_acknowledges_from_the_alerts_buttons(
    db: Database, clock: FakeClock
) -> None:
    """Tove leads team north (Maja's); she is no member of the case, yet her button press
    acknowledges the alert in her name; a stranger's press of the same button does nothing."""
    async with make_env(db, clock) as env, bot_app(env) as app:
        await env.load()
        await _account(env, "maja", "coordinator", None)
        await _account(env, "tove", "team_lead", LEAD_CHAT)
        await miss_bup_reminder(env)
        [alert] = await say(env, app, LEAD_CHAT, "/alerts")
        assert alert.reply_markup is not None
        [buttons] = alert.reply_markup["inline_keyboard"]
        await feed(app, env.tg.push_callback(9999, buttons[1]["callback_data"], alert.message_id))
        async with env.db.session() as session:
            untouched = (await session.exec(select(Escalation))).one()
        assert untouched.acknowledged_at is None
        await feed(
            app, env.tg.push_callback(LEAD_CHAT, buttons[1]["callback_data"], alert.message_id)
        )
        async with env.db.session() as session:
            escalation = (await session.exec(select(Escalation))).one()
        assert (escalation.acknowledged_by, escalation.action) == ("tove", "call")
