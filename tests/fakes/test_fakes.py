"""The fakes behave like the providers as far as the real client libraries can tell."""

from __future__ import annotations

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from tests.fakes import FakeTelegramServer, FakeTwilioServer


async def test_ptb_sends_and_gets_errors() -> None:
    """PTB's Bot sends through the fake and maps its 429/403/500/stall to its own errors."""
    async with FakeTelegramServer() as tg:
        request = HTTPXRequest(read_timeout=0.5)
        async with Bot(tg.token, base_url=tg.base_url, request=request) as bot:
            markup = InlineKeyboardMarkup([[InlineKeyboardButton("Ja", callback_data="r:y:1")]])
            message = await bot.send_message(chat_id=42, text="Hej", reply_markup=markup)
            assert message.message_id == tg.sent[0].message_id
            assert tg.sent[0].chat_id == 42 and tg.sent[0].text == "Hej"
            assert tg.sent[0].reply_markup == {
                "inline_keyboard": [[{"text": "Ja", "callback_data": "r:y:1"}]]
            }
            tg.fail(status=429, retry_after=3)
            with pytest.raises(RetryAfter):
                await bot.send_message(chat_id=42, text="x")
            tg.fail(status=403)
            with pytest.raises(Forbidden):
                await bot.send_message(chat_id=42, text="x")
            tg.fail(status=500)
            with pytest.raises(NetworkError):
                await bot.send_message(chat_id=42, text="x")
            tg.delay(seconds=1.0)
            with pytest.raises(TimedOut):
                await bot.send_message(chat_id=42, text="x")
            tg.push_message(42, "hej")
            updates = await bot.get_updates(timeout=0)
            assert updates[0].message is not None and updates[0].message.text == "hej"
        assert len(tg.sent) == 1


async def test_twilio_client_sends_and_gets_errors() -> None:
    """twilio's async client sends through the fake and raises TwilioRestException codes."""
    async with FakeTwilioServer() as tw:
        http = AsyncTwilioHttpClient()
        client = Client(tw.account_sid, tw.auth_token, http_client=http, environment={})
        client.api.base_url = tw.base_url
        try:
            message = await client.messages.create_async(
                to="+46701234567", from_="+46700000000", body="Hej"
            )
            assert message.sid == tw.sent[0].sid
            assert tw.sent[0].body == "Hej" and tw.sent[0].to == "+46701234567"
            tw.fail(status=400, code=21610, message="Attempt to send to unsubscribed recipient")
            with pytest.raises(TwilioRestException) as info:
                await client.messages.create_async(to="+46701234567", from_="+4670", body="x")
            assert info.value.code == 21610 and info.value.status == 400
        finally:
            await http.close()
