"""Telegram commands for the young person and their family (staff have their own, in
``handlers/telegram_staff.py``): /help explains what the bot does, as an SMS "INFO" does."""

from __future__ import annotations

from telegram import Update

from sigbot.domain.inbound import Incoming
from sigbot.domain.matching import members_at
from sigbot.handlers.services import Services
from sigbot.messages.replies import ReplyKind
from sigbot.models import ChannelKind
from sigbot.models.enums import STAFF_ROLES


async def family_help(update: Update, svc: Services) -> None:
    """/help from anyone else: what the bot does for them, in their language, through the same
    path as an SMS "INFO" (a chat we do not know gets the neutral answer)."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    async with svc.db.session() as session:
        members = await members_at(session, ChannelKind.TELEGRAM, str(chat.id))
    if any(member.role in STAFF_ROLES for member in members):
        return  # a staff chat without an active account: no answer, as for any unknown command
    await svc.inbound.handle(
        Incoming(
            channel=ChannelKind.TELEGRAM,
            address=str(chat.id),
            text=message.text or "/help",
            provider_id=f"tg:{chat.id}:{message.message_id}",
            command=ReplyKind.INFO,
        )
    )
