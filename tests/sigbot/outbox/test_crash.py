"""A process killed at each step of claim → send → record, and of inbound handling: after a
restart nothing is lost, and only the message in flight at the crash can go twice."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, func, select

from sigbot.channels.base import Outgoing, SendResult
from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.inbound import Incoming
from sigbot.messages.composer import MessageComposer
from sigbot.messages.translator import Translator
from sigbot.models import InboundMessage, JournalEntry, JournalKind, OutboxMessage, OutboxState
from sigbot.outbox.dispatcher import Dispatcher
from sigbot.outbox.messenger import Messenger
from tests.sigbot.env import Env, make_env
from tests.sigbot.outbox.support import queue


class Killed(BaseException):
    """The process dies: not an error our code may catch and carry on from."""


class _KilledAt:
    """A channel whose process dies on the third send, before or after the provider got it."""

    def __init__(self, inner: Any, after_provider: bool) -> None:
        self.inner, self.after, self.name, self.calls = inner, after_provider, inner.name, 0

    async def send(self, message: Outgoing) -> SendResult:
        self.calls += 1
        if self.calls == 3 and not self.after:
            raise Killed("before the provider answered")
        result = await self.inner.send(message)
        if self.calls == 3:
            raise Killed("after the provider answered, before it was recorded")
        return result


@pytest.mark.parametrize(
    ("after_provider", "sent_twice"),
    [
        pytest.param(False, 0, id="killed-between-claim-and-send"),
        pytest.param(True, 1, id="killed-between-send-and-record"),
    ],
)
async def test_killed_while_sending(
    db: Database, clock: FakeClock, after_provider: bool, sent_twice: int
) -> None:
    """Five messages, killed at the third: all five reach Noah after the restart, the third
    twice only if the provider had it already."""
    async with make_env(db, clock) as env:
        case = await env.load()
        for i in range(5):
            await queue(env, case, "noah", f"crash{i}")
        dying = Dispatcher(
            db=db,
            channels={"telegram": _KilledAt(env.channels["telegram"], after_provider)},
            messenger=env.messenger,
            clock=clock,
        )
        with pytest.raises(Killed):
            await dying.drain()
        clock.advance(timedelta(minutes=3))  # the dead process's lease runs out
        await env.dispatcher.drain()
        async with env.db.session() as session:
            states = list(await session.exec(select(OutboxMessage.state)))
        assert states == [OutboxState.SENT] * 5
        assert len(env.tg.messages_to(1001)) == 5 + sent_twice


class _DiesRendering:
    """A catalog whose process dies while the answer to a reply is being written."""

    def __init__(self) -> None:
        self.inner, self.armed = Translator(), True

    def text(self, language: str, msgid: str, **params: Any) -> str:
        if self.armed and msgid.startswith("Thanks"):
            self.armed = False
            raise Killed("while answering")
        return self.inner.text(language, msgid, **params)


async def _count(env: Env, model: Any, *where: Any) -> int:
    async with env.db.session() as session:
        return int(
            (await session.exec(select(func.count()).select_from(model).where(*where))).one()
        )


async def test_killed_while_handling_a_reply_then_redelivered(
    db: Database, clock: FakeClock
) -> None:
    """Killed mid-reply, nothing of it is half-written; Twilio's redelivery (same MessageSid)
    is then handled once, and a second redelivery changes nothing."""
    async with make_env(db, clock) as env:
        await env.load()
        dying = env.inbound.__class__(
            db=db,
            messenger=Messenger(MessageComposer(_DiesRendering()), frozenset(env.channels)),
            clock=clock,
        )
        reply = Incoming("sms", "+46701234568", "ok tack", "SMcrash1")
        with pytest.raises(Killed):
            await dying.handle(reply)
        assert await _count(env, InboundMessage) == 0  # rolled back whole
        await env.inbound.handle(reply)
        await env.inbound.handle(reply)
        assert await _count(env, InboundMessage) == 1
        received = col(JournalEntry.kind) == JournalKind.REPLY_RECEIVED
        assert await _count(env, JournalEntry, received) == 1
        await env.dispatcher.drain()
        assert [m.body for m in env.tw.messages_to("+46701234568")] == [
            "Thanks, your message has been passed on."
        ]  # one answer, not two
