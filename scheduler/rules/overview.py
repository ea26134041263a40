"""The coordinator's morning overview: one message per coordinator over all their cases.

A coordinator with twenty cases should not have to open twenty journals to know what the day
holds: unacknowledged alerts, today's appointments and meetings, and what was missed since
yesterday, sent once a day at 08:00 in the coordinator's time zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import Select

from sigbot.journal import record
from sigbot.models import (
    MISS_REASONS,
    Appointment,
    Case,
    CaseStatus,
    ChannelKind,
    Escalation,
    EventStatus,
    JournalKind,
    Meeting,
    Member,
    MessageKind,
    OutboxMessage,
)
from sigbot.models.enums import STAFF_ROLES
from sigbot.outbox.messenger import Messenger
from sigbot.outbox.store import Route
from sigbot.timeutil import local_to_utc, zone

OVERVIEW_AT = time(8, 0)


@dataclass(frozen=True)
class Staffed:
    """One active or paused case and its coordinator's chat: all a tick reads to know who is
    due an overview (a few columns, not whole rows, for every case of a city)."""

    case_id: int
    timezone: str
    chat: int
    language: str


@dataclass
class Inbox:
    """What one coordinator (one Telegram chat) hears about this morning."""

    chat: int
    language: str
    day: date
    case_ids: list[int] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"overview|{self.chat}|{self.day.isoformat()}"


def inboxes(staffed: Iterable[Staffed], now: datetime) -> list[Inbox]:
    """Group cases by their coordinator's chat, for those whose 08:00 has come today."""
    found: dict[int, Inbox] = {}
    for row in staffed:
        try:
            tz = zone(row.timezone)
        except ValueError:
            continue  # one broken case must not cost every coordinator their overview
        today = now.astimezone(tz).date()
        if now < _local(today, OVERVIEW_AT, tz):
            continue
        inbox = found.setdefault(row.chat, Inbox(row.chat, row.language, today))
        inbox.case_ids.append(row.case_id)
    return list(found.values())


def case_line(
    case: Case, alerts: int, misses: int, today: list[tuple[datetime, str]]
) -> dict[str, object]:
    """One case's line: open alerts, misses since yesterday, today's times in local time."""
    tz = zone(case.timezone)
    return {
        "ref": case.ref,
        "paused": case.status == CaseStatus.PAUSED,
        "alerts": alerts,
        "misses": misses,
        "today": ", ".join(f"{at.astimezone(tz):%H:%M} {what}" for at, what in sorted(today)),
    }


def staffed_query() -> Select[int, str, int, str]:
    """Each active or paused case with its active coordinator's chat, in one query."""
    coordinator = and_(
        col(Member.case_id) == col(Case.id),
        col(Member.key) == col(Case.coordinator_key),
        col(Member.role).in_(STAFF_ROLES),
        col(Member.active),
        col(Member.telegram_chat_id).is_not(None),
    )
    query = (
        select(Case.id, Case.timezone, Member.telegram_chat_id, Member.language)
        .join(Member, coordinator)
        .where(col(Case.status).in_([CaseStatus.ACTIVE, CaseStatus.PAUSED]))
        .order_by(col(Case.id))
    )
    return query  # type: ignore[return-value]  # id and chat are never None (key, filter)


async def send_overviews(session: AsyncSession, messenger: Messenger, *, now: datetime) -> int:
    """Queue today's overview for every coordinator whose 08:00 has come; returns how many.

    On most ticks every overview due today went out already: that costs two queries."""
    staffed = [Staffed(*row) for row in await session.exec(staffed_query())]
    waiting = inboxes(staffed, now)
    if not waiting:
        return 0
    sent_today = await existing_keys(session, [inbox.key for inbox in waiting])
    queued = 0
    for inbox in waiting:
        if inbox.key in sent_today:
            continue  # already sent today: skip the counting
        queued += await _send(session, messenger, inbox, now)
    return queued


async def existing_keys(session: AsyncSession, keys: list[str]) -> set[str]:
    """Which of ``keys`` were queued already, in one query on the unique key index."""
    found = await session.exec(
        select(OutboxMessage.idempotency_key).where(col(OutboxMessage.idempotency_key).in_(keys))
    )
    return set(found)


async def _send(session: AsyncSession, messenger: Messenger, inbox: Inbox, now: datetime) -> int:
    cases = list(await session.exec(select(Case).where(col(Case.id).in_(inbox.case_ids))))
    lines = [await _line(session, case, now) for case in cases]
    new = await messenger.to_address(
        session,
        route=Route(ChannelKind.TELEGRAM, str(inbox.chat)),
        language=inbox.language,
        kind=MessageKind.DAILY_OVERVIEW,
        params={
            "date": inbox.day.isoformat(),
            "cases": sorted(lines, key=lambda line: str(line["ref"])),
        },
        key=inbox.key,
        now=now,
    )
    if new is None:
        return 0
    for case in cases:
        record(
            session,
            case_id=case.id,
            at=now,
            kind=JournalKind.OVERVIEW_SENT,
            summary="the case was in the coordinator's morning overview",
            data={"outbox_id": new},
        )
    return 1


def _local(day: date, at: time, tz: ZoneInfo) -> datetime:
    return local_to_utc(datetime.combine(day, at), tz, strict=False)


async def _line(session: AsyncSession, case: Case, now: datetime) -> dict[str, object]:
    tz = zone(case.timezone)
    day = now.astimezone(tz).date()
    start, end = _local(day, time(), tz), _local(day + timedelta(days=1), time(), tz)
    open_alerts = (
        select(func.count())
        .select_from(Escalation)
        .where(Escalation.case_id == case.id, col(Escalation.acknowledged_at).is_(None))
    )
    missed = (
        select(func.count())
        .select_from(Escalation)
        .where(
            Escalation.case_id == case.id,
            col(Escalation.reason).in_(MISS_REASONS),
            col(Escalation.created_at) >= now - timedelta(days=1),
        )
    )
    names = {
        m.id: m.name for m in await session.exec(select(Member).where(Member.case_id == case.id))
    }
    today: list[tuple[datetime, str]] = []
    for appointment in await session.exec(
        select(Appointment).where(
            Appointment.case_id == case.id,
            Appointment.status == EventStatus.PLANNED,
            col(Appointment.starts_at) >= start,
            col(Appointment.starts_at) < end,
        )
    ):
        who = names.get(appointment.member_id, "?")
        today.append((appointment.starts_at, f"{appointment.what} ({who})"))
    for meeting in await session.exec(
        select(Meeting).where(
            Meeting.case_id == case.id,
            Meeting.status == EventStatus.PLANNED,
            col(Meeting.starts_at) >= start,
            col(Meeting.starts_at) < end,
        )
    ):
        today.append((meeting.starts_at, f"{meeting.kind} meeting"))
    alerts = int((await session.exec(open_alerts)).one())
    misses = int((await session.exec(missed)).one())
    return case_line(case, alerts, misses, today)
