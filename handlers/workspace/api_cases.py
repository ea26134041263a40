"""JSON API for reading cases under /api/v1/cases: the list, one case, and its journal. Each read
of one case is journaled; a case the account may not see is 404 as one that does not exist.

A case comes back in its plan file's sections and value shapes (docs/plan-file.md), times in its
zone with the offset, plus the ``id`` of each meeting, appointment and commitment so a program
can change them (``api_events``). Phone numbers and chat ids are in it: the caller is its staff.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.access import case_for, journal_access
from sigbot.domain.cases import row_id
from sigbot.domain.plans import current_plan, plan_commitments
from sigbot.handlers.workspace.auth import ApiUser, Db
from sigbot.handlers.workspace.deps import deps_of
from sigbot.journal import read_journal
from sigbot.models import Appointment, Case, Consent, Meeting, MeetingInvitation, Member
from sigbot.timeutil import zone
from sigbot.timing import format_duration
from sigbot.views.cases import CaseRow, case_list

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])

NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no case the account sees"}}
LOCAL = "in the case's time zone, with its offset"


class NextEvent(BaseModel):
    at: datetime = Field(description=LOCAL)
    what: str = Field(description="the appointment (BUP) or the meeting's kind (network)")
    kind: str = Field(description="appointment or meeting")


class CaseSummary(BaseModel):
    """One case of the list."""

    ref: str = Field(examples=["ST-2026-014"])
    status: str = Field(description="proposed, active, paused, resting or closed")
    coordinator: str = Field(description="the coordinator's member key")
    next_event: NextEvent | None = Field(description="the next planned appointment or meeting")
    open_alerts: int


class PlanEscalation(BaseModel):
    no_reply_after: str = Field(examples=["PT2H"])
    ack_within: str = Field(examples=["PT4H"])


class PlanCase(BaseModel):
    ref: str
    coordinator: str
    backup: str | None
    status: str
    status_reason: str | None
    paused_until: date | None
    outcome: str | None
    timezone: str
    quiet_hours: str = Field(description='"HH:MM-HH:MM" or "none"')
    escalation: PlanEscalation


class PlanMember(BaseModel):
    key: str
    role: str
    name: str
    language: str
    phone: str | None
    telegram_chat_id: int | None
    channel: str | None
    organisation: str | None
    account: str | None = Field(description="staff: the workspace account, when not the key")


class PlanConsent(BaseModel):
    key: str
    given_by: list[str]
    share_with: list[str]
    topics: list[str]
    valid_from: date
    valid_until: date = Field(description="the last day it holds")
    withdrawn: date | None
    withdrawn_reason: str | None


class _PlanEvent(BaseModel):
    id: int
    key: str
    at: datetime = Field(description=LOCAL)
    place: str | None
    remind: list[str] | None = Field(description="ISO durations before; null: the default")
    status: str


class PlanMeeting(_PlanEvent):
    kind: str = Field(description="network or officials")
    invite: list[str]


class PlanAppointment(_PlanEvent):
    who: str
    what: str


class PlanCommitment(BaseModel):
    id: int
    key: str
    owner: str
    area: str
    text: str
    due: datetime | None = Field(description=LOCAL)
    check_in: str | None


class CasePlan(BaseModel):
    """The case as its plan file says it (the current action plan's commitments), with ids."""

    case: PlanCase
    members: list[PlanMember]
    consent: list[PlanConsent]
    meetings: list[PlanMeeting]
    appointments: list[PlanAppointment]
    commitments: list[PlanCommitment]


class JournalItem(BaseModel):
    """One journal entry, as ``sigbot journal REF --format json`` writes it."""

    at: str = Field(description="ISO 8601, UTC")
    kind: str
    member: str | None
    summary: str
    data: dict[str, Any]


def _summary(row: CaseRow) -> CaseSummary:
    coming = row.next_event
    return CaseSummary(
        ref=row.ref,
        status=row.status,
        coordinator=row.coordinator_key,
        next_event=None
        if coming is None
        else NextEvent(
            at=coming.at.astimezone(zone(row.timezone)), what=coming.what, kind=coming.kind.value
        ),
        open_alerts=row.open_alerts,
    )


@router.get("", response_model=list[CaseSummary])
async def list_cases(request: Request, session: Db, user: ApiUser) -> list[CaseSummary]:
    """Every case the account may see, by reference."""
    rows = await case_list(session, user.account, deps_of(request).clock.now())
    return [_summary(row) for row in rows]


@router.get("/{ref}", response_model=CasePlan, responses=NOT_FOUND)
async def get_case(request: Request, ref: str, session: Db, user: ApiUser) -> CasePlan:
    """The case in plan-file shape, with the ids of its meetings, appointments and commitments."""
    now = deps_of(request).clock.now()
    case = await case_for(session, user.account, ref)
    plan = await case_plan(session, case)
    journal_access(session, case=case, account=user.account, what="API: case", now=now)
    await session.commit()
    return plan


@router.get("/{ref}/journal", response_model=list[JournalItem], responses=NOT_FOUND)
async def get_journal(request: Request, ref: str, session: Db, user: ApiUser) -> list[JournalItem]:
    """Every event and message of the case, oldest first (this read is added after it)."""
    now = deps_of(request).clock.now()
    case = await case_for(session, user.account, ref)
    lines = [JournalItem(**line.as_json()) for line in await read_journal(session, case.ref)]
    journal_access(session, case=case, account=user.account, what="API: journal", now=now)
    await session.commit()
    return lines


def _durations(values: tuple[timedelta, ...] | None) -> list[str] | None:
    return None if values is None else [format_duration(d) for d in values]


async def case_plan(session: AsyncSession, case: Case) -> CasePlan:
    """``case`` turned back into its plan file's sections."""
    tz = zone(case.timezone)
    people = await _rows(session, Member, case, Member.id)
    keys = {m.id: m.key for m in people}
    return CasePlan(
        case=PlanCase(
            ref=case.ref,
            coordinator=case.coordinator_key,
            backup=case.backup_key,
            status=case.status,
            status_reason=case.status_reason,
            paused_until=case.paused_until.astimezone(tz).date() if case.paused_until else None,
            outcome=case.outcome,
            timezone=case.timezone,
            quiet_hours=case.quiet_hours.text if case.quiet_hours else "none",
            escalation=PlanEscalation(
                no_reply_after=format_duration(timedelta(seconds=case.no_reply_after_s)),
                ack_within=format_duration(timedelta(seconds=case.ack_within_s)),
            ),
        ),
        members=[PlanMember.model_validate(m, from_attributes=True) for m in people if m.active],
        consent=[_consent(c, case) for c in await _rows(session, Consent, case, Consent.id)],
        meetings=await _meetings(session, case, keys),
        appointments=[
            PlanAppointment(
                id=row_id(a),
                key=a.key,
                who=keys[a.member_id],
                what=a.what,
                at=a.starts_at.astimezone(tz),
                place=a.place,
                remind=_durations(a.remind),
                status=a.status,
            )
            for a in await _rows(session, Appointment, case, Appointment.starts_at)
        ],
        commitments=await _commitments(session, case, keys),
    )


async def _rows(session: AsyncSession, model: Any, case: Case, order: Any) -> list[Any]:
    query = select(model).where(model.case_id == case.id).order_by(col(order), col(model.id))
    return list(await session.exec(query))


def _consent(c: Consent, case: Case) -> PlanConsent:
    """Stored ends are moments (the midnight after the last day); the file speaks of days."""
    tz = zone(case.timezone)
    return PlanConsent(
        key=c.key,
        given_by=list(c.given_by or ()),
        share_with=list(c.share_with or ()),
        topics=list(c.topics or ()),
        valid_from=c.valid_from.astimezone(tz).date(),
        valid_until=(c.valid_until - timedelta(microseconds=1)).astimezone(tz).date(),
        withdrawn=c.withdrawn_at.astimezone(tz).date() if c.withdrawn_at else None,
        withdrawn_reason=c.withdrawn_reason,
    )


async def _meetings(
    session: AsyncSession, case: Case, keys: dict[int | None, str]
) -> list[PlanMeeting]:
    meetings = await _rows(session, Meeting, case, Meeting.starts_at)
    invited: dict[int, list[str]] = {}
    for invitation in await session.exec(
        select(MeetingInvitation)
        .where(
            col(MeetingInvitation.meeting_id).in_([m.id for m in meetings]),
            col(MeetingInvitation.active),
        )
        .order_by(col(MeetingInvitation.id))
    ):
        invited.setdefault(invitation.meeting_id, []).append(keys[invitation.member_id])
    return [
        PlanMeeting(
            id=row_id(m),
            key=m.key,
            kind=m.kind,
            at=m.starts_at.astimezone(zone(case.timezone)),
            place=m.place,
            invite=invited.get(row_id(m), []),
            remind=_durations(m.remind),
            status=m.status,
        )
        for m in meetings
    ]


async def _commitments(
    session: AsyncSession, case: Case, keys: dict[int | None, str]
) -> list[PlanCommitment]:
    """The current action plan's commitments, in the order they were written."""
    plan = await current_plan(session, case=case)
    if plan is None:
        return []
    return [
        PlanCommitment(
            id=row_id(c),
            key=c.key,
            owner=keys[c.owner_member_id],
            area=c.area,
            text=c.text,
            due=c.due_at.astimezone(zone(case.timezone)) if c.due_at else None,
            check_in=c.check_in.text if c.check_in else None,
        )
        for c in await plan_commitments(session, plan=plan)
    ]
