"""One case as its page shows it: people and whether they can be reached, consent, meetings with
each invitee's answer, appointments, the current action plan with every member's commitments and
their kept/missed history, open alerts and the journal.

The caller has found the case through ``sigbot.domain.access.case_for`` (the account may see it)
and writes the ``account.read`` journal line; this only reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.cases import row_id
from sigbot.domain.plans import current_plan, plan_commitments
from sigbot.journal import JournalLine, member_names
from sigbot.models import Appointment, Case, Consent, JournalEntry, Meeting, Member
from sigbot.views.alerts import AlertRow, case_alerts
from sigbot.views.events import EventRow, appointments_where, meetings_where, upcoming_first
from sigbot.views.members import MemberRow, member_rows


@dataclass(frozen=True)
class CaseInfo:
    """The case itself: life-cycle status (since when, why, until when) and who coordinates."""

    id: int
    ref: str
    status: str
    status_since: datetime
    status_reason: str | None
    outcome: str | None
    paused_until: datetime | None
    resting_until: datetime | None
    coordinator_key: str
    backup_key: str | None
    timezone: str


@dataclass(frozen=True)
class ConsentRow:
    """One consent; ``valid`` says whether it holds at the moment the page was made."""

    key: str
    given_by: tuple[str, ...]
    share_with: tuple[str, ...]
    topics: tuple[str, ...]
    valid_from: datetime
    valid_until: datetime
    withdrawn_at: datetime | None
    withdrawn_reason: str | None
    valid: bool


@dataclass(frozen=True)
class CommitmentRow:
    """One promise and its history: ``outcomes`` oldest first, True kept, False missed."""

    id: int
    key: str
    area: str
    text: str
    due_at: datetime | None
    check_in: str | None
    status: str
    outcomes: tuple[bool, ...]
    streak: int
    next_check_in_at: datetime | None

    @property
    def kept(self) -> int:
        return sum(1 for kept in self.outcomes if kept)

    @property
    def missed(self) -> int:
        return sum(1 for kept in self.outcomes if not kept)


@dataclass(frozen=True)
class OwnerCommitments:
    """A member's commitments in the plan (``key``/``name`` of the member who promised)."""

    key: str
    name: str
    commitments: tuple[CommitmentRow, ...]


@dataclass(frozen=True)
class PlanView:
    version: int
    created_at: datetime
    owners: tuple[OwnerCommitments, ...]


@dataclass(frozen=True)
class CaseDetail:
    case: CaseInfo
    members: tuple[MemberRow, ...]
    consents: tuple[ConsentRow, ...]
    meetings: tuple[EventRow, ...]
    appointments: tuple[EventRow, ...]
    plan: PlanView | None
    alerts: tuple[AlertRow, ...]
    journal: tuple[JournalLine, ...]


async def case_detail(
    session: AsyncSession, case: Case, now: datetime, journal_kinds: str | None = None
) -> CaseDetail:
    """Everything on the case's page. Meetings and appointments: what is to come first, soonest
    first, then what is past, latest first. The journal newest first; ``journal_kinds`` keeps
    the entries whose kind starts with one of its comma-separated prefixes ("message",
    "escalation,answer")."""
    case_id = row_id(case)
    meetings = await meetings_where(session, col(Meeting.case_id) == case_id)
    appointments = await appointments_where(session, col(Appointment.case_id) == case_id)
    return CaseDetail(
        case=_info(case),
        members=tuple(await member_rows(session, case_id)),
        consents=tuple(await _consents(session, case_id, now)),
        meetings=tuple(upcoming_first(meetings, now)),
        appointments=tuple(upcoming_first(appointments, now)),
        plan=await _plan(session, case),
        alerts=tuple(await case_alerts(session, case_id)),
        journal=tuple(await journal_lines(session, case_id, kinds=journal_kinds)),
    )


def _info(case: Case) -> CaseInfo:
    return CaseInfo(
        id=row_id(case),
        ref=case.ref,
        status=case.status,
        status_since=case.status_since,
        status_reason=case.status_reason,
        outcome=case.outcome,
        paused_until=case.paused_until,
        resting_until=case.resting_until,
        coordinator_key=case.coordinator_key,
        backup_key=case.backup_key,
        timezone=case.timezone,
    )


async def _consents(session: AsyncSession, case_id: int, now: datetime) -> list[ConsentRow]:
    query = select(Consent).where(Consent.case_id == case_id)
    rows = await session.exec(query.order_by(col(Consent.valid_until), col(Consent.key)))
    return [
        ConsentRow(
            key=c.key,
            given_by=tuple(c.given_by or ()),
            share_with=tuple(c.share_with or ()),
            topics=tuple(c.topics or ()),
            valid_from=c.valid_from,
            valid_until=c.valid_until,
            withdrawn_at=c.withdrawn_at,
            withdrawn_reason=c.withdrawn_reason,
            valid=(c.withdrawn_at is None or c.withdrawn_at > now)
            and c.valid_from <= now < c.valid_until,
        )
        for c in rows
    ]


async def _plan(session: AsyncSession, case: Case) -> PlanView | None:
    """The newest action-plan version with its commitments grouped by who promised them."""
    plan = await current_plan(session, case=case)
    if plan is None:
        return None
    commitments = await plan_commitments(session, plan=plan)
    owners = {
        m.id: m
        for m in await session.exec(
            select(Member).where(col(Member.id).in_({c.owner_member_id for c in commitments}))
        )
    }
    grouped: dict[int, list[CommitmentRow]] = {}
    for c in commitments:
        assert c.id is not None
        grouped.setdefault(c.owner_member_id, []).append(
            CommitmentRow(
                id=c.id,
                key=c.key,
                area=c.area,
                text=c.text,
                due_at=c.due_at,
                check_in=c.check_in.text if c.check_in else None,
                status=c.status,
                outcomes=tuple(bool(kept) for kept in c.outcomes or ()),
                streak=c.kept_streak,
                next_check_in_at=c.next_check_in_at,
            )
        )
    return PlanView(
        version=plan.version,
        created_at=plan.created_at,
        owners=tuple(
            OwnerCommitments(owners[owner].key, owners[owner].name, tuple(rows))
            for owner, rows in grouped.items()
        ),
    )


async def journal_lines(
    session: AsyncSession, case_id: int, *, kinds: str | None = None, newest_first: bool = True
) -> list[JournalLine]:
    """The case's journal as ``sigbot journal`` reads it, newest first unless asked otherwise,
    kept to the kinds starting with one of the comma-separated prefixes in ``kinds``."""
    prefixes: Sequence[str] = [p.strip() for p in (kinds or "").split(",") if p.strip()]
    query = select(JournalEntry).where(JournalEntry.case_id == case_id)
    if prefixes:
        query = query.where(
            or_(*(col(JournalEntry.kind).startswith(p, autoescape=True) for p in prefixes))
        )
    at, entry_id = col(JournalEntry.at), col(JournalEntry.id)
    if newest_first:
        query = query.order_by(at.desc(), entry_id.desc())
    else:
        query = query.order_by(at, entry_id)
    names = await member_names(session, case_id)
    return [
        JournalLine(
            r.at, r.kind, r.member_key, r.summary, dict(r.data or {}), names.get(r.member_key or "")
        )
        for r in await session.exec(query)
    ]
