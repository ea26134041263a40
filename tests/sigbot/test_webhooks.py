"""Inbound SMS, Twilio status callbacks and the Telegram webhook, through the HTTP app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlmodel import SQLModel, col, func, select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.delivery import StatusRecorder
from sigbot.handlers.http import HttpDeps, build_http_app
from sigbot.journal import read_journal
from sigbot.models import (
    Appointment,
    ContactAddress,
    Escalation,
    InboundMessage,
    OutboxMessage,
    OutboxState,
)
from tests.fakes import sign_twilio_request
from tests.sigbot.env import Env, make_env

PUBLIC = "https://sigbot.example.org"
SECRET = "tg-secret-123"


@asynccontextmanager
async def _client(env: Env) -> AsyncIterator[tuple[httpx.AsyncClient, list[dict[str, Any]]]]:
    updates: list[dict[str, Any]] = []

    async def health() -> dict[str, Any]:
        return {"database": {"ok": True}}

    async def feed(update: dict[str, Any]) -> None:
        updates.append(update)

    app = build_http_app(
        HttpDeps(
            public_url=PUBLIC,
            inbound=env.inbound,
            status=StatusRecorder(db=env.db, clock=env.clock, messenger=env.messenger),
            health=health,
            twilio_auth_token=env.tw.auth_token,
            telegram_secret=SECRET,
            telegram_update=feed,
        )
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client, updates


async def _sms(
    client: httpx.AsyncClient, env: Env, params: dict[str, str], *, signature: str | None = None
) -> httpx.Response:
    sig = (
        signature
        if signature is not None
        else sign_twilio_request(env.tw.auth_token, PUBLIC + "/twilio/sms", params)
    )
    return await client.post("/twilio/sms", data=params, headers={"X-Twilio-Signature": sig})


async def _count(db: Database, model: type[SQLModel]) -> int:
    async with db.session() as session:
        return int((await session.exec(select(func.count()).select_from(model))).one())


async def _remind_leila(env: Env) -> None:
    """Send Leila (SMS) a reminder of a meeting, so her replies have something to answer."""
    await env.load()
    env.clock.advance(timedelta(minutes=1))
    await env.cycle()
    assert env.tw.messages_to("+46701234568"), "Leila should have been invited by SMS"


@pytest.mark.parametrize(
    ("signature", "status"),
    [pytest.param("", 403, id="missing"), pytest.param("bm90IHZhbGlk", 403, id="wrong")],
)
async def test_sms_without_valid_signature_is_rejected(
    db: Database, clock: FakeClock, signature: str, status: int
) -> None:
    """403 and nothing stored when the X-Twilio-Signature is missing or wrong."""
    async with make_env(db, clock) as env, _client(env) as (client, _):
        await env.load()
        params = {"From": "+46701234568", "Body": "1", "MessageSid": "SM1"}
        response = await _sms(client, env, params, signature=signature)
        assert response.status_code == status
        assert await _count(db, InboundMessage) == 0


async def test_signature_for_another_url_is_rejected(db: Database, clock: FakeClock) -> None:
    """A signature valid for a different public URL does not pass."""
    async with make_env(db, clock) as env, _client(env) as (client, _):
        params = {"From": "+46701234568", "Body": "1", "MessageSid": "SM1"}
        sig = sign_twilio_request(env.tw.auth_token, "https://evil.example/twilio/sms", params)
        assert (await _sms(client, env, params, signature=sig)).status_code == 403


async def test_sms_yes_answers_the_open_invitation(db: Database, clock: FakeClock) -> None:
    """Leila's '1' is matched to her invitation, recorded, journaled and acknowledged."""
    async with make_env(db, clock) as env, _client(env) as (client, _):
        await _remind_leila(env)
        response = await _sms(
            client, env, {"From": "+46701234568", "Body": "1", "MessageSid": "SMa1"}
        )
        assert response.status_code == 200 and "<Response>" in response.text
        await env.dispatcher.drain()
        assert env.tw.messages_to("+46701234568")[-1].body.startswith(("Thanks", "Tack"))
        async with db.session() as session:
            lines = await read_journal(session, "ST-2026-014")
            inbound = (await session.exec(select(InboundMessage))).one()
        assert inbound.in_reply_to is not None and inbound.reply_kind == "yes"
        assert any(
            line.kind == "answer.recorded" and "Leila answered yes" in line.summary
            for line in lines
        )
        # Twilio retries a webhook it thinks failed: the same MessageSid is handled once.
        await _sms(client, env, {"From": "+46701234568", "Body": "1", "MessageSid": "SMa1"})
        assert await _count(db, InboundMessage) == 1


async def test_help_alerts_the_coordinator_at_once(db: Database, clock: FakeClock) -> None:
    """'HJÄLP' escalates to the coordinator with the context."""
    async with make_env(db, clock) as env, _client(env) as (client, _):
        await _remind_leila(env)
        await _sms(client, env, {"From": "+46701234568", "Body": "HJÄLP", "MessageSid": "SMh"})
        await env.dispatcher.drain()
        alert = env.tg.messages_to(2001)[-1]
        assert "Leila" in alert.text
        assert alert.reply_markup is not None
        buttons = alert.reply_markup["inline_keyboard"][0]
        assert [b["callback_data"].split(":")[1] for b in buttons] == ["a", "c", "m"]
        assert await _count(db, Escalation) == 1


async def test_free_text_is_kept_and_shown_to_the_coordinator(
    db: Database, clock: FakeClock
) -> None:
    """A reply we cannot interpret is stored and passed to the coordinator verbatim."""
    async with make_env(db, clock) as env, _client(env) as (client, _):
        await _remind_leila(env)
        text = "Kanske, jag jobbar sent den dagen"
        await _sms(client, env, {"From": "+46701234568", "Body": text, "MessageSid": "SMf"})
        await env.dispatcher.drain()
        assert text in env.tg.messages_to(2001)[-1].text
        async with db.session() as session:
            inbound = (await session.exec(select(InboundMessage))).one()
        assert (inbound.body, inbound.reply_kind) == (text, "unknown")


async def test_unknown_sender_gets_a_neutral_answer(db: Database, clock: FakeClock) -> None:
    """A number we do not know learns nothing about any case."""
    async with make_env(db, clock) as env, _client(env) as (client, _):
        await env.load()
        await _sms(client, env, {"From": "+46709999999", "Body": "1", "MessageSid": "SMu"})
        await env.dispatcher.drain()
        reply = env.tw.messages_to("+46709999999")
        assert len(reply) == 1
        for secret in ("ST-2026-014", "Noah", "Maja", "BUP", "Tensta"):
            assert secret not in reply[0].body
        assert env.tg.messages_to(2001) == []


async def test_stop_and_start(db: Database, clock: FakeClock) -> None:
    """STOP ends SMS to that number (coordinator told); START resumes."""
    async with make_env(db, clock) as env, _client(env) as (client, _):
        await _remind_leila(env)
        before = len(env.tw.sent)
        await _sms(client, env, {"From": "+46701234568", "Body": "STOP", "MessageSid": "SMs"})
        await env.dispatcher.drain()
        async with db.session() as session:
            address = (await session.exec(select(ContactAddress))).one()
        assert address.unusable and address.unusable_reason == "opted_out"
        assert "STOP" in env.tg.messages_to(2001)[-1].text
        assert len(env.tw.sent) == before  # no SMS after STOP, not even a confirmation
        await _sms(client, env, {"From": "+46701234568", "Body": "start", "MessageSid": "SMt"})
        async with db.session() as session:
            address = (await session.exec(select(ContactAddress))).one()
        assert not address.unusable


async def test_status_callbacks_never_move_backwards(db: Database, clock: FakeClock) -> None:
    """'delivered' then a late 'sent' leaves the message delivered; bad signatures are 403."""
    async with make_env(db, clock) as env, _client(env) as (client, _):
        await _remind_leila(env)
        sid = env.tw.sent[0].sid

        async def post(status: str, sign: bool = True) -> int:
            params = {"MessageSid": sid, "MessageStatus": status}
            sig = sign_twilio_request(env.tw.auth_token, PUBLIC + "/twilio/status", params)
            headers = {"X-Twilio-Signature": sig if sign else "x"}
            response = await client.post("/twilio/status", data=params, headers=headers)
            return response.status_code

        assert await post("delivered") == 204
        assert await post("sent") == 204
        assert await post("failed", sign=False) == 403
        async with db.session() as session:
            row = (
                await session.exec(select(OutboxMessage).where(OutboxMessage.provider_id == sid))
            ).one()
        assert (row.state, row.provider_status) == (OutboxState.DELIVERED, "delivered")


async def test_undelivered_sms_tells_the_coordinator(db: Database, clock: FakeClock) -> None:
    """Twilio reports 'undelivered': journaled, and the coordinator hears whom it concerns."""
    async with make_env(db, clock) as env, _client(env) as (client, _):
        await _remind_leila(env)
        sid = env.tw.messages_to("+46701234568")[-1].sid
        params = {"MessageSid": sid, "MessageStatus": "undelivered", "ErrorCode": "30003"}
        sig = sign_twilio_request(env.tw.auth_token, PUBLIC + "/twilio/status", params)
        response = await client.post(
            "/twilio/status", data=params, headers={"X-Twilio-Signature": sig}
        )
        assert response.status_code == 204
        await env.dispatcher.drain()
        alert = env.tg.messages_to(2001)[-1].text
        assert "Leila" in alert and "30003" in alert
        async with db.session() as session:
            lines = await read_journal(session, "ST-2026-014")
        assert any(line.kind == "message.undelivered" for line in lines)


async def test_telegram_webhook_checks_the_secret(db: Database, clock: FakeClock) -> None:
    """Only requests carrying X-Telegram-Bot-Api-Secret-Token reach the bot."""
    async with make_env(db, clock) as env, _client(env) as (client, updates):
        update = {"update_id": 1, "message": {"message_id": 1, "date": 0, "text": "hej"}}
        bad = await client.post(
            "/telegram/webhook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "no"}
        )
        assert bad.status_code == 403 and updates == []
        good = await client.post(
            "/telegram/webhook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        )
        assert good.status_code == 200 and updates == [update]


async def test_cant_come_marks_the_appointment_missed(db: Database, clock: FakeClock) -> None:
    """'NEJ' to an appointment reminder marks it missed and escalates."""
    async with make_env(db, clock) as env:
        await env.load()
        # BUP is 2026-11-26 10:00; the P1D reminder goes out 2026-11-25 10:00.
        clock.advance(timedelta(hours=1, minutes=1))
        await env.cycle()
        assert env.tg.messages_to(1001), "Noah gets the BUP reminder on Telegram"
        from sigbot.domain.inbound import Incoming

        await env.inbound.handle(Incoming("telegram", "1001", "nej", "tg:1001:55"))
        async with db.session() as session:
            bup = (
                await session.exec(select(Appointment).where(col(Appointment.what) == "BUP"))
            ).one()
            escalation = (await session.exec(select(Escalation))).one()
        assert (bup.status, bup.answer) == ("missed", "no")
        assert escalation.reason == "cannot_come"
