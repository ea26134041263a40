"""Telegram for the coordinator's phone: /today, /alerts, /case REF, /help, and staff chat menus.

A chat is staff when an active account has it as its Telegram chat; only private chats count, so
case data never lands in a group. Anyone else gets what any unknown command gets (no answer at
all), so the commands tell a stranger nothing. Everything is read through ``sigbot.views`` with
the account's access rules, in its language and each case's time zone; ``/case`` is journaled.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from datetime import datetime
from typing import Any

import structlog
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot, BotCommand, BotCommandScopeChat, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import CommandHandler, ContextTypes

from sigbot.channels.base import Button, Outgoing, SendError
from sigbot.channels.telegram import TelegramChannel
from sigbot.db import Database
from sigbot.domain.access import case_for, journal_access
from sigbot.domain.escalations import alert_params
from sigbot.handlers.services import services
from sigbot.handlers.telegram_family import family_help
from sigbot.journal import UnknownCase
from sigbot.messages import texts
from sigbot.messages.composer import format_when
from sigbot.messages.translator import Translator
from sigbot.models import Account, Case, CaseStatus, ChannelKind, Escalation, MeetingKind
from sigbot.models.enums import MessageKind
from sigbot.outbox.messenger import Composer
from sigbot.timeutil import zone
from sigbot.views.alerts import AlertRow, case_alerts, open_alerts
from sigbot.views.cases import last_contacts, next_events, plan_progress
from sigbot.views.day import DayView, MissRow, my_day
from sigbot.views.events import EventKind, EventRow

log = structlog.get_logger(__name__)

CATALOG = Translator()
# Lines per part of /today and alert messages per /alerts; the rest is in the workspace.
SHOWN = 10
Buttons = tuple[tuple[Button, ...], ...]


async def staff_account(session: AsyncSession, update: Update) -> Account | None:
    """The active account whose own private chat this is; None for anyone else."""
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE:
        return None
    mine = select(Account).where(Account.telegram_chat_id == chat.id, col(Account.active))
    return (await session.exec(mine.order_by(col(Account.id)))).first()


async def _answer(bot: Bot, chat_id: int, body: str, buttons: Buttons = ()) -> None:
    """Send through the Telegram channel (its buttons and error mapping); a failure is logged:
    the staff member can ask again."""
    try:
        await TelegramChannel(bot).send(Outgoing(str(chat_id), body, buttons))
    except SendError as exc:
        log.warning("staff answer not sent", code=exc.code)


def _text(language: str, msgid: str, **params: Any) -> str:
    return CATALOG.text(language, msgid, **params)


def _shown(language: str, value: str | None) -> str | None:
    """A stored value that is itself a message id ("no answer") in the reader's language."""
    return _text(language, value) if value in texts.VALUE_MSGIDS else value


def _part(language: str, title: str, empty: str, items: list[str], **params: Any) -> list[str]:
    """One part of an answer: its title and at most :data:`SHOWN` items, or what says none."""
    if not items:
        return ["", _text(language, empty)]
    lines = ["", _text(language, title, **params), *(f"• {item}" for item in items[:SHOWN])]
    if len(items) > SHOWN:
        lines.append(_text(language, texts.STAFF_MORE, n=len(items) - SHOWN))
    return lines


def _event_what(language: str, kind: EventKind, what: str) -> str:
    """An appointment's own words ("BUP"), or a meeting's kind as a word."""
    if kind is EventKind.MEETING and what in texts.MEETING_WORDS:
        return _text(language, texts.MEETING_WORDS[MeetingKind(what)])
    return what


def _at_place(language: str, place: str | None) -> str:
    return _text(language, texts.PLACE, place=place) if place else ""


def _event_line(language: str, row: EventRow) -> str:
    at = row.at.astimezone(zone(row.timezone)).strftime("%H:%M")
    what = _event_what(language, row.kind, row.what)
    if row.kind is EventKind.APPOINTMENT and row.people:
        what = f"{what} ({row.people[0].name})"
    return f"{at} {row.case_ref}: {what}{_at_place(language, row.place)}"


def _miss_line(language: str, row: MissRow) -> str:
    about = " — ".join(part for part in (row.member, _shown(language, row.what)) if part)
    answer = _shown(language, row.answer)
    when = format_when(row.at, row.timezone, language)
    return f"{when} {row.case_ref}: {about}" + (f" ({answer})" if answer else "")


def day_text(language: str, day: DayView) -> str:
    """/today's answer: open alerts counted per case, today's events, what was missed."""
    per_case = sorted(Counter(alert.case_ref for alert in day.alerts).items())
    events = [_event_line(language, row) for row in day.today]
    misses = [_miss_line(language, row) for row in day.misses]
    parts = [
        (texts.STAFF_DAY_ALERTS, texts.STAFF_DAY_NO_ALERTS, [f"{r}: {n}" for r, n in per_case]),
        (texts.STAFF_DAY_TODAY, texts.STAFF_DAY_NOTHING_TODAY, events),
        (texts.STAFF_DAY_MISSES, texts.STAFF_DAY_NO_MISSES, misses),
    ]
    lines = [_text(language, texts.STAFF_DAY)]
    for title, empty, items in parts:
        lines += _part(language, title, empty, items, n=len(day.alerts))
    return "\n".join(lines)


async def _alert_message(
    session: AsyncSession, composer: Composer, language: str, row: AlertRow
) -> tuple[str, Buttons]:
    """The alert as it first arrived (the composer's text and buttons), and when it opened."""
    escalation = await session.get(Escalation, row.id)  # loaded with the row: no query
    case = await session.get(Case, escalation.case_id) if escalation is not None else None
    assert escalation is not None and case is not None
    params = alert_params(case, escalation)
    body = composer.render(MessageKind.ESCALATION, ChannelKind.TELEGRAM, language, params)
    opened = format_when(row.created_at, row.timezone, language)
    buttons = composer.buttons(MessageKind.ESCALATION, ChannelKind.TELEGRAM, language, 0, params)
    return f"{body}\n{_text(language, texts.STAFF_ALERT_OPENED, when=opened)}", buttons


async def case_text(session: AsyncSession, language: str, case: Case, now: datetime) -> str:
    """/case's answer: status, next event, open alerts, plan progress, last contact."""
    assert case.id is not None
    ids: list[int | None] = [case.id]
    coming = (await next_events(session, ids, now)).get(case.id)
    progress = (await plan_progress(session, ids)).get(case.id)
    contact = (await last_contacts(session, ids)).get(case.id)

    def when(at: datetime) -> str:
        return format_when(at, case.timezone, language)

    status = _text(language, texts.CASE_STATUS_WORDS[CaseStatus(case.status)])
    lines: list[tuple[str, dict[str, Any]]] = [
        (
            texts.STAFF_CASE_STATUS,
            {"ref": case.ref, "status": status, "when": when(case.status_since)},
        ),
        (texts.STAFF_CASE_NO_NEXT, {}),
        (texts.STAFF_CASE_ALERTS, {"n": len(await case_alerts(session, case.id))}),
        (texts.STAFF_CASE_NO_PLAN, {}),
        (texts.STAFF_CASE_NO_CONTACT, {}),
    ]
    if coming is not None:
        what = _event_what(language, coming.kind, coming.what)
        place = _at_place(language, coming.place)
        lines[1] = (
            texts.STAFF_CASE_NEXT,
            {"what": what, "when": when(coming.at), "at_place": place},
        )
    if progress is not None:
        lines[3] = (texts.STAFF_CASE_PLAN, asdict(progress))
    if contact is not None:
        lines[4] = (texts.STAFF_CASE_CONTACT, {"when": when(contact)})
    return "\n".join(_text(language, msgid, **params) for msgid, params in lines)


async def today(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/today: open alerts, today's appointments and meetings, and misses of the account's cases."""
    svc = services(context)
    async with svc.db.session() as session:
        account = await staff_account(session, update)
        day = await my_day(session, account, svc.clock.now()) if account is not None else None
    log.info("staff command", command="today", staff=account is not None)
    if account is not None and day is not None and update.effective_chat is not None:
        await _answer(context.bot, update.effective_chat.id, day_text(account.language, day))


async def alerts(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/alerts: each open alert of the account's cases again, with its acknowledge buttons."""
    svc = services(context)
    chat = update.effective_chat
    async with svc.db.session() as session:
        account = await staff_account(session, update)
        if account is None or chat is None:
            log.info("staff command", command="alerts", staff=False)
            return
        language = account.language
        rows = await open_alerts(session, account)
        shown = [
            await _alert_message(session, svc.messenger.composer, language, row)
            for row in reversed(rows[:SHOWN])  # the newest last: nearest the keyboard
        ]
    log.info("staff command", command="alerts", staff=True, alerts=len(rows))
    if not rows:
        await _answer(context.bot, chat.id, _text(language, texts.STAFF_NO_ALERTS))
    for body, buttons in shown:
        await _answer(context.bot, chat.id, body, buttons)
    if len(rows) > SHOWN:
        await _answer(context.bot, chat.id, _text(language, texts.STAFF_MORE, n=len(rows) - SHOWN))


async def case(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/case REF: one of the account's cases in short; any other reference reads as none."""
    svc = services(context)
    chat = update.effective_chat
    ref = context.args[0] if context.args else ""
    now = svc.clock.now()
    async with svc.db.session() as session:
        account = await staff_account(session, update)
        if account is None or chat is None:
            log.info("staff command", command="case", staff=False)
            return
        answer = _text(account.language, texts.STAFF_CASE_USAGE)
        if ref:
            try:
                found = await case_for(session, account, ref)
            except UnknownCase:
                answer = _text(account.language, texts.STAFF_CASE_UNKNOWN)
            else:
                answer = await case_text(session, account.language, found, now)
                journal_access(
                    session, case=found, account=account, what="Telegram: /case", now=now
                )
                await session.commit()
    log.info("staff command", command="case", staff=True, ref_given=bool(ref))
    await _answer(context.bot, chat.id, answer)


async def show_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: the staff commands; also sets this chat's menu, so a new account needs no restart."""
    svc = services(context)
    async with svc.db.session() as session:
        account = await staff_account(session, update)
    log.info("staff command", command="help", staff=account is not None)
    if account is None or account.telegram_chat_id is None:
        await family_help(update, svc)
        return
    lines = [f"/{c.command} — {c.description}" for c in _menu(account.language)]
    help_text = "\n".join([_text(account.language, texts.STAFF_HELP), *lines])
    await _answer(context.bot, account.telegram_chat_id, help_text)
    await _set_menu(context.bot, account)


def staff_handlers() -> list[CommandHandler[Any, None]]:
    """The staff commands, for ``handlers/telegram.py`` to register."""
    verbs = {"today": today, "alerts": alerts, "case": case, "help": show_help}
    return [CommandHandler(name, verbs[name]) for name in texts.STAFF_COMMANDS]


def _menu(language: str) -> list[BotCommand]:
    return [
        BotCommand(name, _text(language, about)) for name, about in texts.STAFF_COMMANDS.items()
    ]


async def _set_menu(bot: Bot, account: Account) -> bool:
    """The staff menu in the account's language for its chat alone; False if Telegram refused."""
    assert account.telegram_chat_id is not None
    scope = BotCommandScopeChat(account.telegram_chat_id)
    try:
        await bot.set_my_commands(_menu(account.language), scope=scope)
    except TelegramError as exc:
        log.warning("command menu not set", account_id=account.id, error=type(exc).__name__)
        return False
    return True


async def publish_command_menus(bot: Bot, db: Database) -> int:
    """Give every active staff account's chat the staff menu, and take it from the chats of
    disabled accounts (other chats keep the bot's default menu); returns how many were set."""
    async with db.session() as session:
        linked = list(
            await session.exec(select(Account).where(col(Account.telegram_chat_id).is_not(None)))
        )
    active = [account for account in linked if account.active]
    staff_chats = {account.telegram_chat_id for account in active}
    published = sum([await _set_menu(bot, account) for account in active])
    for chat_id in {a.telegram_chat_id for a in linked if a.telegram_chat_id not in staff_chats}:
        assert chat_id is not None
        try:
            await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id))
        except TelegramError as exc:
            log.warning("command menu not removed", error=type(exc).__name__)
    log.info("command menus", published=published, accounts=len(active))
    return published
