"""Telegram, all of it: sending through python-telegram-bot's ``Bot`` (its errors mapped to
ours), the webhook's secret token, and updates read into the provider-neutral ``Incoming``.

Updates themselves are routed by PTB's ``Application`` to the handlers in ``handlers/telegram.py``;
this module only says what a Telegram message or button press is in our terms
(docs/architecture.md, "How a message travels", step 4).
"""

from __future__ import annotations

import hmac
import json
import warnings
from datetime import timedelta
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from sigbot.channels.base import DeliveryStatus, Outgoing, SendError, SendResult, Unreachable
from sigbot.domain.inbound import Incoming
from sigbot.messages.replies import ReplyKind
from sigbot.models.enums import ChannelKind

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


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


# Telegram's limit on a document's caption (Bot API, sendDocument).
CAPTION_LIMIT = 1024


class TelegramChannel:
    """Sends messages to Telegram chats; the address is the chat id."""

    name = ChannelKind.TELEGRAM.value

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
            if message.attachment is not None and len(message.body) <= CAPTION_LIMIT:
                # One call: the text is the file's caption, so the two arrive (or fail) together.
                file = InputFile(message.attachment.data, filename=message.attachment.filename)
                sent = await self.bot.send_document(
                    chat_id=int(message.address),
                    document=file,
                    caption=message.body,
                    reply_markup=markup,
                )
            else:
                sent = await self.bot.send_message(
                    chat_id=int(message.address), text=message.body, reply_markup=markup
                )
        except TelegramError as exc:
            raise map_telegram_error(exc) from exc
        return SendResult(
            provider_id=str(sent.message_id), provider_status=DeliveryStatus.SENT.value
        )


def secret_matches(given: str, secret: str) -> bool:
    """Telegram proves a webhook call with the secret we gave ``setWebhook``; compared in
    constant time so the secret cannot be guessed byte by byte."""
    return hmac.compare_digest(given.encode(), secret.encode())


def update_from_body(body: bytes) -> dict[str, Any]:
    """The JSON update of a webhook call.

    Raises:
        ValueError: the body is not JSON ("not JSON") or not an object ("not an update").
    """
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        raise ValueError("not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        raise ValueError("not an update")
    return data


def incoming_text(update: Update) -> Incoming | None:
    """Text typed into a chat; None for anything without text."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None or message.text is None:
        return None
    return Incoming(
        channel=ChannelKind.TELEGRAM,
        address=str(chat.id),
        text=message.text,
        provider_id=f"tg:{chat.id}:{message.message_id}",
    )


def incoming_answer(update: Update, kind: ReplyKind, prompt_id: int) -> Incoming | None:
    """An answer button pressed; the query id makes a second delivery of it a duplicate."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None:
        return None
    return Incoming(
        channel=ChannelKind.TELEGRAM,
        address=str(chat.id),
        text="",
        provider_id=f"tg-cb:{query.id}",
        callback=(kind, prompt_id),
    )
