"""Fake provider servers (Telegram Bot API, Twilio REST) that tests start on 127.0.0.1."""

from tests.fakes.telegram_api import FakeTelegramServer, SentMessage
from tests.fakes.twilio_api import FakeTwilioServer, SentSms, sign_twilio_request

__all__ = [
    "FakeTelegramServer",
    "FakeTwilioServer",
    "SentMessage",
    "SentSms",
    "sign_twilio_request",
]
