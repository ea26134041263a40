"""The case list: every case an account may see, with how it is going, in a few queries for all
cases together (not several per case), so twenty cases cost what one does."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, union_all
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.access import visible_case_ids
from sigbot.models import (
    FAMILY_ROLES,
    Account,
    ActionPlan,
    Answer,
    Appointment,
    Case,
    Commitment,
    CommitmentStatus,
    Escalation,
    EventStatus,
    InboundMessage,
    Meeting,
    Member,
    OutboxMessage,
)
from sigbot.views.events import EventKind

ANSWERS = (Answer.YES, Answer.HELP, Answer.NO)  # an answer somebody gave, not a conclusion


@dataclass(frozen=True)
class NextEvent:
    """The next planned appointment (``what``: "BUP") or meeting (``what``: its kind)."""

    kind: EventKind
    at: datetime
    what: str
    place: str | None


@dataclass(frozen=True)
class Progress:
    """How the current action plan is going: its commitments done, missed and still open, and
    the check-ins its commitments were kept or missed at (``Commitment.outcomes``)."""

    version: int | None = None
    kept: int = 0
    missed: int = 0
    open: int = 0
    checks_kept: int = 0
    checks_missed: int = 0


@dataclass(frozen=True)
class CaseRow:
    ref: str
    status: str
    status_since: datetime
    coordinator_key: str
    coordinator: str | None
    backup_key: str | None
    backup: str | None
    next_event: NextEvent | None
    last_contact: datetime | None
    open_alerts: int
    progress: Progress
    timezone: str


async def case_list(session: AsyncSession, account: Account, now: datetime) -> list[CaseRow]:
    """Every case the account may see, by reference."""
    visible = visible_case_ids(account)
    cases = list(
        await session.exec(select(Case).where(col(Case.id).in_(visible)).order_by(col(Case.ref)))
    )
    ids = [case.id for case in cases]
    staff = await _staff_names(session, ids)
    coming = await next_events(session, ids, now)
    contact = await last_contacts(session, ids)
    alerts = await _open_alert_counts(session, ids)
    progress = await plan_progress(session, ids)
    return [
        CaseRow(
            ref=case.ref,
            status=case.status,
            status_since=case.status_since,
            coordinator_key=case.coordinator_key,
            coordinator=staff.get((case.id, case.coordinator_key)),
            backup_key=case.backup_key,
            backup=staff.get((case.id, case.backup_key)),
            next_event=coming.get(case.id),
            last_contact=contact.get(case.id),
            open_alerts=alerts.get(case.id, 0),
            progress=progress.get(case.id, Progress()),
            timezone=case.timezone,
        )
        for case in cases
    ]


async def _staff_names(
    session: AsyncSession, case_ids: list[int | None]
) -> dict[tuple[int | None, str | None], str]:
    """The names of the coordinator and backup of each case, by (case id, member key)."""
    query = (
        select(Member.case_id, Member.key, Member.name)
        .join(Case, col(Case.id) == col(Member.case_id))
        .where(
            col(Member.case_id).in_(case_ids),
            (col(Member.key) == col(Case.coordinator_key))
            | (col(Member.key) == col(Case.backup_key)),
        )
    )
    return {(case_id, key): name for case_id, key, name in await session.exec(query)}


async def next_events(
    session: AsyncSession, case_ids: list[int | None], now: datetime
) -> dict[int | None, NextEvent]:
    """Each case's next planned appointment or meeting after ``now``."""
    appointments = select(
        Appointment.case_id,
        Appointment.starts_at,
        Appointment.what,
        Appointment.place,
    ).where(
        col(Appointment.case_id).in_(case_ids),
        col(Appointment.status) == EventStatus.PLANNED,
        col(Appointment.starts_at) > now,
    )
    meetings = select(Meeting.case_id, Meeting.starts_at, Meeting.kind, Meeting.place).where(
        col(Meeting.case_id).in_(case_ids),
        col(Meeting.status) == EventStatus.PLANNED,
        col(Meeting.starts_at) > now,
    )
    first = await _first_per_case(session, appointments, EventKind.APPOINTMENT)
    for case_id, event in (await _first_per_case(session, meetings, EventKind.MEETING)).items():
        if case_id not in first or event.at < first[case_id].at:
            first[case_id] = event
    return first


async def _first_per_case(
    session: AsyncSession, query: Any, kind: EventKind
) -> dict[int | None, NextEvent]:
    """The earliest row of ``query`` (case id, time, what, place) for each case."""
    sub = query.subquery()
    case_id, starts_at, what, place = list(sub.c)
    earliest = select(case_id, func.min(starts_at).label("at")).group_by(case_id).subquery()
    rows = await session.exec(
        select(case_id, starts_at, what, place)
        .join(earliest, (earliest.c[0] == case_id) & (earliest.c.at == starts_at))
        .order_by(case_id, what)
    )
    found: dict[int | None, NextEvent] = {}
    for row in rows:
        found.setdefault(row[0], NextEvent(kind, *row[1:]))
    return found


async def last_contacts(
    session: AsyncSession, case_ids: list[int | None]
) -> dict[int | None, datetime]:
    """When the young person or a guardian last wrote or answered, per case."""
    family = select(Member.id).where(
        col(Member.case_id).in_(case_ids), col(Member.role).in_(FAMILY_ROLES)
    )
    wrote = select(InboundMessage.case_id, InboundMessage.received_at).where(
        col(InboundMessage.member_id).in_(family)
    )
    answered = select(OutboxMessage.case_id, OutboxMessage.answered_at).where(
        col(OutboxMessage.member_id).in_(family), col(OutboxMessage.answer).in_(ANSWERS)
    )
    both = union_all(wrote, answered).subquery()
    query = select(both.c.case_id, func.max(both.c.received_at)).group_by(both.c.case_id)
    return {case_id: at for case_id, at in await session.exec(query)}


async def _open_alert_counts(
    session: AsyncSession, case_ids: list[int | None]
) -> dict[int | None, int]:
    query = (
        select(Escalation.case_id, func.count())
        .where(col(Escalation.case_id).in_(case_ids), col(Escalation.acknowledged_at).is_(None))
        .group_by(col(Escalation.case_id))
    )
    return {case_id: int(n) for case_id, n in await session.exec(query)}


async def plan_progress(
    session: AsyncSession, case_ids: list[int | None]
) -> dict[int | None, Progress]:
    """Each case's current action plan (its newest version) and how its commitments went."""
    newest = (
        select(ActionPlan.case_id, func.max(ActionPlan.version).label("version"))
        .where(col(ActionPlan.case_id).in_(case_ids))
        .group_by(col(ActionPlan.case_id))
        .subquery()
    )
    query = (
        select(ActionPlan.case_id, ActionPlan.version, Commitment)
        .join(
            newest,
            (newest.c.case_id == col(ActionPlan.case_id))
            & (newest.c.version == col(ActionPlan.version)),
        )
        .outerjoin(Commitment, col(Commitment.plan_id) == col(ActionPlan.id))
    )
    counts: dict[int | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    versions: dict[int | None, int] = {}
    for case_id, version, commitment in await session.exec(query):
        versions[case_id] = version
        if commitment is None:
            continue
        tally = counts[case_id]
        tally[commitment.status] += 1
        outcomes = list(commitment.outcomes or [])
        tally["checks_kept"] += sum(1 for kept in outcomes if kept)
        tally["checks_missed"] += sum(1 for kept in outcomes if not kept)
    return {
        case_id: Progress(
            version=version,
            kept=counts[case_id][CommitmentStatus.DONE],
            missed=counts[case_id][CommitmentStatus.MISSED],
            open=counts[case_id][CommitmentStatus.OPEN],
            checks_kept=counts[case_id]["checks_kept"],
            checks_missed=counts[case_id]["checks_missed"],
        )
        for case_id, version in versions.items()
    }
