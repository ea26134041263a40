"""My day: what a coordinator or team lead needs to see this morning over all their cases.

Open alerts, today's appointments and meetings (today in each case's time zone), what was missed
since yesterday began, consents that end within 30 days, and active cases with no network
meeting planned in the next four weeks (docs/architecture.md, "Meetings").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, exists, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.access import visible_case_ids
from sigbot.models import (
    MISS_REASONS,
    Account,
    Appointment,
    Case,
    CaseStatus,
    Consent,
    Escalation,
    EventStatus,
    Meeting,
    MeetingKind,
    Member,
)
from sigbot.views.alerts import AlertRow, open_alerts
from sigbot.views.common import DAY_MARGIN, FOLLOWED, day_start, local_day
from sigbot.views.events import EventRow, appointments_where, meetings_where

CONSENT_WARNING = timedelta(days=30)
MEETING_EVERY = timedelta(days=28)


@dataclass(frozen=True)
class MissRow:
    """Something missed: "can't come", "not done", no answer in time, or a commitment overdue
    (``reason``, an ``EscalationReason``); each opened an alert, ``alert_id``."""

    case_ref: str
    alert_id: int
    at: datetime
    reason: str
    what: str
    answer: str | None
    member: str | None
    acknowledged: bool
    timezone: str


@dataclass(frozen=True)
class ConsentEnding:
    """A consent that ends within 30 days. ``valid_until`` is the first moment it no longer
    holds, ``last_day`` the last day it does (in the case's time zone); ``given_by`` and
    ``share_with`` are names, as a page over many cases shows them."""

    case_ref: str
    consent_key: str
    valid_until: datetime
    last_day: date
    days_left: int
    given_by: tuple[str, ...]
    share_with: tuple[str, ...]
    timezone: str


@dataclass(frozen=True)
class NoMeeting:
    """An active case with no network meeting planned within four weeks: when the last one
    was, and the next one if it is planned further away."""

    case_ref: str
    last_at: datetime | None
    next_at: datetime | None
    timezone: str


@dataclass(frozen=True)
class DayView:
    alerts: tuple[AlertRow, ...]
    today: tuple[EventRow, ...]
    misses: tuple[MissRow, ...]
    consents_ending: tuple[ConsentEnding, ...]
    no_meeting: tuple[NoMeeting, ...]


async def my_day(session: AsyncSession, account: Account, now: datetime) -> DayView:
    """Everything on the account's day page, over every case it may see."""
    return DayView(
        alerts=tuple(await open_alerts(session, account)),
        today=tuple(await todays_events(session, account, now)),
        misses=tuple(await misses_since_yesterday(session, account, now)),
        consents_ending=tuple(await consents_ending(session, account, now)),
        no_meeting=tuple(await without_meeting(session, account, now)),
    )


def _is_today(row: EventRow, now: datetime) -> bool:
    return local_day(row.at, row.timezone) == local_day(now, row.timezone)


async def todays_events(session: AsyncSession, account: Account, now: datetime) -> list[EventRow]:
    """Today's appointments and meetings that are not cancelled, by time."""
    visible = col(Case.id).in_(visible_case_ids(account))
    followed = col(Case.status).in_(FOLLOWED)
    lo, hi = now - DAY_MARGIN, now + DAY_MARGIN
    appointments = await appointments_where(
        session,
        visible,
        followed,
        col(Appointment.starts_at) > lo,
        col(Appointment.starts_at) < hi,
        col(Appointment.status) != EventStatus.CANCELLED,
    )
    meetings = await meetings_where(
        session,
        visible,
        followed,
        col(Meeting.starts_at) > lo,
        col(Meeting.starts_at) < hi,
        col(Meeting.status) != EventStatus.CANCELLED,
    )
    rows = [row for row in appointments + meetings if _is_today(row, now)]
    return sorted(rows, key=lambda row: (row.at, row.kind, row.id))


async def misses_since_yesterday(
    session: AsyncSession, account: Account, now: datetime
) -> list[MissRow]:
    """What was missed since yesterday began (in each case's time zone), newest first.

    A miss is what the morning overview counts (``scheduler/rules/overview.py``): an alert for
    "can't come", "not done", no answer in time or a commitment overdue. Each miss opens one
    alert, so the alert is the record of it, with what, who and what they answered.
    """
    query = (
        select(Escalation, Case, Member)
        .join(Case, col(Case.id) == col(Escalation.case_id))
        .outerjoin(Member, col(Member.id) == col(Escalation.member_id))
        .where(
            col(Case.id).in_(visible_case_ids(account)),
            col(Escalation.reason).in_(MISS_REASONS),
            col(Escalation.created_at) > now - timedelta(days=1) - DAY_MARGIN,
        )
        .order_by(col(Escalation.created_at).desc(), col(Escalation.id).desc())
    )
    rows = []
    for escalation, case, member in await session.exec(query):
        since = day_start(local_day(now, case.timezone) - timedelta(days=1), case.timezone)
        if escalation.created_at < since or escalation.id is None:
            continue
        detail = escalation.detail or {}
        rows.append(
            MissRow(
                case_ref=case.ref,
                alert_id=escalation.id,
                at=escalation.created_at,
                reason=escalation.reason,
                what=str(detail.get("what") or ""),
                answer=detail.get("answer"),
                member=member.name if member is not None else detail.get("who"),
                acknowledged=escalation.acknowledged_at is not None,
                timezone=case.timezone,
            )
        )
    return rows


async def consents_ending(
    session: AsyncSession, account: Account, now: datetime
) -> list[ConsentEnding]:
    """Consents of followed cases, not withdrawn, that end within 30 days; soonest first."""
    query = (
        select(Consent, Case)
        .join(Case, col(Case.id) == col(Consent.case_id))
        .where(
            col(Case.id).in_(visible_case_ids(account)),
            col(Case.status).in_(FOLLOWED),
            col(Consent.withdrawn_at).is_(None),
            col(Consent.valid_until) > now,
            col(Consent.valid_until) <= now + CONSENT_WARNING,
        )
        .order_by(col(Consent.valid_until), col(Case.ref), col(Consent.key))
    )
    found = list(await session.exec(query))
    names = await _names(session, {consent.case_id for consent, _ in found})
    return [
        ConsentEnding(
            case_ref=case.ref,
            consent_key=consent.key,
            valid_until=consent.valid_until,
            last_day=local_day(consent.valid_until - timedelta(microseconds=1), case.timezone),
            days_left=-(-(consent.valid_until - now) // timedelta(days=1)),
            given_by=tuple(names.get((case.id, k), k) for k in consent.given_by or ()),
            share_with=tuple(names.get((case.id, k), k) for k in consent.share_with or ()),
            timezone=case.timezone,
        )
        for consent, case in found
    ]


async def _names(session: AsyncSession, case_ids: set[int]) -> dict[tuple[int | None, str], str]:
    """The name of every member of ``case_ids``, by (case id, member key)."""
    query = select(Member.case_id, Member.key, Member.name).where(col(Member.case_id).in_(case_ids))
    return {(case_id, key): name for case_id, key, name in await session.exec(query)}


async def without_meeting(
    session: AsyncSession, account: Account, now: datetime
) -> list[NoMeeting]:
    """Active cases with no network meeting planned within the next four weeks, by reference."""
    soon = exists().where(
        col(Meeting.case_id) == col(Case.id),
        col(Meeting.kind) == MeetingKind.NETWORK,
        col(Meeting.status) == EventStatus.PLANNED,
        col(Meeting.starts_at) > now,
        col(Meeting.starts_at) <= now + MEETING_EVERY,
    )
    query = (
        select(Case)
        .where(
            col(Case.id).in_(visible_case_ids(account)),
            col(Case.status) == CaseStatus.ACTIVE,
            ~soon,
        )
        .order_by(col(Case.ref))
    )
    cases = list(await session.exec(query))
    ids = [case.id for case in cases]
    last = await _meeting_times(session, ids, func.max, col(Meeting.starts_at) <= now)
    later = await _meeting_times(
        session,
        ids,
        func.min,
        col(Meeting.starts_at) > now,
        col(Meeting.status) == EventStatus.PLANNED,
    )
    return [
        NoMeeting(case.ref, last.get(case.id), later.get(case.id), case.timezone) for case in cases
    ]


async def _meeting_times(
    session: AsyncSession, case_ids: list[int | None], pick: Any, *where: ColumnElement[bool]
) -> dict[int | None, datetime]:
    """One time per case (``pick``: the latest or the earliest) of its network meetings not
    cancelled that match ``where``."""
    query = (
        select(Meeting.case_id, pick(Meeting.starts_at))
        .where(
            col(Meeting.case_id).in_(case_ids),
            col(Meeting.kind) == MeetingKind.NETWORK,
            col(Meeting.status) != EventStatus.CANCELLED,
            *where,
        )
        .group_by(col(Meeting.case_id))
    )
    return {case_id: at for case_id, at in await session.exec(query)}
