"""The dispatcher works in batches: one transaction to check a batch, one to record it, the sends
in between several at a time but never two to one chat, through the real PTB and twilio
clients against the fake servers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import event

from sigbot.channels.base import Outgoing, SendResult
from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.models import MessageKind, OutboxMessage, OutboxState, SubjectType
from sigbot.outbox.dispatcher import Dispatcher, DispatchPolicy
from sigbot.outbox.store import insert_once, later_reminders_query
from tests.scheduler.test_query_plans import assert_indexed, plan_of
from tests.sigbot.env import Env, make_env
from tests.sigbot.outbox.support import journal_kinds, queue, read_row


async def _to_addresses(env: Env, channel: str, addresses: list[str], tag: str) -> list[int]:
    """One row per address (repeats allowed), outside any case; the text names the row."""
    ids = []
    async with env.db.session() as session:
        for n, address in enumerate(addresses):
            new = await insert_once(
                session,
                OutboxMessage(
                    idempotency_key=f"{tag}{n}",
                    channel=channel,
                    address=address,
                    topic="system",
                    kind="unknown_sender",
                    body=f"{tag}{n}",
                    due_at=env.clock.now() - timedelta(seconds=1),
                    created_at=env.clock.now(),
                ),
            )
            assert new is not None
            ids.append(new)
        await session.commit()
    return ids


@contextmanager
def counting(db: Database) -> Iterator[Counter[str]]:
    """Counts transactions begun and committed, and statements by their first word."""
    seen: Counter[str] = Counter()
    engine = db.engine.sync_engine

    def begun(*_: Any) -> None:
        seen["begin"] += 1

    def committed(*_: Any) -> None:
        seen["commit"] += 1

    def statement(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        seen[sql.split(None, 1)[0].upper()] += 1

    listeners = [("begin", begun), ("commit", committed), ("before_cursor_execute", statement)]
    for name, fn in listeners:
        event.listen(engine, name, fn)
    try:
        yield seen
    finally:
        for name, fn in listeners:
            event.remove(engine, name, fn)


class _Watched:
    """The real channel, watched: sends in flight overall and per address; optionally it
    breaks for one address (our own bug) or does something when the first send starts."""

    def __init__(self, inner: Any, broken: str | None = None, on_first: Any = None) -> None:
        self.inner, self.name, self.broken, self.on_first = inner, inner.name, broken, on_first
        self.now: Counter[str] = Counter()
        self.most = self.most_per_address = self.calls = 0

    async def send(self, message: Outgoing) -> SendResult:
        self.calls += 1
        if self.calls == 1 and self.on_first is not None:
            self.on_first()
        if message.address == self.broken:
            raise ValueError("bug")
        self.now[message.address] += 1
        self.most = max(self.most, sum(self.now.values()))
        self.most_per_address = max(self.most_per_address, self.now[message.address])
        try:
            result: SendResult = await self.inner.send(message)
            return result
        finally:
            self.now[message.address] -= 1


def _dispatcher(env: Env, telegram: Any, in_flight: int = 16) -> Dispatcher:
    return Dispatcher(
        db=env.db,
        channels={"telegram": telegram, "sms": env.sms},
        messenger=env.messenger,
        clock=env.clock,
        policy=DispatchPolicy(batch_size=50, in_flight=in_flight),
    )


async def test_a_batch_is_sent_once_each_in_three_transactions(
    db: Database, clock: FakeClock
) -> None:
    """Claim, check and record take one transaction each, and the check and record read the
    same number of times for 4 rows as for 16; every row reaches its chat or phone once."""
    async with make_env(db, clock) as env:
        chats = await _to_addresses(env, "telegram", [str(5000 + n) for n in range(3)], "a")
        phones = await _to_addresses(env, "sms", ["+46705550001"], "b")
        with counting(db) as small:
            assert await env.dispatcher.run_once() == 4
        more = await _to_addresses(env, "telegram", [str(6000 + n) for n in range(12)], "c")
        more += await _to_addresses(env, "sms", [f"+4670555100{n}" for n in range(4)], "d")
        with counting(db) as large:
            assert await env.dispatcher.run_once() == 16
        for seen in (small, large):
            assert (seen["begin"], seen["commit"]) == (3, 3), seen
        assert small["SELECT"] == large["SELECT"]
        texts = Counter([m.text for m in env.tg.sent] + [s.body for s in env.tw.sent])
        assert len(texts) == 20 and set(texts.values()) == {1}
        for outbox_id in (*chats, *phones, *more):
            assert (await read_row(env, outbox_id)).state == OutboxState.SENT
        assert await env.dispatcher.drain() == 0


async def test_rows_to_one_chat_are_never_in_flight_together(
    db: Database, clock: FakeClock
) -> None:
    """Three messages each to two chats and six to others, the provider slow: several sends
    in flight at once, never two to one chat, and each chat gets its own in queued order."""
    async with make_env(db, clock) as env:
        addresses = ["5001", "5002"] * 3 + [str(6000 + n) for n in range(6)]
        await _to_addresses(env, "telegram", addresses, "m")
        env.tg.delay(seconds=0.05, times=len(addresses))
        watched = _Watched(env.channels["telegram"])
        assert await _dispatcher(env, watched, in_flight=4).run_once() == 12
        assert watched.most_per_address == 1
        assert 2 <= watched.most <= 4
        assert [m.text for m in env.tg.messages_to(5001)] == ["m0", "m2", "m4"]
        assert [m.text for m in env.tg.messages_to(5002)] == ["m1", "m3", "m5"]
        assert len(env.tg.sent) == 12


async def test_a_failing_send_does_not_stop_the_others(db: Database, clock: FakeClock) -> None:
    """Telegram answers 500 for one chat: that row waits for its retry, the rest are sent."""
    async with make_env(db, clock) as env:
        ids = await _to_addresses(env, "telegram", [str(7000 + n) for n in range(6)], "f")
        env.tg.fail(status=500, chat_id=7002)
        assert await env.dispatcher.run_once() == 6
        failing = await read_row(env, ids[2])
        assert failing.state == OutboxState.PENDING and failing.attempts == 1
        assert failing.due_at == clock.now() + timedelta(seconds=10)
        others = [await read_row(env, i) for i in ids if i != ids[2]]
        assert {row.state for row in others} == {OutboxState.SENT}
        assert env.dispatcher.failures_in_a_row["telegram"] in (0, 1)  # by order of answers


async def test_a_blocked_chat_mid_batch_gets_nothing_more(db: Database, clock: FakeClock) -> None:
    """Two messages for Noah, Telegram says he blocked the bot at the first: the second is not
    tried there; both reach him by SMS and Maja is told once, as when sent one at a time."""
    async with make_env(db, clock) as env:
        case = await env.load()
        first = await queue(env, case, "noah", "n1")
        second = await queue(env, case, "noah", "n2")
        to_karin = await queue(env, case, "karin", "k1")
        env.tg.fail(status=403, chat_id=1001)
        await env.dispatcher.drain()
        assert (await read_row(env, first)).state == OutboxState.FAILED
        assert (await read_row(env, second)).state == OutboxState.SENT
        assert (await read_row(env, second)).channel == "sms"
        assert (await read_row(env, to_karin)).state == OutboxState.SENT
        assert env.tg.messages_to(1001) == []
        assert len([r for r in env.tg.requests if r[1].get("chat_id") == 1001]) == 1
        assert len(env.tw.messages_to("+46701234567")) == 2
        assert len(env.tg.messages_to(2001)) == 1
        assert "message.rerouted" in await journal_kinds(env)


async def test_a_row_that_breaks_our_code_fails_alone(db: Database, clock: FakeClock) -> None:
    """An adapter bug for one chat fails that row (internal error, journaled in its case), the
    others are sent, and the batch is still recorded in one transaction."""
    async with make_env(db, clock) as env:
        case = await env.load()
        broken = await queue(env, case, "noah", "t1")
        fine = await queue(env, case, "karin", "t2")
        others = await _to_addresses(env, "telegram", [str(8000 + n) for n in range(4)], "p")
        dispatcher = _dispatcher(env, _Watched(env.channels["telegram"], broken="1001"))
        with counting(db) as seen:
            assert await dispatcher.run_once() == 6
        assert (seen["begin"], seen["commit"]) == (3, 3)
        row = await read_row(env, broken)
        assert (row.state, row.last_error) == (OutboxState.FAILED, "internal error: ValueError")
        assert "message.failed" in await journal_kinds(env)
        for outbox_id in (fine, *others):
            assert (await read_row(env, outbox_id)).state == OutboxState.SENT
        clock.advance(timedelta(hours=1))
        assert await dispatcher.drain() == 0


async def test_stopping_finishes_the_send_in_flight_and_hands_back_the_rest(
    db: Database, clock: FakeClock
) -> None:
    """Told to stop during the first send: it is recorded as sent, the others go back unsent
    at once (no attempt counted) and only the one sent counts as handled."""
    async with make_env(db, clock) as env:
        ids = await _to_addresses(env, "telegram", [str(9000 + n) for n in range(5)], "s")
        stops: list[Dispatcher] = []
        watched = _Watched(
            env.channels["telegram"], on_first=lambda: setattr(stops[0], "stopping", True)
        )
        stops.append(dispatcher := _dispatcher(env, watched, in_flight=1))
        assert await dispatcher.run_once() == 1
        rows = [await read_row(env, i) for i in ids]
        assert [r.state for r in rows] == [OutboxState.SENT] + [OutboxState.PENDING] * 4
        assert {(r.attempts, r.claimed_by, r.due_at) for r in rows[1:]} == {
            (0, None, clock.now() - timedelta(seconds=1))
        }
        assert [m.text for m in env.tg.sent] == ["s0"]


async def test_later_reminders_of_a_batch_are_found_through_the_subject_index(
    db: Database, clock: FakeClock
) -> None:
    """One query for every event reminder of a batch, served by ``ix_outbox_subject``."""
    rows = [
        OutboxMessage(
            idempotency_key=f"k{n}",
            channel="telegram",
            address="1001",
            topic="appointments",
            kind=kind,
            body="",
            subject_type=subject,
            subject_id=3 + n,
            member_id=2 + n,
            due_at=clock.now() - timedelta(hours=1),
        )
        for n, (kind, subject) in enumerate(
            [
                (MessageKind.APPOINTMENT_REMINDER, SubjectType.APPOINTMENT),
                (MessageKind.APPOINTMENT_REMINDER, SubjectType.APPOINTMENT),
                (MessageKind.MEETING_REMINDER, SubjectType.MEETING),
            ]
        )
    ]
    plan = await plan_of(db, later_reminders_query(rows))
    assert_indexed(plan, db.is_postgres)
    assert "ix_outbox_subject" in plan
