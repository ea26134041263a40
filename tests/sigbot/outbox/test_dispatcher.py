"""The outbox dispatcher through the real PTB and twilio clients against the fake servers:
sending, waiting for the due time, consent at send time, crashes, pacing per chat."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from sigbot.channels.base import Outgoing, SendResult
from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.journal import read_journal
from sigbot.models import OutboxMessage, OutboxState
from sigbot.outbox.dispatcher import Dispatcher
from tests.sigbot.env import EXAMPLE, make_env
from tests.sigbot.outbox.support import journal_kinds, queue, read_row


async def test_sends_to_telegram_and_sms_and_journals(db: Database, clock: FakeClock) -> None:
    """A due row goes out on the member's channel; provider id and journal row recorded."""
    async with make_env(db, clock) as env:
        case = await env.load()
        to_noah = await queue(env, case, "noah", "t1")
        to_leila = await queue(env, case, "leila", "t2")
        assert await env.dispatcher.drain() == 2
        assert [m.chat_id for m in env.tg.sent] == [1001]
        assert [s.to for s in env.tw.sent] == ["+46701234568"]
        assert env.tw.sent[0].status_callback == "http://sigbot.test/twilio/status"
        noah_row, leila_row = await read_row(env, to_noah), await read_row(env, to_leila)
        assert noah_row.state == OutboxState.SENT
        assert noah_row.provider_id == str(env.tg.sent[0].message_id)
        assert leila_row.provider_id == env.tw.sent[0].sid
        async with env.db.session() as session:
            lines = await read_journal(session, "ST-2026-014")
        sent = [line for line in lines if line.kind == "message.sent"]
        assert {line.member for line in sent} == {"noah", "leila"}
        assert env.tg.sent[0].text in sent[0].summary or env.tg.sent[0].text in sent[1].summary
        assert await env.dispatcher.drain() == 0  # nothing is sent twice


async def test_future_rows_wait_for_their_time(db: Database, clock: FakeClock) -> None:
    """A row due later is not sent before its time."""
    async with make_env(db, clock) as env:
        case = await env.load()
        member = await env.member("noah")
        async with env.db.session() as session:
            await env.messenger.to_member(
                session,
                case=case,
                member=member,
                kind="ack_yes",
                topic="reminders",
                params={},
                key="later",
                due_at=clock.now() + timedelta(hours=3),
                now=clock.now(),
            )
            await session.commit()
        assert await env.dispatcher.drain() == 0
        clock.advance(timedelta(hours=3))
        assert await env.dispatcher.drain() == 1
        assert len(env.tg.sent) == 1


async def test_withdrawn_consent_cancels_queued_message(db: Database, clock: FakeClock) -> None:
    """A message queued while consent held is not sent after the consent is withdrawn."""
    async with make_env(db, clock) as env:
        case = await env.load()
        outbox_id = await queue(env, case, "leila", "t1")
        withdrawn = EXAMPLE.read_text(encoding="utf-8").replace(
            "    valid_until: 2027-05-31\n",
            "    valid_until: 2027-05-31\n    withdrawn: 2026-11-25\n",
        )
        await env.load(withdrawn)
        await env.dispatcher.drain()
        row = await read_row(env, outbox_id)
        assert row.state == OutboxState.CANCELLED
        assert env.tw.sent == []
        assert "message.cancelled" in await journal_kinds(env)


class _DiesAfter:
    """A channel that lets ``n`` sends through, then 'kills the process' during the next one
    (after the provider got it, before we could record it)."""

    def __init__(self, inner: Any, n: int) -> None:
        self.inner, self.n, self.name = inner, n, inner.name

    async def send(self, message: Outgoing) -> SendResult:
        result = await self.inner.send(message)
        self.n -= 1
        if self.n < 0:
            raise SystemExit("killed")
        return result


async def test_crash_mid_batch_loses_nothing_and_repeats_only_in_flight(
    db: Database, clock: FakeClock
) -> None:
    """Killed during the 3rd of 5 sends: after restart each is sent, only the 3rd twice."""
    async with make_env(db, clock) as env:
        case = await env.load()
        for i in range(5):
            await queue(env, case, "noah", f"t{i}", kind="ack_yes")
        dying = Dispatcher(
            db=db,
            channels={"telegram": _DiesAfter(env.channels["telegram"], 2)},
            messenger=env.messenger,
            clock=clock,
        )
        with pytest.raises(SystemExit):
            await dying.drain()
        assert len(env.tg.sent) == 3
        # The restarted process waits for the dead one's lease to run out, then carries on.
        assert await env.dispatcher.drain() == 0
        clock.advance(timedelta(minutes=3))
        await env.dispatcher.drain()
        async with env.db.session() as session:
            states = [r.state for r in await session.exec(select(OutboxMessage))]
        assert states == [OutboxState.SENT] * 5
        assert len(env.tg.sent) == 6  # 5 messages, the in-flight one twice
        texts = [m.message_id for m in env.tg.sent]
        assert len(set(texts)) == 6


class _Buggy:
    """An adapter with a bug for one chat: it raises something that is not a SendError."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name = inner, inner.name

    async def send(self, message: Outgoing) -> SendResult:
        if message.address == "1001":
            raise ValueError("bug")
        result: SendResult = await self.inner.send(message)
        return result


async def test_a_row_that_breaks_is_failed_not_retried_forever(
    db: Database, clock: FakeClock
) -> None:
    """An unexpected error fails that row (journaled) and the rest of the batch still goes."""
    async with make_env(db, clock) as env:
        case = await env.load()
        broken = await queue(env, case, "noah", "t1")
        fine = await queue(env, case, "karin", "t2")
        dispatcher = Dispatcher(
            db=db,
            channels={"telegram": _Buggy(env.channels["telegram"])},
            messenger=env.messenger,
            clock=clock,
        )
        await dispatcher.drain()
        assert (await read_row(env, broken)).state == OutboxState.FAILED
        assert (await read_row(env, broken)).last_error == "internal error: ValueError"
        assert (await read_row(env, fine)).state == OutboxState.SENT
        assert "message.failed" in await journal_kinds(env)
        clock.advance(timedelta(hours=1))
        assert await dispatcher.drain() == 0


async def test_second_message_to_a_chat_waits_without_holding_others(
    db: Database, clock: FakeClock
) -> None:
    """Two messages for one chat and one for another: the other chat is not held up; the
    second message to the first chat goes a second later."""
    from sigbot.outbox.ratelimit import RateLimiter

    async with make_env(db, clock) as env:
        case = await env.load()
        first = await queue(env, case, "maja", "a1")
        second = await queue(env, case, "maja", "a2")
        other = await queue(env, case, "noah", "b1")
        monotonic = [1000.0]
        limiter = RateLimiter(None, per_address_gap=1.0, monotonic=lambda: monotonic[0])
        dispatcher = Dispatcher(
            db=db,
            channels=env.channels,
            messenger=env.messenger,
            clock=clock,
            limiters={"telegram": limiter},
        )
        await dispatcher.run_once()
        assert (await read_row(env, first)).state == OutboxState.SENT
        assert (await read_row(env, other)).state == OutboxState.SENT
        deferred = await read_row(env, second)
        assert deferred.state == OutboxState.PENDING and deferred.attempts == 0
        assert deferred.due_at == clock.now() + timedelta(seconds=1)
        monotonic[0] += 1.0
        clock.advance(timedelta(seconds=1))
        await dispatcher.drain()
        assert (await read_row(env, second)).state == OutboxState.SENT
        assert len(env.tg.messages_to(2001)) == 2
