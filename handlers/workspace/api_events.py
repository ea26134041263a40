"""JSON API for a case's appointments and meetings: add, move and cancel appointments, plan
meetings. Local times without an offset are the case's time zone, as in plan files; the people
concerned are told by the planner, which looks at once after each change."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Self

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain import event_actions
from sigbot.domain.access import case_for
from sigbot.domain.event_actions import FieldProblems
from sigbot.handlers.workspace.auth import ApiUser, Db
from sigbot.handlers.workspace.deps import deps_of
from sigbot.models import Appointment, Case, Meeting, MeetingKind, Member
from sigbot.timeutil import zone
from sigbot.timing import format_duration
from sigbot.views.events import meetings_where

router = APIRouter(prefix="/api/v1/cases/{ref}", tags=["appointments and meetings"])

AT = Field(
    description="local time in the case's time zone (2026-12-05T10:00), or with an offset",
    examples=["2026-12-05T10:00"],
)


class _Body(BaseModel):
    """A request body: an unknown field is an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class NewAppointment(_Body):
    who: str = Field(description="member key of the person who must keep it")
    what: str = Field(examples=["BUP"])
    at: str = AT
    place: str | None = None
    remind: list[str] | None = Field(
        default=None,
        description="ISO-8601 durations before the time; default: 18:00 the day before and "
        "2 hours before",
        examples=[["P1D", "PT2H"]],
    )


class AppointmentChange(_Body):
    at: str | None = Field(default=None, description="a new time: moves it")
    status: Literal["cancelled"] | None = Field(default=None, description="cancels it")

    @model_validator(mode="after")
    def _one_change(self) -> Self:
        if (self.at is None) == (self.status is None):
            raise ValueError("give either at (to move it) or status: cancelled")
        return self


class NewMeeting(_Body):
    kind: MeetingKind
    at: str = AT
    place: str | None = None
    invite: list[str] = Field(description="member keys")


class AppointmentOut(BaseModel):
    id: int
    key: str
    who: str
    what: str
    at: datetime = Field(description="in the case's time zone")
    place: str | None
    remind: list[str] | None
    status: str
    answer: str


class Invitee(BaseModel):
    key: str
    answer: str


class MeetingOut(BaseModel):
    id: int
    key: str
    kind: str
    at: datetime = Field(description="in the case's time zone")
    place: str | None
    status: str
    invite: list[Invitee]


def _refused(problems: FieldProblems) -> JSONResponse:
    """422 naming each field, as for a request that does not parse."""
    return JSONResponse({"detail": problems.locations()}, status_code=422)


async def _appointment_out(
    session: AsyncSession, case: Case, appointment: Appointment
) -> AppointmentOut:
    assert appointment.id is not None
    person = await session.get(Member, appointment.member_id)
    assert person is not None
    return AppointmentOut(
        id=appointment.id,
        key=appointment.key,
        who=person.key,
        what=appointment.what,
        at=appointment.starts_at.astimezone(zone(case.timezone)),
        place=appointment.place,
        remind=[format_duration(d) for d in appointment.remind] if appointment.remind else None,
        status=appointment.status,
        answer=appointment.answer,
    )


async def _meeting_out(session: AsyncSession, case: Case, meeting: Meeting) -> MeetingOut:
    (row,) = await meetings_where(session, col(Meeting.id) == meeting.id)
    return MeetingOut(
        id=row.id,
        key=row.key,
        kind=row.what,
        at=row.at.astimezone(zone(case.timezone)),
        place=row.place,
        status=row.status,
        invite=[Invitee(key=p.key, answer=p.answer) for p in row.people],
    )


@router.post(
    "/appointments",
    status_code=201,
    response_model=AppointmentOut,
    responses={404: {"description": "no such case"}, 422: {"description": "bad input"}},
)
async def add_appointment(
    request: Request, ref: str, body: NewAppointment, session: Db, user: ApiUser
) -> Response | AppointmentOut:
    """Add an appointment; the person is reminded as the plan's rules say."""
    deps = deps_of(request)
    case = await case_for(session, user.account, ref)
    try:
        appointment = await event_actions.add_appointment(
            session,
            account=user.account,
            case=case,
            who=body.who,
            what=body.what,
            at=body.at,
            place=body.place,
            remind=body.remind,
            now=deps.clock.now(),
        )
    except FieldProblems as problems:
        return _refused(problems)
    await session.commit()
    await deps.after_change()
    return await _appointment_out(session, case, appointment)


@router.patch(
    "/appointments/{appointment_id}",
    response_model=AppointmentOut,
    responses={404: {"description": "no such case or appointment"}},
)
async def change_appointment(
    request: Request,
    ref: str,
    appointment_id: int,
    body: AppointmentChange,
    session: Db,
    user: ApiUser,
) -> Response | AppointmentOut:
    """``{at}`` moves the appointment, ``{status: "cancelled"}`` cancels it; the person is told."""
    deps = deps_of(request)
    case = await case_for(session, user.account, ref)
    account, now = user.account, deps.clock.now()
    try:
        if body.at is not None:
            appointment = await event_actions.move_appointment(
                session,
                account=account,
                case=case,
                appointment_id=appointment_id,
                at=body.at,
                now=now,
            )
        else:
            appointment = await event_actions.cancel_appointment(
                session, account=account, case=case, appointment_id=appointment_id, now=now
            )
    except FieldProblems as problems:
        return _refused(problems)
    await session.commit()
    await deps.after_change()
    return await _appointment_out(session, case, appointment)


@router.post(
    "/meetings",
    status_code=201,
    response_model=MeetingOut,
    responses={404: {"description": "no such case"}, 422: {"description": "bad input"}},
)
async def plan_meeting(
    request: Request, ref: str, body: NewMeeting, session: Db, user: ApiUser
) -> Response | MeetingOut:
    """Plan a meeting; the invitees the consent covers are invited."""
    deps = deps_of(request)
    case = await case_for(session, user.account, ref)
    try:
        meeting = await event_actions.plan_meeting(
            session,
            account=user.account,
            case=case,
            kind=body.kind,
            at=body.at,
            place=body.place,
            invite=body.invite,
            now=deps.clock.now(),
        )
    except FieldProblems as problems:
        return _refused(problems)
    await session.commit()
    await deps.after_change()
    return await _meeting_out(session, case, meeting)
