"""The case's life cycle (docs/domain.md, "Life cycle of a case"): pause, resume, close, rest.
Every client moves a case through these, so a status change always leaves a
``case_status_change`` row and a ``case.status`` journal entry whose data carries what each
reader's sentence needs (sigbot/journal_templates.py).

The one door to case operations: creating a case, its settings, its coordinators and the shared
:class:`RuleBroken` and :data:`KEEP` live in ``case_setup`` and are re-exported here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.case_setup import CLOSING as CLOSING
from sigbot.domain.case_setup import DEFAULT_PAUSE as DEFAULT_PAUSE
from sigbot.domain.case_setup import DEFAULT_QUIET_HOURS as DEFAULT_QUIET_HOURS
from sigbot.domain.case_setup import KEEP as KEEP
from sigbot.domain.case_setup import CaseSettings as CaseSettings
from sigbot.domain.case_setup import Keep as Keep
from sigbot.domain.case_setup import RuleBroken as RuleBroken
from sigbot.domain.case_setup import change_settings as change_settings
from sigbot.domain.case_setup import check_outcome as check_outcome
from sigbot.domain.case_setup import create_case as create_case
from sigbot.domain.case_setup import hand_over as hand_over
from sigbot.domain.case_setup import row_id as row_id
from sigbot.journal import record
from sigbot.models import Case, CaseStatus, CaseStatusChange, JournalKind
from sigbot.timeutil import ensure_utc, zone


def status_summary(
    previous: str, status: str, *, reason: str | None, planned_end: datetime | None, tz_name: str
) -> str:
    """The journal's words for a status change: "status active → paused (why), until DATE"."""
    summary = f"status {previous} → {status}"
    if reason:
        summary += f" ({reason})"
    if planned_end is not None:
        summary += f", until {planned_end.astimezone(zone(tz_name)).date().isoformat()}"
    return summary


def status_data(
    previous: str, status: str, *, reason: str | None, planned_end: datetime | None, tz_name: str
) -> dict[str, Any]:
    """The ``case.status`` entry's data, each field its templates name: the end as a UTC
    moment (a reader sees the day in ``tz``), and no reason when it is empty, as the summary."""
    return {
        "previous": str(previous),
        "status": str(status),
        "reason": reason or None,
        "planned_end": None if planned_end is None else ensure_utc(planned_end).isoformat(),
        "tz": tz_name,
    }


def _check_move(
    previous: str, wanted: CaseStatus, *, planned_end: datetime | None, outcome: str | None
) -> None:
    if previous == wanted:
        raise RuleBroken(f"the case is {wanted} already")
    check_outcome(wanted, outcome)
    if planned_end is not None and wanted not in (CaseStatus.PAUSED, CaseStatus.RESTING):
        raise RuleBroken("only a paused or resting case has an end date")


def _move(
    case: Case,
    wanted: CaseStatus,
    *,
    now: datetime,
    reason: str | None,
    planned_end: datetime | None,
    outcome: str | None,
) -> None:
    """Set the case's status fields; closed → resting keeps what the closing said."""
    tail_of_closing = wanted in CLOSING and case.status in CLOSING
    case.paused_until = planned_end if wanted == CaseStatus.PAUSED else None
    if wanted == CaseStatus.RESTING and planned_end is not None:
        case.resting_until = planned_end
    case.status = wanted
    case.status_since = now
    case.updated_at = now
    if reason is not None or not tail_of_closing:
        case.status_reason = reason
    if outcome is not None or not tail_of_closing:
        case.outcome = outcome


async def change_status(
    session: AsyncSession,
    *,
    case: Case,
    status: str,
    now: datetime,
    reason: str | None = None,
    planned_end: datetime | None = None,
    outcome: str | None = None,
    summary: str | None = None,
) -> None:
    """Move the case in its life cycle, with a ``case_status_change`` row and a ``case.status``
    entry. A pause ends at ``planned_end`` (default about two months); a resting case rests
    until ``planned_end``. Going from closed to resting keeps the closing's reason and outcome
    unless new ones are given: resting is the tail of a closing (docs/plan-file.md)."""
    wanted = CaseStatus(status)
    previous = case.status
    _check_move(previous, wanted, planned_end=planned_end, outcome=outcome)
    if wanted == CaseStatus.PAUSED:
        planned_end = planned_end or now + DEFAULT_PAUSE
    _move(case, wanted, now=now, reason=reason, planned_end=planned_end, outcome=outcome)
    session.add(case)
    session.add(
        CaseStatusChange(
            case_id=row_id(case),
            from_status=previous,
            to_status=wanted,
            at=now,
            reason=reason,
            planned_end=planned_end,
        )
    )
    tz_name = case.timezone
    summary = summary or status_summary(
        previous, wanted, reason=reason, planned_end=planned_end, tz_name=tz_name
    )
    data = status_data(previous, wanted, reason=reason, planned_end=planned_end, tz_name=tz_name)
    record(
        session, case_id=case.id, at=now, kind=JournalKind.CASE_STATUS, summary=summary, data=data
    )


async def pause(
    session: AsyncSession,
    *,
    case: Case,
    now: datetime,
    until: datetime | None = None,
    reason: str | None = None,
) -> None:
    """Hold reminders and check-ins until ``until`` (default about two months)."""
    await change_status(
        session, case=case, status=CaseStatus.PAUSED, now=now, reason=reason, planned_end=until
    )


async def set_pause_end(
    session: AsyncSession, *, case: Case, until: datetime, now: datetime
) -> bool:
    """Move the end of the current pause; True when it changed (the caller's entry says so)."""
    if case.status != CaseStatus.PAUSED:
        raise RuleBroken("only a paused case has a pause end")
    if case.paused_until == until:
        return False
    case.paused_until = until
    case.updated_at = now
    session.add(case)
    return True


async def resume(
    session: AsyncSession, *, case: Case, now: datetime, reason: str | None = None
) -> None:
    """Make a proposed, paused or closed case active again."""
    await change_status(session, case=case, status=CaseStatus.ACTIVE, now=now, reason=reason)


async def close(
    session: AsyncSession,
    *,
    case: Case,
    now: datetime,
    outcome: str | None = None,
    reason: str | None = None,
) -> None:
    """Close the case; the scheduler then moves it to the resting list."""
    await change_status(
        session, case=case, status=CaseStatus.CLOSED, now=now, reason=reason, outcome=outcome
    )
