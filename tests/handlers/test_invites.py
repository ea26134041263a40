"""Invitation links and /stop in Telegram: private chats only, one winner, older codes revoked,
a re-link told to the coordinator, and /stop ending messages to that chat."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlmodel import select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.invites import create_invite, redeem_invite
from sigbot.journal import read_journal
from sigbot.models import Case, InviteCode, Member, OutboxState
from tests.handlers.support import bot_app, feed
from tests.sigbot.env import EXAMPLE, Env, make_env
from tests.sigbot.outbox.support import read_row

NOAH_PHONE = "+46701234567"


async def _code(env: Env, key: str = "karin") -> str:
    async with env.db.session() as session:
        _, code = await create_invite(
            session, ref="ST-2026-014", member_key=key, now=env.clock.now()
        )
        await session.commit()
    return code


async def _queue(env: Env, key: str | Member, idem: str, hours: int = 0) -> int:
    member = key if isinstance(key, Member) else await env.member(key)
    async with env.db.session() as session:
        case = await session.get(Case, member.case_id)
        assert case is not None
        new = await env.messenger.to_member(
            session,
            case=case,
            member=member,
            kind="ack_yes",
            topic="reminders",
            params={},
            key=idem,
            due_at=env.clock.now() + timedelta(hours=hours),
            now=env.clock.now(),
        )
        await session.commit()
    assert new is not None
    return new


async def _journal(env: Env, ref: str = "ST-2026-014") -> list[tuple[str, str]]:
    async with env.db.session() as session:
        return [(line.kind, line.summary) for line in await read_journal(session, ref)]


async def test_a_code_in_a_group_is_not_used_up(db: Database, clock: FakeClock) -> None:
    """/start CODE in a group links nothing, gets a neutral answer, and still works privately."""
    async with make_env(db, clock) as env, bot_app(env) as app:
        await env.load()
        code = await _code(env)
        update = env.tg.push_message(-100500, f"/start {code}")
        update["message"]["chat"] = {"id": -100500, "type": "group", "title": "Klassen"}
        await feed(app, update)
        await env.dispatcher.drain()
        (answer,) = env.tg.messages_to(-100500)
        assert "privat chatt" in answer.text and "Karin" not in answer.text
        assert (await env.member("karin")).telegram_chat_id == 3001
        await feed(app, env.tg.push_message(7777, f"/start {code}"))
        assert (await env.member("karin")).telegram_chat_id == 7777


async def test_a_relink_tells_the_coordinator_and_moves_queued_messages(
    db: Database, clock: FakeClock
) -> None:
    """Karin links a new chat: Maja is told, and what was queued for the old chat goes there."""
    async with make_env(db, clock) as env, bot_app(env) as app:
        await env.load()
        queued = await _queue(env, "karin", "later", hours=1)
        await feed(app, env.tg.push_message(7777, f"/start {await _code(env)}"))
        clock.advance(timedelta(hours=1))
        await env.dispatcher.drain()
        told = [m.text for m in env.tg.messages_to(2001)]
        assert told == [
            "ST-2026-014: Karin har kopplat en ny Telegram-chatt. Meddelanden går nu "
            "dit; den tidigare chatten får inget mer."
        ]
        assert env.tg.messages_to(3001) == []
        assert len(env.tg.messages_to(7777)) == 2  # the greeting and the queued message
        assert (await read_row(env, queued)).address == "7777"
        assert (
            "invite.redeemed",
            "Karin linked a new Telegram chat; the earlier one gets nothing more",
        ) in await _journal(env)


async def test_a_new_code_revokes_the_older_one(db: Database, clock: FakeClock) -> None:
    """Of two codes made for Karin only the newer works; the journal says the older stopped."""
    async with make_env(db, clock) as env, bot_app(env) as app:
        await env.load()
        older = await _code(env)
        newer = await _code(env)
        await feed(app, env.tg.push_message(7777, f"/start {older}"))
        assert (await env.member("karin")).telegram_chat_id == 3001
        await feed(app, env.tg.push_message(7777, f"/start {newer}"))
        assert (await env.member("karin")).telegram_chat_id == 7777
        created = [s for k, s in await _journal(env) if k == "invite.created"]
        assert created[-1].endswith("; 1 older link(s) no longer work")


async def test_two_simultaneous_redemptions_one_wins(
    db: Database, clock: FakeClock, database_url: str
) -> None:
    """The same code used from two chats at once, in two engines: exactly one chat is linked."""
    async with make_env(db, clock) as env:
        await env.load()
        code = await _code(env)
    other = Database.from_url(database_url)
    try:
        async with db.session() as first, other.session() as second:
            won = await redeem_invite(first, code=code, chat_id=7777, now=clock.now())
            racing = asyncio.create_task(
                redeem_invite(second, code=code, chat_id=8888, now=clock.now())
            )
            await asyncio.sleep(0.3)  # the second waits for the first's row (PostgreSQL) or lock
            await first.commit()
            lost = await racing
            await second.commit()
    finally:
        await other.dispose()
    assert won.member is not None and lost.member is None
    assert lost.problem == "used"
    async with db.session() as session:
        karin = (await session.exec(select(Member).where(Member.key == "karin"))).one()
        invite = (await session.exec(select(InviteCode))).one()
    assert (karin.telegram_chat_id, invite.used_by_chat) == (7777, 7777)


async def _noahs(env: Env) -> list[Member]:
    async with env.db.session() as session:
        return list(await session.exec(select(Member).where(Member.key == "noah")))


async def test_stop_unlinks_the_chat_everywhere(db: Database, clock: FakeClock) -> None:
    """/stop: Noah's chat is unlinked in both cases, what was queued for it is cancelled (not
    sent by SMS instead), Maja is told in each case, Noah is answered, journaled in each case."""
    async with make_env(db, clock) as env, bot_app(env) as app:
        await env.load()
        await env.load(EXAMPLE.read_text(encoding="utf-8").replace("ST-2026-014", "ST-2026-099"))
        pending = await _queue(env, (await _noahs(env))[0], "noah-later", hours=1)
        await feed(app, env.tg.push_message(1001, "/stop"))
        clock.advance(timedelta(hours=1))
        await env.dispatcher.drain()
        (answer,) = env.tg.messages_to(1001)
        assert answer.text.startswith("Du får inga fler meddelanden här")
        assert env.tw.messages_to(NOAH_PHONE) == []
        row = await read_row(env, pending)
        assert (row.state, row.last_error) == (OutboxState.CANCELLED, "the chat sent /stop")
        assert sum("/stop" in m.text for m in env.tg.messages_to(2001)) == 2
        assert [m.telegram_chat_id for m in await _noahs(env)] == [None, None]
        for ref in ("ST-2026-014", "ST-2026-099"):
            assert (
                "telegram.stopped",
                "Noah sent /stop in Telegram: the chat is unlinked",
            ) in await _journal(env, ref)
        await _queue(env, (await _noahs(env))[0], "after")
        await env.dispatcher.drain()
        assert len(env.tw.messages_to(NOAH_PHONE)) == 1 and len(env.tg.messages_to(1001)) == 1


async def test_a_plan_naming_a_stopped_chat_does_not_reopen_it(
    db: Database, clock: FakeClock
) -> None:
    """After /stop a changed plan file that still names chat 1001 links it, but nothing goes
    there until Noah uses a new invitation link in it."""
    async with make_env(db, clock) as env, bot_app(env) as app:
        await env.load()
        await feed(app, env.tg.push_message(1001, "/stop"))
        await env.dispatcher.drain()
        await env.load(EXAMPLE.read_text(encoding="utf-8").replace("Tensta skola", "Tensta"))
        assert (await env.member("noah")).telegram_chat_id == 1001
        await _queue(env, "noah", "after-import")
        await env.dispatcher.drain()
        assert len(env.tg.messages_to(1001)) == 1  # only the answer to /stop
        assert len(env.tw.messages_to(NOAH_PHONE)) == 1
        await feed(app, env.tg.push_message(1001, f"/start {await _code(env, 'noah')}"))
        await _queue(env, "noah", "after-link")
        await env.dispatcher.drain()
        assert len(env.tg.messages_to(1001)) == 3  # the greeting and the message
