"""The address is checked when a message goes, not only when it was queued: STOP (SMS) holds
for what was queued before it, a changed number or re-linked chat gets the message instead of
the old one, and a member who left or has no address left gets nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.inbound import Incoming
from sigbot.domain.members import (
    MemberDetails,
    link_telegram_chat,
    remove_member,
    unlink_telegram_chat,
    update_member,
)
from sigbot.journal import read_journal
from sigbot.models import Case, Member, OutboxState
from sigbot.outbox.store import mark_address
from tests.sigbot.env import EXAMPLE, Env, make_env
from tests.sigbot.outbox.support import read_row

LEILA = "+46701234568"
NOAH_PHONE = "+46701234567"


async def _queue(
    env: Env,
    case: Case,
    key: str,
    idem: str,
    *,
    kind: str = "ack_yes",
    params: dict[str, Any] | None = None,
    due: datetime | None = None,
) -> int:
    async with env.db.session() as session:
        member = (
            await session.exec(select(Member).where(Member.case_id == case.id, Member.key == key))
        ).one()
        new = await env.messenger.to_member(
            session,
            case=case,
            member=member,
            kind=kind,
            topic="reminders",
            params=params or {"coordinator": "Maja"},
            key=idem,
            due_at=due or env.clock.now(),
            now=env.clock.now(),
        )
        await session.commit()
    assert new is not None
    return new


async def _lines(env: Env, ref: str = "ST-2026-014", kind: str | None = None) -> list[str]:
    async with env.db.session() as session:
        lines = await read_journal(session, ref)
    return [line.summary for line in lines if kind is None or line.kind == kind]


async def _second_case(env: Env) -> Case:
    return await env.load(EXAMPLE.read_text(encoding="utf-8").replace("ST-2026-014", "ST-2026-099"))


async def test_stop_cancels_what_is_queued_for_the_number_in_every_case(
    db: Database, clock: FakeClock
) -> None:
    """STOP: reminders queued for the number in two cases are cancelled, one journal line each."""
    async with make_env(db, clock) as env:
        first, second = await env.load(), await _second_case(env)
        later = clock.now() + timedelta(hours=3)
        ids = [await _queue(env, c, "leila", f"later|{c.ref}", due=later) for c in (first, second)]
        await env.inbound.handle(Incoming("sms", LEILA, "STOP", "SM1"))
        clock.advance(timedelta(hours=3))
        await env.dispatcher.drain()
        assert env.tw.messages_to(LEILA) == []
        for outbox_id in ids:
            row = await read_row(env, outbox_id)
            assert (row.state, row.last_error) == (OutboxState.CANCELLED, "the number sent STOP")
        for ref in ("ST-2026-014", "ST-2026-099"):
            assert await _lines(env, ref, "message.cancelled") == [
                "ack_yes cancelled for Leila via sms (the number sent STOP)"
            ]
        assert sum("STOP" in m.text for m in env.tg.messages_to(2001)) == 2  # Maja, each case


async def test_start_does_not_bring_cancelled_messages_back(db: Database, clock: FakeClock) -> None:
    """After STOP then START the cancelled reminder stays cancelled; new messages go again."""
    async with make_env(db, clock) as env:
        case = await env.load()
        old = await _queue(env, case, "leila", "old", due=clock.now() + timedelta(hours=1))
        await env.inbound.handle(Incoming("sms", LEILA, "STOP", "SM1"))
        await env.inbound.handle(Incoming("sms", LEILA, "START", "SM2"))
        clock.advance(timedelta(hours=1))
        await env.dispatcher.drain()
        assert (await read_row(env, old)).state == OutboxState.CANCELLED
        assert env.tw.messages_to(LEILA) == []
        new = await _queue(env, case, "leila", "new")
        await env.dispatcher.drain()
        assert (await read_row(env, new)).state == OutboxState.SENT
        assert len(env.tw.messages_to(LEILA)) == 1


async def test_an_opted_out_number_is_checked_at_send_time(db: Database, clock: FakeClock) -> None:
    """A row already queued when the number was marked opted out does not go to Twilio."""
    async with make_env(db, clock) as env:
        case = await env.load()
        outbox_id = await _queue(env, case, "leila", "t1")
        async with env.db.session() as session:
            await mark_address(
                session,
                channel="sms",
                address=LEILA,
                unusable=True,
                reason="opted_out",
                now=clock.now(),
            )
            await session.commit()
        await env.dispatcher.drain()
        assert env.tw.requests == []
        row = await read_row(env, outbox_id)
        assert (row.state, row.last_error) == (OutboxState.CANCELLED, "the sms address opted out")
        assert "message.cancelled" in [k for k in await _kinds(env)]


async def _kinds(env: Env) -> list[str]:
    async with env.db.session() as session:
        return [line.kind for line in await read_journal(session, "ST-2026-014")]


async def test_an_unknown_number_that_said_stop_gets_no_answer(
    db: Database, clock: FakeClock
) -> None:
    """A number in no case that sent STOP gets no neutral answer when it writes again."""
    async with make_env(db, clock) as env:
        await env.load()
        await env.inbound.handle(Incoming("sms", "+46709990000", "STOP", "SM1"))
        await env.inbound.handle(Incoming("sms", "+46709990000", "hej", "SM2"))
        await env.dispatcher.drain()
        assert env.tw.requests == []


async def test_a_changed_number_gets_the_queued_message(db: Database, clock: FakeClock) -> None:
    """Leila's number changes after a message was queued: it goes to the new number only."""
    async with make_env(db, clock) as env:
        case = await env.load()
        outbox_id = await _queue(env, case, "leila", "t1", due=clock.now() + timedelta(hours=1))
        async with env.db.session() as session:
            leila = await session.get(Member, (await env.member("leila")).id)
            assert leila is not None
            details = MemberDetails("guardian", "Leila", "en", phone="+46709999999", channel="sms")
            await update_member(session, member=leila, details=details, now=clock.now())
            await session.commit()
        clock.advance(timedelta(hours=1))
        await env.dispatcher.drain()
        assert env.tw.messages_to(LEILA) == []
        assert len(env.tw.messages_to("+46709999999")) == 1
        assert (await read_row(env, outbox_id)).address == "+46709999999"
        rerouted = await _lines(env, kind="message.rerouted")
        assert rerouted == [
            "ack_yes re-addressed for Leila via sms (the sms address changed; "
            "sending to the current one)"
        ]  # the journal names no number


async def _change(env: Env, key: str, change: str, value: int | None = None) -> None:
    async with env.db.session() as session:
        member = await session.get(Member, (await env.member(key)).id)
        assert member is not None
        now = env.clock.now()
        if change == "link":
            assert value is not None
            await link_telegram_chat(session, member=member, chat_id=value, now=now)
        elif change == "unlink":
            await unlink_telegram_chat(session, member=member, now=now)
        else:
            case = await session.get(Case, member.case_id)
            assert case is not None
            await remove_member(session, case=case, member=member, now=now)
        await session.commit()


async def test_a_relinked_chat_gets_the_queued_message(db: Database, clock: FakeClock) -> None:
    """Noah links another chat after a message was queued: it goes there, not to the old chat."""
    async with make_env(db, clock) as env:
        case = await env.load()
        await _queue(env, case, "noah", "t1", due=clock.now() + timedelta(hours=1))
        await _change(env, "noah", "link", 4242)
        clock.advance(timedelta(hours=1))
        await env.dispatcher.drain()
        assert env.tg.messages_to(1001) == []
        assert len(env.tg.messages_to(4242)) == 1


async def test_an_unlinked_chat_falls_back_to_sms_with_the_sms_text(
    db: Database, clock: FakeClock
) -> None:
    """Noah's chat is gone: the queued reminder goes by SMS, in the discreet SMS wording."""
    async with make_env(db, clock) as env:
        case = await env.load()
        params = {
            "what": "BUP",
            "place": "BUP Järva",
            "when_utc": "2026-11-26T09:00:00+00:00",
            "tz": "Europe/Stockholm",
        }
        await _queue(env, case, "noah", "t1", kind="appointment_reminder", params=params)
        await _change(env, "noah", "unlink")
        await env.dispatcher.drain()
        assert env.tg.messages_to(1001) == []
        (sms,) = env.tw.messages_to(NOAH_PHONE)
        assert sms.body.startswith("Påminnelse") and "BUP" not in sms.body


async def test_a_member_who_left_gets_nothing(db: Database, clock: FakeClock) -> None:
    """A message queued for Leila before she left the case is cancelled and journaled."""
    async with make_env(db, clock) as env:
        case = await env.load()
        outbox_id = await _queue(env, case, "leila", "t1", due=clock.now() + timedelta(hours=1))
        await _change(env, "leila", "remove")
        clock.advance(timedelta(hours=1))
        await env.dispatcher.drain()
        assert env.tw.requests == []
        row = await read_row(env, outbox_id)
        assert (row.state, row.last_error) == (OutboxState.CANCELLED, "no longer in the case")
        assert "ack_yes cancelled for Leila via sms (no longer in the case)" in await _lines(env)


async def test_no_address_left_cancels_and_journals(db: Database, clock: FakeClock) -> None:
    """Karin has only Telegram; once her chat is unlinked her queued message is cancelled."""
    async with make_env(db, clock) as env:
        case = await env.load()
        outbox_id = await _queue(env, case, "karin", "t1")
        await _change(env, "karin", "unlink")
        await env.dispatcher.drain()
        assert env.tg.messages_to(3001) == []
        row = await read_row(env, outbox_id)
        assert (row.state, row.last_error) == (OutboxState.CANCELLED, "no usable address any more")
