"""What an account does to a case's appointments and meetings (a workspace form, the API).

The values are what a person typed: each is checked here and a refusal names its field
(``at: must be in the future``), so a page can show it beside the input. The change itself goes
through the domain operations (``appointments``, ``meetings``), which journal what happened; this
adds who did it (``account.changed``). Nothing is sent from here: the planner tells the people
concerned (invitations, moved and cancelled notices) as after a plan-file import.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain import appointments, meetings
from sigbot.domain.access import journal_access
from sigbot.domain.cases import RuleBroken
from sigbot.journal import UnknownCase
from sigbot.models import (
    FAMILY_ROLES,
    Account,
    Appointment,
    Case,
    EventStatus,
    Meeting,
    MeetingKind,
    Member,
)
from sigbot.planfile.identity import slug
from sigbot.planfile.resolved import PlanProblem
from sigbot.planfile.values import check_durations, parse_local
from sigbot.timeutil import zone

TEXT_LIMIT = 200  # the columns' length (what, place)
_INDEX = re.compile(r"\[(\d+)\]")


class FieldProblems(RuleBroken):
    """Values refused, each naming its field path (``at``, ``remind[1]``, ``invite[0]``)."""

    def __init__(self, problems: Sequence[PlanProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems))

    def by_field(self) -> dict[str, str]:
        """The first problem of each top-level field (``remind[1]`` counts as ``remind``)."""
        found: dict[str, str] = {}
        for problem in self.problems:
            found.setdefault(problem.where.split("[")[0], problem.reason)
        return found

    def locations(self) -> list[dict[str, object]]:
        """``[{loc, msg}]`` as the API answers a bad request: ``remind[1]`` is ``remind, 1``."""
        out: list[dict[str, object]] = []
        for problem in self.problems:
            field, _, rest = problem.where.partition("[")
            loc: list[object] = ["body", field, *(int(i) for i in _INDEX.findall("[" + rest))]
            out.append({"loc": loc, "msg": problem.reason})
        return out


class UnknownEvent(UnknownCase):
    """An appointment or meeting id that is not the case's: not found, as an unseen case."""


class _Checks:
    """Collects every problem of one request, so a form shows them all at once."""

    def __init__(self, case: Case, now: datetime) -> None:
        self.tz = zone(case.timezone)
        self.now = now
        self.problems: list[PlanProblem] = []

    def refuse(self, field: str, reason: str) -> None:
        self.problems.append(PlanProblem(field, reason))

    def at(self, text: str, field: str = "at") -> datetime | None:
        """A time in the future; without an offset it is the case's local time."""
        if not text.strip():
            self.refuse(field, "a date and time is needed")
            return None
        moment = parse_local(text.strip(), self.tz, field, self.problems)
        if moment is not None and moment <= self.now:
            self.refuse(field, "must be in the future")
        return moment

    def text(self, value: str | None, field: str, *, needed: bool) -> str | None:
        """Free text trimmed, at most :data:`TEXT_LIMIT` characters; empty is None."""
        value = (value or "").strip()
        if needed and not value:
            self.refuse(field, "must not be empty")
        elif len(value) > TEXT_LIMIT:
            self.refuse(field, f"at most {TEXT_LIMIT} characters")
        return value or None

    def invitees(self, keys: Sequence[str], kind: str, people: dict[str, Member]) -> list[Member]:
        """Members of the case; never the family to an officials' meeting."""
        if not keys:
            self.refuse("invite", "invite at least one person")
        for i, key in enumerate(keys):
            member = people.get(key)
            if member is None:
                self.refuse(f"invite[{i}]", f"{key!r} is not a member of this case")
            elif kind == MeetingKind.OFFICIALS and member.role in FAMILY_ROLES:
                self.refuse(f"invite[{i}]", "an officials' meeting invites no family member")
        return [people[key] for key in dict.fromkeys(keys) if key in people]

    def done(self) -> None:
        if self.problems:
            raise FieldProblems(self.problems)


async def _people(session: AsyncSession, case: Case) -> dict[str, Member]:
    query = select(Member).where(Member.case_id == case.id, col(Member.active))
    return {m.key: m for m in await session.exec(query)}


async def _free_key(
    session: AsyncSession, table: type[Appointment | Meeting], case: Case, base: str, *, first: str
) -> str:
    """The first key not taken in the case, numbered as a plan file numbers its entries:
    ``noah-bup``, ``noah-bup-2`` (``first=""``) or ``network-1``, ``network-2`` (``first="-1"``)."""
    query = select(col(table.key)).where(col(table.case_id) == case.id)
    taken = set(await session.exec(query))
    number = 1
    while (key := base + (first if number == 1 else f"-{number}")) in taken:
        number += 1
    return key


def _changed(session: AsyncSession, account: Account, case: Case, what: str, now: datetime) -> None:
    journal_access(session, case=case, account=account, what=what, now=now, changed=True)


async def add_appointment(
    session: AsyncSession,
    *,
    account: Account,
    case: Case,
    who: str,
    what: str,
    at: str,
    now: datetime,
    place: str | None = None,
    remind: Sequence[str] | None = None,
) -> Appointment:
    """A new appointment for the member ``who`` (a key), keyed like a plan file's entry."""
    checks = _Checks(case, now)
    person = (await _people(session, case)).get(who)
    if person is None:
        checks.refuse("who", "choose a member of this case")
    what_text = checks.text(what, "what", needed=True)
    starts_at = checks.at(at)
    place_text = checks.text(place, "place", needed=False)
    offsets = check_durations(remind or None, "remind", checks.problems)
    checks.done()
    assert person is not None and what_text is not None and starts_at is not None
    key = await _free_key(session, Appointment, case, f"{person.key}-{slug(what_text)}", first="")
    appointment = await appointments.add_appointment(
        session,
        case=case,
        key=key,
        person=person,
        what=what_text,
        starts_at=starts_at,
        place=place_text,
        remind=offsets,
        now=now,
    )
    _changed(session, account, case, f"appointment {key} added", now)
    return appointment


async def appointment_of(session: AsyncSession, case: Case, appointment_id: int) -> Appointment:
    """The case's appointment ``appointment_id``; raises :class:`UnknownEvent`."""
    appointment = await session.get(Appointment, appointment_id)
    if appointment is None or appointment.case_id != case.id:
        raise UnknownEvent(str(appointment_id))
    return appointment


async def move_appointment(
    session: AsyncSession,
    *,
    account: Account,
    case: Case,
    appointment_id: int,
    at: str,
    now: datetime,
) -> Appointment:
    """A new time; the person is asked again and told if they knew the old time."""
    appointment = await appointment_of(session, case, appointment_id)
    checks = _Checks(case, now)
    starts_at = checks.at(at)
    if appointment.status == EventStatus.CANCELLED:
        checks.refuse("at", "a cancelled appointment cannot be moved")
    checks.done()
    assert starts_at is not None
    if await appointments.move_appointment(
        session, appointment=appointment, starts_at=starts_at, now=now
    ):
        _changed(session, account, case, f"appointment {appointment.key} moved", now)
    return appointment


async def cancel_appointment(
    session: AsyncSession, *, account: Account, case: Case, appointment_id: int, now: datetime
) -> Appointment:
    """Cancel a planned appointment; whoever was told of it is told it is off."""
    appointment = await appointment_of(session, case, appointment_id)
    reason = f"by {account.name}"
    if not await appointments.cancel_appointment(
        session, appointment=appointment, now=now, reason=reason
    ):
        raise FieldProblems([PlanProblem("status", "only a planned appointment can be cancelled")])
    _changed(session, account, case, f"appointment {appointment.key} cancelled", now)
    return appointment


async def plan_meeting(
    session: AsyncSession,
    *,
    account: Account,
    case: Case,
    kind: str,
    at: str,
    invite: Sequence[str],
    now: datetime,
    place: str | None = None,
) -> Meeting:
    """A new meeting with its invitees (member keys), keyed ``network-2`` and so on."""
    checks = _Checks(case, now)
    if kind not in tuple(MeetingKind):
        checks.refuse("kind", f"must be one of {', '.join(MeetingKind)}")
    starts_at = checks.at(at)
    place_text = checks.text(place, "place", needed=False)
    invitees = checks.invitees(invite, kind, await _people(session, case))
    checks.done()
    assert starts_at is not None
    key = await _free_key(session, Meeting, case, kind, first="-1")
    meeting = await meetings.plan_meeting(
        session,
        case=case,
        key=key,
        kind=kind,
        starts_at=starts_at,
        place=place_text,
        invitees=invitees,
        now=now,
    )
    _changed(session, account, case, f"meeting {key} planned", now)
    return meeting


async def meeting_of(session: AsyncSession, case: Case, meeting_id: int) -> Meeting:
    """The case's meeting ``meeting_id``; raises :class:`UnknownEvent`."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None or meeting.case_id != case.id:
        raise UnknownEvent(str(meeting_id))
    return meeting


async def move_meeting(
    session: AsyncSession, *, account: Account, case: Case, meeting_id: int, at: str, now: datetime
) -> Meeting:
    """A new time; invitations and answers stay, whoever was invited is told."""
    meeting = await meeting_of(session, case, meeting_id)
    checks = _Checks(case, now)
    starts_at = checks.at(at)
    if meeting.status != EventStatus.PLANNED:
        checks.refuse("at", "only a planned meeting can be moved")
    checks.done()
    assert starts_at is not None
    if await meetings.move_meeting(session, meeting=meeting, starts_at=starts_at, now=now):
        _changed(session, account, case, f"meeting {meeting.key} moved", now)
    return meeting


async def cancel_meeting(
    session: AsyncSession, *, account: Account, case: Case, meeting_id: int, now: datetime
) -> Meeting:
    """Cancel a planned meeting; whoever was invited is told it is off."""
    meeting = await meeting_of(session, case, meeting_id)
    if not await meetings.cancel_meeting(session, meeting=meeting, now=now):
        raise FieldProblems([PlanProblem("status", "only a planned meeting can be cancelled")])
    _changed(session, account, case, f"meeting {meeting.key} cancelled", now)
    return meeting
