"""A coordinator with only a phone acknowledges an alert by answering `1` by SMS (the
contract's last paragraph), through the real Twilio webhook (docs/architecture.md, "The path of
one reply and one escalation").
"""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlmodel import select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.journal import read_journal
from sigbot.models import Escalation
from tests.sigbot.env import EXAMPLE, Env, make_env
from tests.sigbot.test_webhooks import _client, _sms

MAJA_PHONE = "+46701110001"


async def _phone_only_maja_alerted(env: Env, client: httpx.AsyncClient) -> None:
    """Maja has only a phone; Leila asks for help, so Maja gets the discreet alert by SMS."""
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "language: sv, telegram_chat_id: 2001}", f'language: sv, phone: "{MAJA_PHONE}"}}'
    )
    await env.load(text)
    await _sms(client, env, {"From": "+46701234568", "Body": "HJÄLP", "MessageSid": "SMh"})
    await env.dispatcher.drain()
    assert "Svara 1" in env.tw.messages_to(MAJA_PHONE)[-1].body


async def test_phone_only_coordinator_acknowledges_by_answering_1(
    db: Database, clock: FakeClock
) -> None:
    """Maja's SMS '1' acknowledges the alert, is journaled as via SMS and confirmed discreetly."""
    async with make_env(db, clock) as env, _client(env) as (client, _):
        await _phone_only_maja_alerted(env, client)
        clock.advance(timedelta(minutes=3))
        await _sms(client, env, {"From": MAJA_PHONE, "Body": "1", "MessageSid": "SMack"})
        await env.dispatcher.drain()
        async with db.session() as session:
            escalation = (await session.exec(select(Escalation))).one()
            lines = await read_journal(session, "ST-2026-014")
        assert (escalation.acknowledged_by, escalation.action) == ("maja", "ack")
        (ack,) = [line for line in lines if line.kind == "escalation.acknowledged"]
        assert ack.data.get("via") == "sms" and "SMS" in ack.summary
        confirmation = env.tw.messages_to(MAJA_PHONE)[-1].body
        assert confirmation == "ST-2026-014: larmet är kvitterat."
        # Acknowledged: the backup hears nothing when ack_within has passed.
        clock.advance(timedelta(hours=5))
        await env.cycle()
        assert env.tg.messages_to(2002) == []


async def test_other_sms_from_a_coordinator_is_kept_not_an_acknowledgement(
    db: Database, clock: FakeClock
) -> None:
    """Maja's 'Ringer henne nu' is stored and journaled; the alert stays open."""
    async with make_env(db, clock) as env, _client(env) as (client, _):
        await _phone_only_maja_alerted(env, client)
        await _sms(
            client, env, {"From": MAJA_PHONE, "Body": "Ringer henne nu", "MessageSid": "SMo"}
        )
        async with db.session() as session:
            escalation = (await session.exec(select(Escalation))).one()
            lines = await read_journal(session, "ST-2026-014")
        assert escalation.acknowledged_at is None
        assert any("Ringer henne nu" in line.summary for line in lines)
