"""What becomes of a failed send: retried after 429 and 5xx, given up with a word to the
coordinator, or falling back to the other channel when an address is unusable."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.models import ContactAddress, OutboxState
from sigbot.outbox.dispatcher import DispatchPolicy
from tests.sigbot.env import make_env
from tests.sigbot.outbox.support import journal_kinds, queue, read_row


async def test_429_waits_retry_after_then_sends_once(db: Database, clock: FakeClock) -> None:
    """Telegram's 429 retry_after is obeyed: the row waits, then goes out exactly once."""
    async with make_env(db, clock) as env:
        case = await env.load()
        outbox_id = await queue(env, case, "noah", "t1")
        env.tg.fail(status=429, retry_after=7)
        await env.dispatcher.drain()
        row = await read_row(env, outbox_id)
        assert row.state == OutboxState.PENDING
        assert row.due_at == clock.now() + timedelta(seconds=7)
        assert "retry after 7" in (row.last_error or "")
        assert await env.dispatcher.drain() == 0
        clock.advance(timedelta(seconds=7))
        await env.dispatcher.drain()
        assert (await read_row(env, outbox_id)).state == OutboxState.SENT
        assert len(env.tg.sent) == 1
        assert (await journal_kinds(env)).count("message.retry") == 1


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param({"status": 500}, id="telegram-500"),
        pytest.param({"delay": 1.0}, id="telegram-timeout"),
    ],
)
async def test_temporary_failure_is_retried_with_backoff(
    db: Database, clock: FakeClock, failure: dict[str, Any]
) -> None:
    """5xx and time-outs are retried after a growing pause, then succeed."""
    async with make_env(db, clock, read_timeout=0.5) as env:
        case = await env.load()
        outbox_id = await queue(env, case, "noah", "t1")
        if "delay" in failure:
            env.tg.delay(seconds=failure["delay"])
        else:
            env.tg.fail(status=failure["status"])
        await env.dispatcher.drain()
        row = await read_row(env, outbox_id)
        assert row.state == OutboxState.PENDING and row.attempts == 1
        assert row.due_at == clock.now() + timedelta(seconds=10)
        clock.advance(timedelta(seconds=10))
        await env.dispatcher.drain()
        assert (await read_row(env, outbox_id)).state == OutboxState.SENT


async def test_failing_provider_gives_up_and_tells_coordinator(
    db: Database, clock: FakeClock
) -> None:
    """After the last attempt the row fails and the coordinator hears whom we could not reach."""
    async with make_env(db, clock, policy=DispatchPolicy(max_attempts=3)) as env:
        case = await env.load()
        outbox_id = await queue(env, case, "leila", "t1")
        env.tw.fail(status=500, code=20500, message="Internal", times=10)
        for _ in range(3):
            await env.dispatcher.drain()
            clock.advance(timedelta(minutes=5))
        row = await read_row(env, outbox_id)
        assert row.state == OutboxState.FAILED and row.attempts == 3
        await env.dispatcher.drain()
        to_maja = env.tg.messages_to(2001)
        assert len(to_maja) == 1 and "Leila" in to_maja[0].text
        assert "+4670" not in to_maja[0].text  # the coordinator needs no number in the alert


async def test_blocked_bot_falls_back_to_sms_and_tells_coordinator(
    db: Database, clock: FakeClock
) -> None:
    """403 from Telegram: no retry there, chat marked, same message by SMS, coordinator told."""
    async with make_env(db, clock) as env:
        case = await env.load()
        outbox_id = await queue(env, case, "noah", "t1")
        env.tg.fail(status=403, chat_id=1001)
        await env.dispatcher.drain()
        assert (await read_row(env, outbox_id)).state == OutboxState.FAILED
        assert [s.to for s in env.tw.sent] == ["+46701234567"]
        assert len(env.tg.messages_to(2001)) == 1  # Maja is told
        async with env.db.session() as session:
            marked = (
                await session.exec(select(ContactAddress).where(col(ContactAddress.unusable)))
            ).one()
        assert (marked.channel, marked.address, marked.unusable_reason) == (
            "telegram",
            "1001",
            "blocked",
        )
        # The next message to Noah goes straight to SMS.
        await queue(env, case, "noah", "t2")
        await env.dispatcher.drain()
        assert len(env.tg.messages_to(1001)) == 0
        assert len(env.tw.messages_to("+46701234567")) == 2


@pytest.mark.parametrize(
    ("code", "reason"),
    [pytest.param(21610, "opted_out", id="opted-out"), pytest.param(21211, "invalid", id="bad")],
)
async def test_permanent_sms_errors_are_not_retried(
    db: Database, clock: FakeClock, code: int, reason: str
) -> None:
    """21610/21211: no retry; Leila has no Telegram, so the coordinator is told."""
    async with make_env(db, clock) as env:
        case = await env.load()
        outbox_id = await queue(env, case, "leila", "t1")
        env.tw.fail(status=400, code=code, message="nope")
        await env.dispatcher.drain()
        clock.advance(timedelta(hours=1))
        await env.dispatcher.drain()
        row = await read_row(env, outbox_id)
        assert row.state == OutboxState.FAILED and row.attempts == 1
        assert len(env.tw.requests) == 1
        alerts = env.tg.messages_to(2001)
        assert len(alerts) == 1 and "Leila" in alerts[0].text
        async with env.db.session() as session:
            marked = (await session.exec(select(ContactAddress))).one()
        assert marked.unusable_reason == reason
