"""Telegram for the coordinator's phone, through the real python-telegram-bot against the fake
Bot API: /today, /alerts (whose buttons acknowledge), /case REF and /help for a linked staff
account; everyone else learns nothing; each staff chat gets its own command menu."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.accounts import AccountDetails, add_account, disable_account
from sigbot.handlers.telegram_staff import publish_command_menus
from sigbot.journal import read_journal
from sigbot.models import Escalation
from tests.cheap_hashing import CHEAP_HASHER
from tests.fakes.telegram_api import SentMessage
from tests.handlers.support import PTBApp, bot_app, feed
from tests.sigbot.env import Env, make_env

REF = "ST-2026-014"
MAJA_CHAT = 2001  # maja's own chat, as the example case also knows it
PASSWORD = "correct horse battery"
# A second case with its own coordinator, Olle, who must learn nothing of the first.
OTHER_CASE = """
case:
  ref: ST-2026-031
  coordinator: olle
  status: active
members:
  - {key: ali,  role: youth,       name: Ali,  language: sv, phone: "+46709876543", channel: sms}
  - {key: olle, role: coordinator, name: Olle, language: sv, telegram_chat_id: 2101}
consent:
  - given_by: [ali]
    share_with: [olle]
    topics: [meetings, plan, reminders, escalations]
    valid_until: 2027-05-31
"""


async def staff(
    env: Env, username: str, chat: int | None, *, language: str = "en", role: str = "coordinator"
) -> None:
    """A workspace account linked to the Telegram chat ``chat``."""
    details = AccountDetails(
        username=username,
        role=role,
        name=username.title(),
        language=language,
        telegram_chat_id=chat,
    )
    async with env.db.session() as session:
        await add_account(
            session, details=details, password=PASSWORD, now=env.clock.now(), hasher=CHEAP_HASHER
        )
        await session.commit()


async def say(env: Env, app: PTBApp, chat: int, text: str) -> list[SentMessage]:
    """What the chat got back for ``text``: the bot's direct answers and anything queued."""
    before = len(env.tg.messages_to(chat))
    await feed(app, env.tg.push_message(chat, text))
    await env.dispatcher.drain()
    return env.tg.messages_to(chat)[before:]


async def miss_bup_reminder(env: Env) -> None:
    """Noah leaves the day-before BUP reminder unanswered (Wed 25 Nov, 12:02 in Stockholm)."""
    env.clock.advance(timedelta(hours=1, minutes=1))
    await env.cycle()
    env.clock.advance(timedelta(hours=2, minutes=1))
    await env.cycle()


async def account_reads(env: Env, ref: str) -> list[str]:
    """The journal's account.read lines of case ``ref``."""
    async with env.db.session() as session:
        return [
            line.summary for line in await read_journal(session, ref) if line.kind == "account.read"
        ]


async def test_today_shows_alerts_todays_events_and_misses(db: Database, clock: FakeClock) -> None:
    """/today: alerts per case, today's BUP at 10:00 Stockholm time, yesterday's miss."""
    async with make_env(db, clock) as env, bot_app(env) as app:
        await env.load()
        await staff(env, "maja", MAJA_CHAT)
        await miss_bup_reminder(env)
        clock.advance(timedelta(hours=19, minutes=28))  # Thu 26 Nov, 07:30 in Stockholm
        [answer] = await say(env, app, MAJA_CHAT, "/today")
        assert answer.text.splitlines() == [
            "Your day",
            "",
            "⚠️ Open alerts: 1. /alerts shows them with their buttons.",
            f"• {REF}: 1",
            "",
            "📅 Today:",
            f"• 10:00 {REF}: BUP (Noah), BUP Järva",
            "",
            "✗ Missed since yesterday:",
            f"• Wed 25 Nov 12:02 {REF}: Noah — BUP 2026-11-26 10:00 (no answer)",
        ]


async def test_today_with_nothing_going_on_says_so(db: Database, clock: FakeClock) -> None:
    """A quiet day reads as three short "none" lines, not as an empty message."""
    async with make_env(db, clock) as env, bot_app(env) as app:
        await env.load()
        await staff(env, "maja", MAJA_CHAT)
        [answer] = await say(env, app, MAJA_CHAT, "/today")
        assert answer.text == "\n".join(
            [
                "Your day",
                "",
                "✓ No open alerts.",
                "",
                "📅 Nothing planned today.",
                "",
                "✓ Nothing missed since yesterday.",
            ]
        )


async def test_alerts_come_with_buttons_that_acknowledge(db: Database, clock: FakeClock) -> None:
    """/alerts resends the alert with its own buttons, and Acknowledge acknowledges it."""
    async with make_env(db, clock) as env, bot_app(env) as app:
        await env.load()
        await staff(env, "maja", MAJA_CHAT)
        await miss_bup_reminder(env)
        [alert] = await say(env, app, MAJA_CHAT, "/alerts")
        assert alert.text.startswith(f"⚠️ {REF}: Noah — BUP")
        assert alert.text.endswith("Opened Wed 25 Nov 12:02.")
        assert alert.reply_markup is not None
        [buttons] = alert.reply_markup["inline_keyboard"]
        assert [b["text"] for b in buttons] == ["Acknowledge", "I'll call", "Call a meeting"]
        await feed(
            app, env.tg.push_callback(MAJA_CHAT, buttons[0]["callback_data"], alert.message_id)
        )
        async with env.db.session() as session:
            escalation = (await session.exec(select(Escalation))).one()
        assert (escalation.acknowledged_by, escalation.action) == ("maja", "ack")
        [none] = await say(env, app, MAJA_CHAT, "/alerts")
        assert none.text == "No open alerts in your cases."
        assert none.reply_markup is None


CASE_EN = f"""{REF}: active since Wed 25 Nov 09:00
Next: BUP, Thu 26 Nov 10:00, BUP Järva
Open alerts: 0
Plan version 1: 0 kept, 0 missed, 4 open; check-ins 0 kept, 0 missed
Last heard from the family: Wed 25 Nov 09:30"""
CASE_SV = f"""{REF}: aktivt sedan ons 25 nov. 09:00
Nästa: BUP, tors 26 nov. 10:00, BUP Järva
Öppna larm: 0
Plan version 1: 0 hållna, 0 missade, 4 pågående; avstämningar 0 hållna, 0 missade
Senast hört från familjen: ons 25 nov. 09:30"""


@pytest.mark.parametrize(
    ("language", "expected"),
    [pytest.param("en", CASE_EN, id="en"), pytest.param("sv", CASE_SV, id="sv")],
)
async def test_case_summary_is_journaled(
    db: Database, clock: FakeClock, language: str, expected: str
) -> None:
    """/case REF sums the case up in the account's language and the case's zone, journaled."""
    async with make_env(db, clock) as env, bot_app(env) as app:
        await env.load()
        await staff(env, "maja", MAJA_CHAT, language=language)
        clock.advance(timedelta(minutes=30))
        await feed(app, env.tg.push_message(1001, "hej"))  # Noah writes at 09:30
        await env.dispatcher.drain()
        [answer] = await say(env, app, MAJA_CHAT, f"/case {REF}")
        assert answer.text == expected
        assert await account_reads(env, REF) == ["Maja (maja) read: Telegram: /case"]


async def test_case_of_another_coordinator_reads_as_unknown(db: Database, clock: FakeClock) -> None:
    """Another coordinator's case reads exactly like one that does not exist, unjournaled."""
    async with make_env(db, clock) as env, bot_app(env) as app:
        await env.load()
        await env.load(OTHER_CASE)
        await staff(env, "maja", MAJA_CHAT)
        [theirs] = await say(env, app, MAJA_CHAT, "/case ST-2026-031")
        [nobodys] = await say(env, app, MAJA_CHAT, "/case ST-2099-999")
        assert theirs.text == nobodys.text == "You have no case with that reference."
        assert await account_reads(env, "ST-2026-031") == []
        [usage] = await say(env, app, MAJA_CHAT, "/case")
        assert usage.text == "Write the case reference after the command: /case ST-2026-014"
        await staff(env, "olle", 2101)
        [olles] = await say(env, app, 2101, f"/case {REF}")
        assert olles.text == nobodys.text
        assert await account_reads(env, REF) == []


async def test_help_lists_the_commands_and_sets_the_menu(db: Database, clock: FakeClock) -> None:
    """/help names the four staff commands and gives the chat its menu at once."""
    async with make_env(db, clock) as env, bot_app(env) as app:
        await env.load()
        await staff(env, "maja", MAJA_CHAT)
        [answer] = await say(env, app, MAJA_CHAT, "/help")
        commands = [line.split(" — ")[0] for line in answer.text.splitlines()[1:]]
        assert commands == ["/today", "/alerts", "/case", "/help"]
        assert [scope for _, scope in menus(env)] == [{"type": "chat", "chat_id": MAJA_CHAT}]


def menus(env: Env) -> list[tuple[list[dict[str, Any]], dict[str, Any]]]:
    """The setMyCommands calls the fake Bot API got: (commands, scope)."""
    return [
        (params["commands"], params.get("scope", {"type": "default"}))
        for method, params in env.tg.requests
        if method == "setMyCommands"
    ]


async def disabled_maja(env: Env) -> int:
    """Maja's account, disabled: her chat is no staff chat any more."""
    await staff(env, "maja", MAJA_CHAT)
    async with env.db.session() as session:
        await disable_account(session, username="maja", now=env.clock.now())
        await session.commit()
    return MAJA_CHAT


async def family_chat(env: Env) -> int:
    return 1001  # Noah's linked chat


async def stranger_chat(env: Env) -> int:
    return 5555


@pytest.mark.parametrize(
    "who",
    [
        pytest.param(family_chat, id="family"),
        pytest.param(stranger_chat, id="stranger"),
        pytest.param(disabled_maja, id="disabled-staff"),
    ],
)
async def test_anyone_else_gets_the_unknown_command_answer(
    db: Database, clock: FakeClock, who: Callable[[Env], Awaitable[int]]
) -> None:
    """Family, strangers and disabled accounts get what /nonsense gets, and learn nothing;
    their /help is the family's: what the bot does (a stranger: that it does not know them)."""
    async with make_env(db, clock) as env, bot_app(env) as app:
        await env.load()
        await staff(env, "jonas", 2002)  # the backup: an account that sees the case
        await miss_bup_reminder(env)
        chat = await who(env)
        unknown = [m.text for m in await say(env, app, chat, "/nonsense")]
        for command in ("/today", "/alerts", f"/case {REF}"):
            answered = [m.text for m in await say(env, app, chat, command)]
            assert answered == unknown, command
            assert not any(REF in text or "BUP" in text for text in answered)
        helped = [m.text for m in await say(env, app, chat, "/help")]
        assert not any(REF in text or "BUP" in text for text in helped)
        expected = {family_chat: "SIG-grupp", stranger_chat: "känner inte igen dig"}.get(who)
        assert [expected in text for text in helped] == ([True] if expected else [])
        assert await account_reads(env, REF) == []
        assert menus(env) == []


async def test_each_staff_chat_gets_its_own_menu(db: Database, clock: FakeClock) -> None:
    """Active staff chats get the menu in their language; a disabled account's chat loses it."""
    async with make_env(db, clock) as env:
        await env.load()
        await staff(env, "maja", MAJA_CHAT, language="sv")
        await staff(env, "jonas", 2002, language="en")
        await staff(env, "ada", None, role="admin")
        await staff(env, "olof", 2900)
        async with env.db.session() as session:
            await disable_account(session, username="olof", now=clock.now())
            await session.commit()
        assert await publish_command_menus(env.bot, env.db) == 2
        by_chat = {scope["chat_id"]: commands for commands, scope in menus(env)}
        assert [scope["type"] for _, scope in menus(env)] == ["chat", "chat"]
        assert sorted(by_chat) == [MAJA_CHAT, 2002]
        for commands in by_chat.values():
            assert [c["command"] for c in commands] == ["today", "alerts", "case", "help"]
        assert by_chat[MAJA_CHAT][0]["description"].startswith("Din dag")
        assert by_chat[2002][0]["description"].startswith("Your day")
        removed = [p["scope"] for m, p in env.tg.requests if m == "deleteMyCommands"]
        assert removed == [{"type": "chat", "chat_id": 2900}]
