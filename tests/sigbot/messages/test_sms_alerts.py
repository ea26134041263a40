"""A coordinator reached by SMS, end to end: the alert that goes out, and the journal's copy.

With only a phone (or when their Telegram fails) a coordinator gets the discreet SMS text: the
case reference and what to do, never who wrote what (the contract's last paragraph;
docs/architecture.md, "The path of one reply and one escalation").
"""

from __future__ import annotations

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.inbound import Incoming
from sigbot.journal import read_journal
from sigbot.models import JournalKind
from tests.sigbot.env import EXAMPLE, Env, make_env

REF = "ST-2026-014"
LEILA = "+46701234568"
MAJA_PHONE = "+46701110001"
WRITTEN = "Noah blev slagen vid Tensta centrum i går"
NEVER = ("Noah", "Leila", "Tensta", "slagen", "BUP", "hjälp")


def _maja_with(extra: str) -> str:
    """The example plan with Maja's entry changed (only a phone, or a phone beside Telegram)."""
    text = EXAMPLE.read_text(encoding="utf-8")
    maja = "language: sv, telegram_chat_id: 2001}"
    assert maja in text
    return text.replace(maja, f"language: sv, {extra}}}")


async def _sent_to_maja(env: Env) -> list[str]:
    """The journal's copy of every message that went to Maja."""
    async with env.db.session() as session:
        lines = await read_journal(session, REF)
    return [
        line.summary
        for line in lines
        if line.kind == JournalKind.MESSAGE_SENT and line.member == "maja"
    ]


async def test_phone_only_coordinator_reads_no_name_nor_what_was_written(
    db: Database, clock: FakeClock
) -> None:
    """Leila's free text reaches Maja's phone as the case reference and where to read it."""
    async with make_env(db, clock) as env:
        await env.load(_maja_with(f'phone: "{MAJA_PHONE}"'))
        await env.inbound.handle(Incoming("sms", LEILA, WRITTEN, "SMfree"))
        await env.dispatcher.drain()
        bodies = [m.body for m in env.tw.messages_to(MAJA_PHONE)]
        assert bodies, "Maja should have been told by SMS"
        for body in bodies:
            assert REF in body and not [w for w in NEVER if w in body], body
        journal = await _sent_to_maja(env)
        assert journal and all(body in "\n".join(journal) for body in bodies)
        assert not [w for w in NEVER if w in "\n".join(journal)]


async def test_phone_only_coordinator_is_told_to_answer_1(db: Database, clock: FakeClock) -> None:
    """A help request reaches Maja's phone as an alert she acknowledges by answering 1."""
    async with make_env(db, clock) as env:
        await env.load(_maja_with(f'phone: "{MAJA_PHONE}"'))
        await env.inbound.handle(Incoming("sms", LEILA, "2", "SMhelp"))
        await env.dispatcher.drain()
        alert = env.tw.messages_to(MAJA_PHONE)[-1].body
        assert alert == f"{REF}: nytt larm. Svara 1 för att kvittera. Detaljer finns i arbetsytan."


async def test_alert_falling_back_from_telegram_to_sms_is_discreet(
    db: Database, clock: FakeClock
) -> None:
    """When Maja's Telegram has blocked the bot, the alert's SMS fallback names nobody."""
    async with make_env(db, clock) as env:
        await env.load(_maja_with(f'telegram_chat_id: 2001, phone: "{MAJA_PHONE}"'))
        env.tg.fail(status=403, chat_id=2001, times=5)
        await env.inbound.handle(Incoming("sms", LEILA, "2", "SMhelp"))
        await env.dispatcher.drain()
        await env.dispatcher.drain()
        assert env.tg.messages_to(2001) == []
        bodies = [m.body for m in env.tw.messages_to(MAJA_PHONE)]
        assert bodies and all("Svara 1" in b and not [w for w in NEVER if w in b] for b in bodies)
