"""A case coming into being and set up: creating it, its settings and who coordinates it.

Also the pieces every domain operation shares (the :class:`RuleBroken` error, the :data:`KEEP`
marker, :func:`row_id`) and the rules a first status obeys as much as a later one. The life
cycle builds on these in ``cases``, which re-exports all of it, so callers import from
``sigbot.domain.cases`` only and this module imports nothing of the life cycle.
"""

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


def check_outcome(status: CaseStatus, outcome: str | None) -> None:
    """An outcome belongs to a closing, whether a case starts closed or is closed later."""
    if outcome is not None and status not in CLOSING:
        raise RuleBroken("only a closed case has an outcome")


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
    check_outcome(CaseStatus(status), outcome)
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
    record(
        session,
        case_id=case.id,
        at=now,
        kind=JournalKind.CASE_CREATED,
        summary=f"case {ref} created ({status})",
        data={"ref": ref, "status": str(status)},
    )
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
