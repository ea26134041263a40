"""Telegram update handlers: /start with an invitation code, answer buttons, free text.

Handlers are thin: they turn an update into an ``Incoming`` (or an invitation redemption, or an
escalation acknowledgement) and hand it to the services in ``context.bot_data``.
"""

from __future__ import annotations

from typing import Any

import structlog
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from sigbot.domain.escalations import acknowledge_from_chat
from sigbot.domain.inbound import Incoming
from sigbot.domain.invites import redeem_invite
from sigbot.handlers.services import Services
from sigbot.messages.replies import parse_callback_data
from sigbot.models import Case
from sigbot.outbox.store import Route

log = structlog.get_logger(__name__)

SERVICES_KEY = "sigbot.services"
ESCALATION_PREFIX = "e:"
ESCALATION_ACTIONS = {"a": "ack", "c": "call", "m": "meeting"}


def escalation_callback(action: str, escalation_id: int) -> str:
    """Callback data for an escalation button: ``e:a:42`` (acknowledge 42)."""
    code = next(k for k, v in ESCALATION_ACTIONS.items() if v == action)
    return f"{ESCALATION_PREFIX}{code}:{escalation_id}"


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    found = context.bot_data.get(SERVICES_KEY)
    assert isinstance(found, Services), "services not installed on the Application"
    return found


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start CODE links this chat to a case member; /start alone gets a neutral hello."""
    chat = update.effective_chat
    if chat is None:
        return
    svc = services(context)
    now = svc.clock.now()
    code = context.args[0] if context.args else ""
    async with svc.db.session() as session:
        redeemed = (
            await redeem_invite(session, code=code, chat_id=chat.id, now=now) if code else None
        )
        if redeemed is not None and redeemed.member is not None:
            member = redeemed.member
            case = await session.get(Case, member.case_id)
            assert case is not None
            await svc.messenger.to_member(
                session,
                case=case,
                member=member,
                kind="linked",
                topic="reminders",
                params={"name": member.name},
                key=f"linked|{member.id}|{chat.id}",
                due_at=now,
                now=now,
                exclude=frozenset({Route("sms", member.phone or "")}),
            )
        else:
            await svc.messenger.to_address(
                session,
                route=Route("telegram", str(chat.id)),
                language="sv",
                kind="link_invalid" if code else "unknown_sender",
                params={},
                key=f"start|{chat.id}|{update.update_id}",
                now=now,
            )
        await session.commit()
    log.info("start", linked=bool(redeemed and redeemed.member))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An answer button (or a coordinator's escalation button) was pressed."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None or query.data is None:
        return
    svc = services(context)
    if query.data.startswith(ESCALATION_PREFIX):
        text = await _escalation_button(svc, chat.id, query.data)
    else:
        parsed = parse_callback_data(query.data)
        if parsed is None:
            text = "?"
        else:
            await svc.inbound.handle(
                Incoming(
                    channel="telegram",
                    address=str(chat.id),
                    text="",
                    provider_id=f"tg-cb:{query.id}",
                    callback=parsed,
                )
            )
            text = "✓"
    try:
        await query.answer(text)
        if query.message is not None:
            await query.edit_message_reply_markup(reply_markup=None)
    except TelegramError as exc:  # the answer was stored; a stale button is harmless
        log.warning("callback answer failed", error=type(exc).__name__)


async def _escalation_button(svc: Services, chat_id: int, data: str) -> str:
    try:
        _, code, raw_id = data.split(":", 2)
        action = ESCALATION_ACTIONS[code]
        escalation_id = int(raw_id)
    except (ValueError, KeyError):
        return "?"
    async with svc.db.session() as session:
        done = await acknowledge_from_chat(
            session,
            escalation_id=escalation_id,
            chat_id=chat_id,
            action=action,
            now=svc.clock.now(),
        )
        await session.commit()
    return "✓" if done is not None else "?"


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Free text or a digit/word answer typed into the chat."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None or message.text is None:
        return
    await services(context).inbound.handle(
        Incoming(
            channel="telegram",
            address=str(chat.id),
            text=message.text,
            provider_id=f"tg:{chat.id}:{message.message_id}",
        )
    )


def install(application: Application[Any, Any, Any, Any, Any, Any], svc: Services) -> None:
    """Register sigbot's handlers and services on a PTB Application."""
    application.bot_data[SERVICES_KEY] = svc
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
