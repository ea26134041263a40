"""Telegram update handlers: /start with an invitation code, /stop, answer buttons, free text.

Handlers are thin: the Telegram channel module reads an update into an ``Incoming``, the button
codec reads a button's payload, and one domain operation (inbound handling, an invitation
redemption, an escalation acknowledgement) gets it through the services in
``context.bot_data`` (docs/architecture.md, "How a message travels", step 4).
"""

from __future__ import annotations

from typing import Any

import structlog
from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from sigbot.channels.telegram import incoming_answer, incoming_text
from sigbot.domain.alert_actions import acknowledge_from_account_chat
from sigbot.domain.escalations import acknowledge_from_chat
from sigbot.domain.invites import link_chat
from sigbot.domain.opt_out import stop_chat
from sigbot.handlers import telegram_staff
from sigbot.handlers.services import SERVICES_KEY, Services, services
from sigbot.messages.buttons import AnswerPress, EscalationPress, decode
from sigbot.models.enums import ChannelKind, MessageKind
from sigbot.outbox.store import Route

log = structlog.get_logger(__name__)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start CODE links this private chat to a case member; /start alone gets a neutral hello.

    In a group the code is left unused and the group gets a neutral answer: a group is never
    a member's chat (docs/architecture.md, "The path of one reply and one escalation").
    """
    chat = update.effective_chat
    if chat is None:
        return
    svc = services(context)
    now = svc.clock.now()
    code = context.args[0] if context.args else ""
    private = chat.type == ChatType.PRIVATE
    async with svc.db.session() as session:
        redeemed = (
            await link_chat(session, svc.messenger, code=code, chat_id=chat.id, now=now)
            if code and private
            else None
        )
        if redeemed is None or redeemed.member is None:
            refused = MessageKind.LINK_INVALID if private else MessageKind.LINK_PRIVATE_ONLY
            await svc.messenger.to_address(
                session,
                route=Route(ChannelKind.TELEGRAM, str(chat.id)),
                language="sv",
                kind=refused if code else MessageKind.UNKNOWN_SENDER,
                params={},
                key=f"start|{chat.id}|{update.update_id}",
                now=now,
            )
        await session.commit()
    log.info("start", linked=bool(redeemed and redeemed.member), private=private)


async def stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stop: this chat gets no more messages and is unlinked from every member (journaled,
    coordinators told, the person answered), until a new invitation link is used in it."""
    chat = update.effective_chat
    if chat is None:
        return
    svc = services(context)
    async with svc.db.session() as session:
        members = await stop_chat(session, svc.messenger, chat_id=chat.id, now=svc.clock.now())
        await session.commit()
    log.info("stop", unlinked=len(members))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An answer button (or a coordinator's escalation button) was pressed."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None or query.data is None:
        return
    svc = services(context)
    press = decode(query.data)
    text = "?"
    if isinstance(press, EscalationPress):
        text = await _escalation_button(svc, chat.id, press)
    elif isinstance(press, AnswerPress):
        incoming = incoming_answer(update, press.kind, press.prompt_id)
        if incoming is not None:
            await svc.inbound.handle(incoming)
            text = "✓"
    try:
        await query.answer(text)
        if query.message is not None:
            await query.edit_message_reply_markup(reply_markup=None)
    except TelegramError as exc:  # the answer was stored; a stale button is harmless
        log.warning("callback answer failed", error=type(exc).__name__)


async def _escalation_button(svc: Services, chat_id: int, press: EscalationPress) -> str:
    async with svc.db.session() as session:
        done = await acknowledge_from_chat(
            session,
            escalation_id=press.escalation_id,
            chat_id=chat_id,
            action=press.action,
            now=svc.clock.now(),
        ) or await acknowledge_from_account_chat(
            session,
            escalation_id=press.escalation_id,
            chat_id=chat_id,
            action=press.action,
            now=svc.clock.now(),
        )
        await session.commit()
    return "✓" if done is not None else "?"


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Free text or a digit/word answer typed into the chat."""
    incoming = incoming_text(update)
    if incoming is not None:
        await services(context).inbound.handle(incoming)


def install(application: Application[Any, Any, Any, Any, Any, Any], svc: Services) -> None:
    """Register sigbot's handlers and services on a PTB Application."""
    application.bot_data[SERVICES_KEY] = svc
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("stop", stop))
    application.add_handlers(telegram_staff.staff_handlers())
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
