"""End to end through the fakes: an Arabic-speaking and a Somali-speaking guardian get their
messages whole in their language and answer in it; a young person's message about danger
reaches the coordinator and the backup at night, and the young person gets the helplines.

SMS arrive at the real /twilio/sms webhook with Twilio's signature; Telegram updates go through
a real python-telegram-bot Application; what goes out is read back from the fake servers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
from icalendar import Calendar
from sqlmodel import select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.delivery import StatusRecorder
from sigbot.handlers.http import HttpDeps, build_http_app
from sigbot.journal import read_journal
from sigbot.messages.sms_segments import is_gsm7, segments
from sigbot.models import ContactAddress, Escalation, MeetingInvitation
from tests.fakes import sign_twilio_request
from tests.handlers.support import bot_app, feed
from tests.sigbot.env import Env, make_env

PUBLIC = "https://sigbot.example.org"
SARA, HODAN = "+46701234568", "+46701234570"
PLAN = """\
case:
  ref: JV-2026-101
  coordinator: anna
  backup: omar
  status: active
members:
  - {key: ali,   role: youth,       name: Ali,   language: sv, telegram_chat_id: 1001, channel: telegram}
  - {key: sara,  role: guardian,    name: Sara,  language: ar, phone: "+46701234568", channel: sms}
  - {key: hodan, role: guardian,    name: Hodan, language: so, phone: "+46701234570", channel: telegram, telegram_chat_id: 1002}
  - {key: anna,  role: coordinator, name: Anna,  language: sv, telegram_chat_id: 2001}
  - {key: omar,  role: coordinator, name: Omar,  language: sv, telegram_chat_id: 2002}
consent:
  - given_by: [ali, sara, hodan]
    share_with: [anna, omar, sara, hodan]
    topics: [meetings, plan, reminders, escalations]
    valid_until: 2027-05-31
meetings:
  - {kind: network, at: 2026-12-01T15:00, place: Rinkeby träff, invite: [ali, sara, hodan, anna]}
"""  # noqa: E501


@asynccontextmanager
async def _webhooks(env: Env) -> AsyncIterator[httpx.AsyncClient]:
    async def health() -> dict[str, Any]:
        return {"database": {"ok": True}}

    async def ignore(update: dict[str, Any]) -> None:
        return None

    app = build_http_app(
        HttpDeps(
            public_url=PUBLIC,
            inbound=env.inbound,
            status=StatusRecorder(db=env.db, clock=env.clock, messenger=env.messenger),
            health=health,
            twilio_auth_token=env.tw.auth_token,
            telegram_secret="secret",
            telegram_update=ignore,
        )
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def _sms(client: httpx.AsyncClient, env: Env, sender: str, body: str, sid: str) -> None:
    params = {"From": sender, "Body": body, "MessageSid": sid}
    signature = sign_twilio_request(env.tw.auth_token, PUBLIC + "/twilio/sms", params)
    response = await client.post(
        "/twilio/sms", data=params, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 200
    await env.dispatcher.drain()


async def _answers(env: Env) -> dict[str, str]:
    async with env.db.session() as session:
        rows = await session.exec(select(MeetingInvitation))
        return {str(row.member_id): row.answer for row in rows}


async def test_arabic_and_somali_guardians_and_a_young_person_in_danger(
    db: Database, clock: FakeClock
) -> None:
    async with make_env(db, clock) as env, _webhooks(env) as client, bot_app(env) as app:
        await env.load(PLAN)
        await env.cycle()
        # Sara reads Arabic: the whole invitation is Arabic, UCS-2, two segments at most.
        welcome_ar, invite_ar = env.tw.messages_to(SARA)  # first a welcome, then the invitation
        assert "اجتماع" in invite_ar.body and not is_gsm7(invite_ar.body)
        assert "STOP" in welcome_ar.body and "توقف" in welcome_ar.body
        assert segments(invite_ar.body) <= 2 and "Svara" not in invite_ar.body
        # Hodan reads Somali: GSM-7, and her Telegram invitation carries a Somali calendar file.
        invite_so = next(m for m in env.tg.messages_to(1002) if m.document is not None)
        event = Calendar.from_ical(invite_so.document[1]).walk("VEVENT")[0]
        assert "shir" in str(event["SUMMARY"]).lower()
        # They answer in their own words and digits.
        await _sms(client, env, SARA, "نعم", "SM-ar-1")
        assert "yes" in (await _answers(env)).values()
        ack_ar = env.tw.messages_to(SARA)[-1].body
        assert "شكر" in ack_ar  # "thank you" in Arabic, not the Swedish "Tack"
        await _sms(client, env, HODAN, "INFO", "SM-so-1")
        info_so = env.tw.messages_to(HODAN)[-1].body
        assert "STOP" in info_so and is_gsm7(info_so) and "Det här" not in info_so
        await _sms(client, env, SARA, "توقف", "SM-ar-2")  # STOP, in Arabic
        assert "Sara" in env.tg.messages_to(2001)[-1].text  # Anna hears that Sara stopped SMS
        async with env.db.session() as session:
            stopped = await session.exec(
                select(ContactAddress).where(ContactAddress.address == SARA)
            )
            assert stopped.one().unusable
        # At 03:30 Ali writes that he does not want to live.
        clock.set(datetime(2026, 11, 26, 2, 30, tzinfo=UTC))
        await feed(app, env.tg.push_message(1001, "orkar inte, vill inte leva längre"))
        await env.dispatcher.drain()
        to_ali = env.tg.messages_to(1001)[-1].text
        assert "112" in to_ali and "116 111" in to_ali and "90101" in to_ali and "Anna" in to_ali
        for chat in (2001, 2002):
            alert = env.tg.messages_to(chat)[-1].text
            assert "JV-2026-101" in alert and "vill inte leva" in alert and "BRÅDSKANDE" in alert
        async with env.db.session() as session:
            assert (await session.exec(select(Escalation))).one().reason == "danger"
            lines = await read_journal(session, "JV-2026-101")
        said = next(line for line in lines if line.kind == "reply.received")
        in_arabic, in_swedish = said.text("ar"), said.text("sv")  # one event, read two ways
        assert "Sara" in in_arabic and in_arabic.replace("نعم", "") != in_arabic
        assert in_arabic != in_swedish and "skrev" in in_swedish
