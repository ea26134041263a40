"""Erasing people: their member rows, every message to or from them, and their names, numbers
and words in every text of the cases concerned (docs/privacy.md, "Erasure"). The events stay,
with the person shown as ``[erased]``; what was queued for them is cancelled."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, false, or_
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.cases import row_id
from sigbot.domain.rights.people import addresses_of
from sigbot.domain.rights.scrub import ERASED, Scrubber
from sigbot.messages.replies import ReplyKind
from sigbot.models import (
    Appointment,
    Case,
    CaseStatusChange,
    ChannelKind,
    Commitment,
    Consent,
    ContactAddress,
    Escalation,
    InboundMessage,
    InviteCode,
    JournalEntry,
    Meeting,
    Member,
    OutboxMessage,
    OutboxState,
)

M = TypeVar("M", bound=SQLModel)
# A reply that is one of the answer words (1, JA, HJÄLP, STOP...) says only what it means, which
# the journal keeps; free text is the person's own words and is looked for everywhere.
ANSWERS = frozenset({ReplyKind.YES, ReplyKind.HELP, ReplyKind.NO, ReplyKind.STOP, ReplyKind.START})
QUEUED = (OutboxState.PENDING, OutboxState.CLAIMED)
# The free-text columns of each table that belongs to a case: where names and words can stand.
CASE_TEXTS: tuple[tuple[type[SQLModel], tuple[str, ...]], ...] = (
    (Escalation, ("detail",)),
    (Commitment, ("text",)),
    (Appointment, ("what", "place")),
    (Meeting, ("place",)),
    (Consent, ("withdrawn_reason",)),
    (CaseStatusChange, ("reason",)),
)


@dataclass(frozen=True)
class Scope:
    """Whom an erasure is about and how far it reaches.

    ``everywhere``: also what carries their number or chat outside ``case_ids`` (texts from an
    unknown sender, answers to them); a request reaches that far, retention only its case.
    """

    people: Sequence[Member]
    case_ids: frozenset[int]
    everywhere: bool


async def erase_people(session: AsyncSession, scope: Scope, now: datetime) -> Counter[int]:
    """Erase ``scope``; returns how many queued messages were cancelled, per case."""
    ids = {row_id(p) for p in scope.people}
    phones, chats = addresses_of(list(scope.people))
    addresses = phones | {str(c) for c in chats}
    inbound = await _rows(session, InboundMessage, _reach(InboundMessage, scope, ids, addresses))
    outbox = await _rows(session, OutboxMessage, _reach(OutboxMessage, scope, ids, addresses))
    said = [row.body for row in inbound if row.reply_kind not in ANSWERS]
    theirs = {row_id(r) for r in outbox if r.member_id in ids or r.address in addresses}
    quoted = Scrubber.of_words(said)
    quoting = {row_id(r) for r in outbox if r.id not in theirs and quoted.quotes(r.params)}
    scrubber = Scrubber(
        names=[p.name for p in scope.people],
        numbers=phones,
        chats=chats,
        words=[*said, *(r.body for r in outbox if r.id in quoting)],
    )
    for row in inbound:
        row.body, row.address = ERASED, ERASED
        session.add(row)
    # The text of a message to them is generic wording plus their name: it goes from the journal
    # line of that message only (the same wording to someone else stays).
    bodies = {row_id(r): r.body for r in outbox if r.id in theirs and r.body}
    cancelled = _erase_outbox(session, outbox, theirs, quoting, scrubber)
    await _erase_escalations(session, ids)
    await _scrub_journal(session, scope, scrubber, bodies)
    for model, columns in CASE_TEXTS:
        condition = col(getattr(model, "case_id")).in_(scope.case_ids)  # noqa: B009
        await _scrub_rows(session, model, columns, condition, scrubber)
    await _scrub_rows(session, Case, ("status_reason",), col(Case.id).in_(scope.case_ids), scrubber)
    _erase_members(session, scope.people, now)
    await session.flush()
    await _forget_addresses(session, phones, chats)
    await _forget_invites(session, ids, chats if scope.everywhere else set())
    return cancelled


def _reach(
    model: type[InboundMessage] | type[OutboxMessage],
    scope: Scope,
    ids: set[int],
    addresses: set[str],
) -> ColumnElement[bool]:
    """Rows of the scope's cases, and with ``everywhere`` every row to, from or about them."""
    condition: ColumnElement[bool] = col(model.case_id).in_(scope.case_ids)
    if scope.everywhere:
        condition = or_(condition, col(model.member_id).in_(ids), col(model.address).in_(addresses))
    return condition


async def _rows(session: AsyncSession, model: type[M], condition: ColumnElement[bool]) -> list[M]:
    return list(await session.exec(select(model).where(condition)))


def _erase_outbox(
    session: AsyncSession,
    outbox: list[OutboxMessage],
    theirs: set[int],
    quoting: set[int],
    scrubber: Scrubber,
) -> Counter[int]:
    """Their messages lose body and address (queued ones are cancelled); messages quoting what
    they wrote lose their body; every other message loses their name and number."""
    cancelled: Counter[int] = Counter()
    for row in outbox:
        if row.id in theirs and row.state in QUEUED:
            row.state, row.last_error = OutboxState.CANCELLED, "erased"
            cancelled[row.case_id or 0] += 1
        if row.id in theirs:
            row.address = ERASED
        row.body = ERASED if row.id in theirs | quoting else scrubber.text(row.body)
        row.params = scrubber.value(dict(row.params or {}))
        row.last_error = scrubber.text(row.last_error) if row.last_error else row.last_error
        if scrubber.text(row.idempotency_key) != row.idempotency_key:
            # A key can hold a number ("unknown-sender|sms|+46...|day"); keep it unique.
            row.idempotency_key = f"erased|{row.id}"
        session.add(row)
    return cancelled


async def _erase_escalations(session: AsyncSession, ids: set[int]) -> None:
    """An escalation about them keeps its reason and level; who and their answer go."""
    condition = col(Escalation.member_id).in_(ids)
    for row in await _rows(session, Escalation, condition):
        detail: dict[str, Any] = dict(row.detail or {})
        detail.update({k: ERASED for k in ("who", "answer") if detail.get(k) is not None})
        row.detail = detail
        session.add(row)


async def _scrub_journal(
    session: AsyncSession, scope: Scope, scrubber: Scrubber, bodies: dict[int, str]
) -> None:
    """Their names and words in every line; a line about a message to them loses its text."""
    condition: ColumnElement[bool] = col(JournalEntry.case_id).in_(scope.case_ids)
    if scope.everywhere:
        condition = or_(condition, col(JournalEntry.case_id).is_(None))
    for entry in await _rows(session, JournalEntry, condition):
        outbox_id = (entry.data or {}).get("outbox_id")
        body = bodies.get(outbox_id) if isinstance(outbox_id, int) else None
        if body and body in entry.summary:
            entry.summary = entry.summary.replace(body, ERASED)
            session.add(entry)
    await _scrub_rows(session, JournalEntry, ("summary", "data"), condition, scrubber)


async def _scrub_rows(
    session: AsyncSession,
    model: type[M],
    columns: tuple[str, ...],
    condition: ColumnElement[bool],
    scrubber: Scrubber,
) -> None:
    """Replace the secrets in ``columns`` of every row of ``model`` that meets ``condition``."""
    for row in await _rows(session, model, condition):
        changed = False
        for name in columns:
            old = getattr(row, name)
            new = scrubber.value(old)
            if new != old:
                setattr(row, name, new)
                changed = True
        if changed:
            session.add(row)


def _erase_members(session: AsyncSession, people: Sequence[Member], now: datetime) -> None:
    """Name, numbers and organisation go; the key, role and language stay for the journal."""
    for person in people:
        person.name = ERASED
        person.phone = None
        person.telegram_chat_id = None
        person.organisation = None
        person.channel = None
        person.active = False
        person.updated_at = now
        session.add(person)


async def _forget_addresses(session: AsyncSession, phones: set[str], chats: set[int]) -> None:
    """Forget the state of their number and chat, unless another member row still uses it."""
    still = await _rows(
        session,
        Member,
        or_(col(Member.phone).in_(phones), col(Member.telegram_chat_id).in_(chats)),
    )
    gone = {(ChannelKind.SMS, p) for p in phones - {m.phone for m in still}}
    gone |= {(ChannelKind.TELEGRAM, str(c)) for c in chats - {m.telegram_chat_id for m in still}}
    if not gone:
        return
    addresses = {address for _, address in gone}
    for row in await _rows(session, ContactAddress, col(ContactAddress.address).in_(addresses)):
        if (row.channel, row.address) in gone:
            await session.delete(row)


async def _forget_invites(session: AsyncSession, ids: set[int], chats: set[int]) -> None:
    """Invitation codes keep when they were used, not by which chat."""
    condition = or_(col(InviteCode.member_id).in_(ids), col(InviteCode.used_by_chat).in_(chats))
    for row in await _rows(session, InviteCode, condition if ids or chats else false()):
        row.used_by_chat = None
        session.add(row)
