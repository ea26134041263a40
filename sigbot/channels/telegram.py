"""Telegram channel: sends through python-telegram-bot's ``Bot`` and maps its errors to ours."""

from __future__ import annotations

import warnings
from datetime import timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from sigbot.channels.base import Outgoing, SendError, SendResult, Unreachable


def retry_after_seconds(exc: RetryAfter) -> float:
    """RetryAfter carries an int or a timedelta depending on PTB_TIMEDELTA; accept both."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)


def map_telegram_error(exc: TelegramError) -> SendError:
    """Translate a PTB exception into a :class:`SendError` that says what to do next."""
    if isinstance(exc, RetryAfter):
        seconds = retry_after_seconds(exc)
        return SendError(
            f"rate limited, retry after {seconds:g} s",
            retryable=True,
            retry_after=seconds,
            code="429",
        )
    if isinstance(exc, Forbidden):
        return SendError(
            "the person blocked the bot",
            retryable=False,
            unreachable=Unreachable.BLOCKED,
            code="403",
        )
    if isinstance(exc, BadRequest):
        text = exc.message.lower()
        if "chat not found" in text or "user not found" in text or "chat_id is empty" in text:
            return SendError(
                "chat not found", retryable=False, unreachable=Unreachable.INVALID, code="400"
            )
        return SendError(f"rejected by Telegram: {exc.message}", retryable=False, code="400")
    if isinstance(exc, TimedOut):
        return SendError("Telegram did not answer in time", retryable=True, code="timeout")
    if isinstance(exc, NetworkError):
        return SendError(f"network error: {exc.message}", retryable=True, code="network")
    return SendError(f"Telegram error: {exc.message}", retryable=True, code="other")


class TelegramChannel:
    """Sends messages to Telegram chats; the address is the chat id."""

    name = "telegram"

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, message: Outgoing) -> SendResult:
        markup = None
        if message.buttons:
            markup = InlineKeyboardMarkup(
                [
                    [InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
                    for row in message.buttons
                ]
            )
        try:
            sent = await self.bot.send_message(
                chat_id=int(message.address), text=message.body, reply_markup=markup
            )
        except TelegramError as exc:
            raise map_telegram_error(exc) from exc
        return SendResult(provider_id=str(sent.message_id), provider_status="sent")
