"""Appointments and meetings with the people they concern and their answers, loaded in two
queries for any number of cases (the day page, a case's page)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.models import Appointment, Case, Meeting, MeetingInvitation, Member
from sigbot.views.common import Attendee, by_role


class EventKind(StrEnum):
    APPOINTMENT = "appointment"
    MEETING = "meeting"


@dataclass(frozen=True)
class EventRow:
    """An appointment (``what`` is what it is: "BUP") or a meeting (``what`` is its kind:
    "network" or "officials"), with each person it concerns and their answer."""

    kind: EventKind
    id: int
    key: str
    case_ref: str
    what: str
    at: datetime
    place: str | None
    status: str
    people: tuple[Attendee, ...]
    timezone: str


async def appointments_where(session: AsyncSession, *where: ColumnElement[bool]) -> list[EventRow]:
    """Appointments matching ``where``, each with its person's answer, by time."""
    query = (
        select(Appointment, Case, Member)
        .join(Case, col(Case.id) == col(Appointment.case_id))
        .join(Member, col(Member.id) == col(Appointment.member_id))
        .where(*where)
        .order_by(col(Appointment.starts_at), col(Appointment.id))
    )
    rows = []
    for appointment, case, member in await session.exec(query):
        assert appointment.id is not None
        rows.append(
            EventRow(
                kind=EventKind.APPOINTMENT,
                id=appointment.id,
                key=appointment.key,
                case_ref=case.ref,
                what=appointment.what,
                at=appointment.starts_at,
                place=appointment.place,
                status=appointment.status,
                people=(Attendee(member.key, member.name, appointment.answer),),
                timezone=case.timezone,
            )
        )
    return rows


async def meetings_where(session: AsyncSession, *where: ColumnElement[bool]) -> list[EventRow]:
    """Meetings matching ``where``, each with its active invitees and their answers, by time."""
    query = (
        select(Meeting, Case)
        .join(Case, col(Case.id) == col(Meeting.case_id))
        .where(*where)
        .order_by(col(Meeting.starts_at), col(Meeting.id))
    )
    found = list(await session.exec(query))
    invited = await _invitees(
        session, [meeting.id for meeting, _ in found if meeting.id is not None]
    )
    rows = []
    for meeting, case in found:
        assert meeting.id is not None
        rows.append(
            EventRow(
                kind=EventKind.MEETING,
                id=meeting.id,
                key=meeting.key,
                case_ref=case.ref,
                what=meeting.kind,
                at=meeting.starts_at,
                place=meeting.place,
                status=meeting.status,
                people=tuple(invited.get(meeting.id, ())),
                timezone=case.timezone,
            )
        )
    return rows


async def _invitees(session: AsyncSession, meeting_ids: list[int]) -> dict[int, list[Attendee]]:
    """The active invitees of each meeting, the young person first (``by_role``)."""
    if not meeting_ids:
        return {}
    query = (
        select(MeetingInvitation, Member)
        .join(Member, col(Member.id) == col(MeetingInvitation.member_id))
        .where(col(MeetingInvitation.meeting_id).in_(meeting_ids), col(MeetingInvitation.active))
    )
    found: dict[int, list[tuple[Member, str]]] = defaultdict(list)
    for invitation, member in await session.exec(query):
        found[invitation.meeting_id].append((member, invitation.answer))
    return {
        meeting_id: [
            Attendee(member.key, member.name, answer)
            for member, answer in sorted(people, key=lambda p: by_role(p[0].role, p[0].key))
        ]
        for meeting_id, people in found.items()
    }


def upcoming_first(rows: Iterable[EventRow], now: datetime) -> list[EventRow]:
    """What is still to come, soonest first, then what is past, latest first."""
    rows = list(rows)
    coming = sorted((r for r in rows if r.at >= now), key=lambda r: (r.at, r.id))
    past = sorted((r for r in rows if r.at < now), key=lambda r: (r.at, r.id), reverse=True)
    return coming + past
