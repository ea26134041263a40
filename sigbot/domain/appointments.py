"""Appointments: a time one person must keep (BUP, school, the job centre).

Moving one asks again: its answer goes back to pending and a kept or missed appointment is
planned again (docs/architecture.md, "Reminders"). Each change is one ``appointment.*`` journal
entry under the person's key.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.cases import KEEP, Keep, RuleBroken, row_id
from sigbot.domain.events import Remind, case_of, check_person, check_time, local_minute
from sigbot.journal import record
from sigbot.models import Answer, Appointment, Case, EventStatus, JournalKind, Member


async def add_appointment(
    session: AsyncSession,
    *,
    case: Case,
    key: str,
    person: Member,
    what: str,
    starts_at: datetime,
    now: datetime,
    place: str | None = None,
    remind: Remind = None,
    status: str = EventStatus.PLANNED,
) -> Appointment:
    """A time ``person`` must keep, journaled ``appointment.planned`` under their key."""
    check_time(starts_at, remind)
    check_person(row_id(case), person)
    if not what.strip():
        raise RuleBroken("an appointment needs to say what it is")
    if status not in (EventStatus.PLANNED, EventStatus.CANCELLED):
        raise RuleBroken(f"a new appointment is planned or cancelled, not {status}")
    taken = await session.exec(
        select(Appointment).where(Appointment.case_id == case.id, Appointment.key == key)
    )
    if taken.first() is not None:
        raise RuleBroken(f"case {case.ref} has an appointment {key!r} already")
    appointment = Appointment(
        case_id=row_id(case),
        key=key,
        member_id=row_id(person),
        what=what,
        place=place,
        starts_at=starts_at,
        remind=remind,
        status=EventStatus(status),
        created_at=now,
        updated_at=now,
    )
    session.add(appointment)
    record(
        session,
        case_id=row_id(case),
        at=now,
        kind=JournalKind.APPOINTMENT_PLANNED,
        summary=f"{what} {local_minute(starts_at, case.timezone)}",
        member_key=person.key,
        data={"key": key, "what": what, "starts_at": starts_at.isoformat(), "tz": case.timezone},
    )
    await session.flush()
    return appointment


async def change_appointment(
    session: AsyncSession,
    *,
    appointment: Appointment,
    now: datetime,
    starts_at: datetime | Keep = KEEP,
    what: str | Keep = KEEP,
    place: str | Keep | None = KEEP,
    remind: Remind | Keep = KEEP,
    person: Member | Keep = KEEP,
    status: str | Keep = KEEP,
) -> list[str]:
    """Change what is given; returns the changes, journaled together as one
    ``appointment.changed``. A move asks again (answer pending; kept or missed becomes planned);
    ``status`` cancels (cancelled) or plans again (planned)."""
    case = await case_of(session, appointment.case_id)
    if not isinstance(person, Keep):
        check_person(appointment.case_id, person)
    if not isinstance(status, Keep) and status not in (EventStatus.PLANNED, EventStatus.CANCELLED):
        raise RuleBroken(f"an appointment is planned or cancelled by hand, not {status}")
    if not isinstance(what, Keep) and not what.strip():
        raise RuleBroken("an appointment needs to say what it is")
    changes = [] if isinstance(starts_at, Keep) else _move(appointment, starts_at, case.timezone)
    if not isinstance(remind, Keep):
        check_time(appointment.starts_at, remind)
    member_id = person if isinstance(person, Keep) else row_id(person)
    for attr, value in (
        ("what", what),
        ("place", place),
        ("remind", remind),
        ("member_id", member_id),
    ):
        if not isinstance(value, Keep) and getattr(appointment, attr) != value:
            setattr(appointment, attr, value)
            changes.append(f"{attr} changed")
    if status == EventStatus.CANCELLED and appointment.status != EventStatus.CANCELLED:
        appointment.status = EventStatus.CANCELLED
        changes.append("cancelled")
    elif status == EventStatus.PLANNED and appointment.status == EventStatus.CANCELLED:
        appointment.status = EventStatus.PLANNED
        changes.append("planned again")
    if changes:
        await _journal_change(session, appointment, changes, case.timezone, now)
    return changes


async def _journal_change(
    session: AsyncSession, appointment: Appointment, changes: list[str], tz_name: str, now: datetime
) -> None:
    """One ``appointment.changed`` for all of ``changes``; the calendar file's SEQUENCE grows."""
    appointment.sequence += 1
    owner = await session.get(Member, appointment.member_id)
    appointment.updated_at = now
    session.add(appointment)
    record(
        session,
        case_id=appointment.case_id,
        at=now,
        kind=JournalKind.APPOINTMENT_CHANGED,
        summary=f"{appointment.what}: {'; '.join(changes)}",
        member_key=owner.key if owner else None,
        data={
            "key": appointment.key,
            "what": appointment.what,
            "changes": list(changes),
            "tz": tz_name,
        },
    )


def _move(appointment: Appointment, starts_at: datetime, tz_name: str) -> list[str]:
    """A new time asks again: the answer goes back to pending, kept or missed to planned."""
    if appointment.starts_at == starts_at:
        return []
    check_time(starts_at, None)
    old, new = (local_minute(t, tz_name) for t in (appointment.starts_at, starts_at))
    appointment.starts_at = starts_at
    appointment.answer = Answer.PENDING
    if appointment.status in (EventStatus.MISSED, EventStatus.KEPT):
        appointment.status = EventStatus.PLANNED
    return [f"moved {old} → {new}"]


async def move_appointment(
    session: AsyncSession, *, appointment: Appointment, starts_at: datetime, now: datetime
) -> list[str]:
    """Move the appointment; the person is asked again."""
    return await change_appointment(session, appointment=appointment, starts_at=starts_at, now=now)


async def plan_again(
    session: AsyncSession, *, appointment: Appointment, now: datetime
) -> list[str]:
    """Put a cancelled appointment back in the plan."""
    return await change_appointment(
        session, appointment=appointment, status=EventStatus.PLANNED, now=now
    )


async def cancel_appointment(
    session: AsyncSession, *, appointment: Appointment, now: datetime, reason: str | None = None
) -> bool:
    """Cancel a planned appointment, journaled ``appointment.cancelled`` with ``reason``; False
    if it was not planned (kept, missed or cancelled already)."""
    if appointment.status != EventStatus.PLANNED:
        return False
    appointment.status = EventStatus.CANCELLED
    appointment.sequence += 1
    appointment.updated_at = now
    session.add(appointment)
    why = f" ({reason})" if reason else ""
    record(
        session,
        case_id=appointment.case_id,
        at=now,
        kind=JournalKind.APPOINTMENT_CANCELLED,
        summary=f"{appointment.what} cancelled{why}",
        data={"key": appointment.key, "what": appointment.what, "reason": reason},
    )
    return True
