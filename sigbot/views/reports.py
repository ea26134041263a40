"""Reports: how a case, or a team's cases, went. Pure data; the pages draw the charts.

- Appointments that are past and not cancelled: kept, missed ("can't come"), unanswered (no
  answer in time), and unknown (said "I'm coming", or nothing was asked: whether they went is
  not known, so it is not counted as kept).
- Commitments kept and missed per life area per week: each check-in or due question about a
  commitment answered "done" (kept), "not done" or not at all (missed), in the week it was
  asked, as ``Commitment.outcomes`` counts them.
- Time from an alert to its acknowledgement by staff (not the ones closed because the person
  answered after all); the alert's time is when the escalation opened.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.access import visible_case_ids
from sigbot.domain.cases import row_id
from sigbot.models import (
    Account,
    Answer,
    Appointment,
    Area,
    Case,
    Commitment,
    Escalation,
    EscalationAction,
    EventStatus,
    OutboxMessage,
    SubjectType,
)
from sigbot.views.common import local_day
from sigbot.views.goals import AreaGoals, StatusChangeRow, goals_by_area, status_changes

__all__ = [
    "AckTimes",
    "AppointmentTally",
    "AreaGoals",
    "AreaWeek",
    "ClosingSummary",
    "Report",
    "StatusChangeRow",
    "case_report",
    "closing_summary",
    "team_report",
]
KEPT_OR_MISSED = (Answer.YES, Answer.NO, Answer.NONE)


@dataclass(frozen=True)
class AppointmentTally:
    kept: int = 0
    missed: int = 0
    unanswered: int = 0
    unknown: int = 0


@dataclass(frozen=True)
class AreaWeek:
    """Commitments of one life area kept and missed in one week (``week``: its Monday, in the
    case's time zone)."""

    week: date
    area: str
    kept: int
    missed: int


@dataclass(frozen=True)
class AckTimes:
    """How long alerts waited for staff: acknowledged ones (median, longest) and those still
    open (how many, and how long the oldest has waited by ``now``)."""

    acknowledged: int
    median: timedelta | None
    longest: timedelta | None
    open: int
    oldest_open: timedelta | None


@dataclass(frozen=True)
class Report:
    cases: int
    appointments: AppointmentTally
    areas: tuple[AreaWeek, ...]
    acks: AckTimes


@dataclass(frozen=True)
class ClosingSummary:
    """A printable summary of a case: its dates, its goals per life area and what was kept,
    and how its appointments went."""

    ref: str
    status: str
    status_reason: str | None
    outcome: str | None
    timezone: str
    dates: tuple[StatusChangeRow, ...]
    areas: tuple[AreaGoals, ...]
    appointments: AppointmentTally


async def case_report(
    session: AsyncSession, case: Case, now: datetime, *, since: datetime | None = None
) -> Report:
    """One case's report (the caller has checked the account may see it), from ``since``."""
    return await _report(session, [row_id(case)], now, since)


async def team_report(
    session: AsyncSession, account: Account, now: datetime, *, since: datetime | None = None
) -> Report:
    """The report over every case the account may see (a team lead: the team's), from
    ``since``."""
    ids = list(
        await session.exec(select(Case.id).where(col(Case.id).in_(visible_case_ids(account))))
    )
    return await _report(session, ids, now, since)


async def _report(
    session: AsyncSession, case_ids: list[int | None], now: datetime, since: datetime | None
) -> Report:
    return Report(
        cases=len(case_ids),
        appointments=await appointment_tally(session, case_ids, until=now, since=since),
        areas=tuple(await areas_by_week(session, case_ids, since=since)),
        acks=await ack_times(session, case_ids, now, since=since),
    )


def _from(column: Any, since: datetime | None) -> list[ColumnElement[bool]]:
    return [] if since is None else [col(column) >= since]


async def appointment_tally(
    session: AsyncSession,
    case_ids: list[int | None],
    *,
    until: datetime | None,
    since: datetime | None = None,
) -> AppointmentTally:
    """Appointments not cancelled that began before ``until`` (None: all), by what is known.

    Unanswered: a reminder asked and no answer came in time (the question's answer is
    ``none``; the appointment keeps "pending").
    """
    counted = select(Appointment.id).where(
        col(Appointment.case_id).in_(case_ids),
        col(Appointment.status) != EventStatus.CANCELLED,
        *([] if until is None else [col(Appointment.starts_at) <= until]),
        *_from(Appointment.starts_at, since),
    )
    rows = await session.exec(
        select(Appointment.id, Appointment.status, Appointment.answer).where(
            col(Appointment.id).in_(counted)
        )
    )
    silent = set(
        await session.exec(
            select(OutboxMessage.subject_id).where(
                col(OutboxMessage.subject_type) == SubjectType.APPOINTMENT,
                col(OutboxMessage.subject_id).in_(counted),
                col(OutboxMessage.answer) == Answer.NONE,
            )
        )
    )
    counts: Counter[str] = Counter()
    for appointment_id, status, answer in rows:
        if status == EventStatus.KEPT:
            counts["kept"] += 1
        elif status == EventStatus.MISSED:
            counts["missed"] += 1
        elif answer == Answer.PENDING and appointment_id in silent:
            counts["unanswered"] += 1
        else:
            counts["unknown"] += 1
    return AppointmentTally(**counts)


async def areas_by_week(
    session: AsyncSession, case_ids: list[int | None], *, since: datetime | None = None
) -> list[AreaWeek]:
    """Commitment questions kept and missed, per week and life area, oldest week first."""
    asked = func.coalesce(col(OutboxMessage.sent_at), col(OutboxMessage.due_at))
    query = (
        select(OutboxMessage.answer, asked, Commitment.area, Case.timezone)
        .join(
            Commitment,
            and_(
                col(OutboxMessage.subject_type) == SubjectType.COMMITMENT,
                col(OutboxMessage.subject_id) == col(Commitment.id),
            ),
        )
        .join(Case, col(Case.id) == col(Commitment.case_id))
        .where(
            col(Commitment.case_id).in_(case_ids),
            col(OutboxMessage.answer).in_(KEPT_OR_MISSED),
            *_from(OutboxMessage.due_at, since),
        )
    )
    kept: Counter[tuple[date, str]] = Counter()
    missed: Counter[tuple[date, str]] = Counter()
    for answer, at, area, tz_name in await session.exec(query):
        day = local_day(at, tz_name)
        bucket = (day - timedelta(days=day.weekday()), area)
        (kept if answer == Answer.YES else missed)[bucket] += 1
    order = {area.value: n for n, area in enumerate(Area)}
    buckets = sorted(set(kept) | set(missed), key=lambda b: (b[0], order.get(b[1], len(order))))
    return [AreaWeek(week, area, kept[week, area], missed[week, area]) for week, area in buckets]


async def ack_times(
    session: AsyncSession,
    case_ids: list[int | None],
    now: datetime,
    *,
    since: datetime | None = None,
) -> AckTimes:
    """How long alerts opened since ``since`` waited for a member of staff."""
    query = select(Escalation.created_at, Escalation.acknowledged_at, Escalation.action).where(
        col(Escalation.case_id).in_(case_ids), *_from(Escalation.created_at, since)
    )
    waited: list[timedelta] = []
    waiting: list[timedelta] = []
    for created_at, acknowledged_at, action in await session.exec(query):
        if acknowledged_at is None:
            waiting.append(now - created_at)
        elif action != EscalationAction.ANSWERED_LATE:
            waited.append(acknowledged_at - created_at)
    return AckTimes(
        acknowledged=len(waited),
        median=_median(waited),
        longest=max(waited, default=None),
        open=len(waiting),
        oldest_open=max(waiting, default=None),
    )


def _median(values: list[timedelta]) -> timedelta | None:
    """The middle value (the mean of the two middle ones for an even count)."""
    if not values:
        return None
    ordered, half = sorted(values), len(values) // 2
    return ordered[half] if len(values) % 2 else (ordered[half - 1] + ordered[half]) / 2


async def closing_summary(
    session: AsyncSession, case: Case, now: datetime | None = None
) -> ClosingSummary:
    """The case's closing summary (the caller has checked the account may see it); its
    appointments counted up to ``now`` (None: all of them, as for a closed case)."""
    case_id = row_id(case)
    return ClosingSummary(
        ref=case.ref,
        status=case.status,
        status_reason=case.status_reason,
        outcome=case.outcome,
        timezone=case.timezone,
        dates=tuple(await status_changes(session, case_id)),
        areas=tuple(await goals_by_area(session, case_id)),
        appointments=await appointment_tally(session, [case_id], until=now),
    )
