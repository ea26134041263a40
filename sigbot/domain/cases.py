"""The case itself: creating it, its settings, its life cycle (docs/domain.md, "Life cycle of a
case") and who coordinates it. Every client moves a case through these, so a status change
always leaves a ``case_status_change`` row and a ``case.status`` journal entry. Shared by all
domain operations: the :class:`RuleBroken` error and the :data:`KEEP` marker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, Final

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.journal import record
from sigbot.models import Case, CaseStatus, CaseStatusChange, EscalationLevel, JournalKind, Member
from sigbot.models.enums import STAFF_ROLES
from sigbot.models.messaging import HandOver
from sigbot.timeutil import zone
from sigbot.timing import QUIET_HOURS_DEFAULT, QuietHours, parse_quiet_hours

DEFAULT_PAUSE = timedelta(days=61)  # "about two months" (docs/plan-file.md)
DEFAULT_QUIET_HOURS = parse_quiet_hours(QUIET_HOURS_DEFAULT)
CLOSING = frozenset({CaseStatus.CLOSED, CaseStatus.RESTING})


class RuleBroken(ValueError):
    """A change the domain refuses; the message says why, in words a coordinator can act on."""


class Keep(Enum):
    """Marks an argument left out of a change, where None would mean "clear it"."""

    KEEP = "keep"


KEEP: Final = Keep.KEEP


def row_id(row: Any) -> int:
    """The id of a flushed row (every foreign key needs one)."""
    assert row.id is not None, "row must be flushed first"
    return int(row.id)


@dataclass(frozen=True)
class CaseSettings:
    """How sigbot times messages for one case: its zone, quiet hours and escalation timings."""

    timezone: str = "Europe/Stockholm"
    quiet_hours: QuietHours | None = DEFAULT_QUIET_HOURS
    no_reply_after: timedelta = timedelta(hours=2)
    ack_within: timedelta = timedelta(hours=4)

    def check(self) -> None:
        """Refuse an unknown zone or a timing that is not longer than zero."""
        try:
            zone(self.timezone)
        except ValueError as exc:
            raise RuleBroken(str(exc)) from None
        for label, value in (("no-reply", self.no_reply_after), ("ack time", self.ack_within)):
            if value <= timedelta(0):
                raise RuleBroken(f"{label} must be longer than zero")


async def create_case(
    session: AsyncSession,
    *,
    ref: str,
    coordinator_key: str,
    now: datetime,
    status: str = CaseStatus.ACTIVE,
    backup_key: str | None = None,
    settings: CaseSettings | None = None,
    reason: str | None = None,
    paused_until: datetime | None = None,
    outcome: str | None = None,
) -> Case:
    """A new case, journaled ``case.created``; its people are added afterwards (members.py),
    so the coordinator keys are checked by :func:`hand_over`, not here."""
    settings = settings or CaseSettings()
    settings.check()
    _check_outcome(CaseStatus(status), outcome)
    if paused_until is not None and status != CaseStatus.PAUSED:
        raise RuleBroken("only a paused case has an end date")
    if (await session.exec(select(Case).where(Case.ref == ref))).first() is not None:
        raise RuleBroken(f"a case {ref!r} exists already")
    if status == CaseStatus.PAUSED and paused_until is None:
        paused_until = now + DEFAULT_PAUSE
    case = Case(
        ref=ref,
        status=status,
        status_since=now,
        status_reason=reason,
        outcome=outcome,
        paused_until=paused_until,
        coordinator_key=coordinator_key,
        backup_key=backup_key,
        created_at=now,
        updated_at=now,
    )
    _apply_settings(case, settings)
    session.add(case)
    await session.flush()
    summary = f"case {ref} created ({status})"
    record(session, case_id=case.id, at=now, kind=JournalKind.CASE_CREATED, summary=summary)
    session.add(
        CaseStatusChange(
            case_id=row_id(case), to_status=status, at=now, reason=reason, planned_end=paused_until
        )
    )
    return case


def _apply_settings(case: Case, settings: CaseSettings) -> list[str]:
    wanted = (
        ("timezone", settings.timezone, "time zone"),
        ("quiet_hours", settings.quiet_hours, "quiet hours"),
        ("no_reply_after_s", int(settings.no_reply_after.total_seconds()), "no-reply"),
        ("ack_within_s", int(settings.ack_within.total_seconds()), "ack time"),
    )
    changed = []
    for attr, value, label in wanted:
        if getattr(case, attr) != value:
            setattr(case, attr, value)
            changed.append(f"{label} changed")
    return changed


async def change_settings(
    session: AsyncSession, *, case: Case, settings: CaseSettings, now: datetime
) -> list[str]:
    """Set the case's zone, quiet hours and escalation timings; returns what changed
    ("quiet hours changed"). Not journaled on its own: the caller's entry names the changes
    (a plan import lists them in ``plan.imported``)."""
    settings.check()
    changed = _apply_settings(case, settings)
    if changed:
        case.updated_at = now
        session.add(case)
    return changed


async def hand_over(
    session: AsyncSession,
    *,
    case: Case,
    now: datetime,
    coordinator_key: str | None = None,
    backup_key: str | Keep | None = KEEP,
) -> list[str]:
    """Give the case another coordinator and/or backup (None: no backup); returns what changed.

    Both active staff of the case, not one person (docs/architecture.md, "Escalation ladder");
    each change leaves a ``hand_over`` row for the planner (domain/staff.py); caller journals.
    """
    new_coordinator = coordinator_key or case.coordinator_key
    new_backup = case.backup_key if isinstance(backup_key, Keep) else backup_key
    if new_backup is not None and new_backup == new_coordinator:
        raise RuleBroken("the backup must be another coordinator")
    changed = []
    for attr, key, role in (
        ("coordinator_key", new_coordinator, EscalationLevel.COORDINATOR),
        ("backup_key", new_backup, EscalationLevel.BACKUP),
    ):
        if (old := getattr(case, attr)) == key:
            continue
        query = select(Member).where(Member.case_id == case.id, Member.key == key)
        member = (await session.exec(query)).first() if key is not None else None
        if key is not None and (not member or not member.active or member.role not in STAFF_ROLES):
            raise RuleBroken(f"{key!r} is not an active coordinator in case {case.ref}")
        session.add(HandOver(case_id=row_id(case), role=role, from_key=old, to_key=key, at=now))
        setattr(case, attr, key)
        changed.append(f"{role} changed")
    if changed:
        case.updated_at = now
        session.add(case)
    return changed


def _check_outcome(status: CaseStatus, outcome: str | None) -> None:
    if outcome is not None and status not in CLOSING:
        raise RuleBroken("only a closed case has an outcome")


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
    if previous == wanted:
        raise RuleBroken(f"the case is {wanted} already")
    _check_outcome(wanted, outcome)
    if planned_end is not None and wanted not in (CaseStatus.PAUSED, CaseStatus.RESTING):
        raise RuleBroken("only a paused or resting case has an end date")
    tail_of_closing = wanted in CLOSING and previous in CLOSING
    if wanted == CaseStatus.PAUSED:
        planned_end = planned_end or now + DEFAULT_PAUSE
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
    summary = summary or status_summary(
        previous, wanted, reason=reason, planned_end=planned_end, tz_name=case.timezone
    )
    data = {"previous": previous, "status": str(wanted)}
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
