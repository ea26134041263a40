"""The coordinator's morning overview: one message per coordinator over all their cases.

A coordinator with twenty cases should not have to open twenty journals to know what the day
holds: unacknowledged alerts, today's appointments and meetings, and what was missed since
yesterday, sent once a day at 08:00 in the coordinator's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.journal import record
from sigbot.models import (
    Appointment,
    Case,
    CaseStatus,
    Escalation,
    EventStatus,
    Meeting,
    Member,
)
from sigbot.outbox.messenger import Messenger
from sigbot.outbox.store import Route
from sigbot.timeutil import local_to_utc, zone

OVERVIEW_AT = time(8, 0)
MISS_REASONS = ("cannot_come", "not_done", "no_reply", "overdue")


@dataclass
class _Inbox:
    """What one coordinator (one Telegram chat) hears about this morning."""

    language: str
    tz: str
    cases: list[Case] = field(default_factory=list)
    lines: list[dict[str, object]] = field(default_factory=list)


async def send_overviews(session: AsyncSession, messenger: Messenger, *, now: datetime) -> int:
    """Queue today's overview for every coordinator whose 08:00 has come; returns how many."""
    cases = list(
        await session.exec(
            select(Case).where(col(Case.status).in_([CaseStatus.ACTIVE, CaseStatus.PAUSED]))
        )
    )
    inboxes: dict[int, _Inbox] = {}
    for case in cases:
        assert case.id is not None
        tz = zone(case.timezone)
        today = now.astimezone(tz).date()
        if now < local_to_utc(datetime.combine(today, OVERVIEW_AT), tz, strict=False):
            continue
        coordinator = (
            await session.exec(
                select(Member).where(
                    Member.case_id == case.id,
                    Member.key == case.coordinator_key,
                    col(Member.active),
                )
            )
        ).first()
        if coordinator is None or coordinator.telegram_chat_id is None:
            continue
        inbox = inboxes.setdefault(
            coordinator.telegram_chat_id, _Inbox(coordinator.language, case.timezone)
        )
        inbox.cases.append(case)
    queued = 0
    for chat, inbox in inboxes.items():
        today = now.astimezone(zone(inbox.tz)).date()
        if await messenger.exists(session, f"overview|{chat}|{today.isoformat()}"):
            continue  # already sent today: skip the counting
        for case in inbox.cases:
            inbox.lines.append(await _case_line(session, case, now))
        new = await messenger.to_address(
            session,
            route=Route("telegram", str(chat)),
            language=inbox.language,
            kind="daily_overview",
            params={
                "date": today.isoformat(),
                "cases": sorted(inbox.lines, key=lambda line: str(line["ref"])),
            },
            key=f"overview|{chat}|{today.isoformat()}",
            now=now,
        )
        if new is None:
            continue
        queued += 1
        for case in inbox.cases:
            record(
                session,
                case_id=case.id,
                at=now,
                kind="overview.sent",
                summary="the case was in the coordinator's morning overview",
                data={"outbox_id": new},
            )
    return queued


async def _case_line(session: AsyncSession, case: Case, now: datetime) -> dict[str, object]:
    tz = zone(case.timezone)
    day = now.astimezone(tz).date()
    start = local_to_utc(datetime.combine(day, time()), tz, strict=False)
    end = local_to_utc(datetime.combine(day + timedelta(days=1), time()), tz, strict=False)
    alerts = (
        await session.exec(
            select(func.count())
            .select_from(Escalation)
            .where(Escalation.case_id == case.id, col(Escalation.acknowledged_at).is_(None))
        )
    ).one()
    misses = (
        await session.exec(
            select(func.count())
            .select_from(Escalation)
            .where(
                Escalation.case_id == case.id,
                col(Escalation.reason).in_(MISS_REASONS),
                col(Escalation.created_at) >= now - timedelta(days=1),
            )
        )
    ).one()
    names = {
        m.id: m.name for m in await session.exec(select(Member).where(Member.case_id == case.id))
    }
    events: list[tuple[datetime, str]] = []
    for appointment in await session.exec(
        select(Appointment).where(
            Appointment.case_id == case.id,
            Appointment.status == EventStatus.PLANNED,
            col(Appointment.starts_at) >= start,
            col(Appointment.starts_at) < end,
        )
    ):
        who = names.get(appointment.member_id, "?")
        events.append((appointment.starts_at, f"{appointment.what} ({who})"))
    for meeting in await session.exec(
        select(Meeting).where(
            Meeting.case_id == case.id,
            Meeting.status == EventStatus.PLANNED,
            col(Meeting.starts_at) >= start,
            col(Meeting.starts_at) < end,
        )
    ):
        events.append((meeting.starts_at, f"{meeting.kind} meeting"))
    today = ", ".join(
        f"{at.astimezone(tz).strftime('%H:%M')} {what}" for at, what in sorted(events)
    )
    return {
        "ref": case.ref,
        "paused": case.status == CaseStatus.PAUSED,
        "alerts": int(alerts),
        "misses": int(misses),
        "today": today,
    }
