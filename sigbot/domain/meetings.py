"""Network and officials' meetings: planning, moving, cancelling, and who is invited.

Moving a meeting keeps its invitations and answers; an officials' meeting never invites the
family (docs/architecture.md, "Meetings"). Each change is one ``meeting.*`` journal entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.cases import KEEP, Keep, RuleBroken, row_id
from sigbot.domain.events import Remind, case_of, check_person, check_time, local_minute
from sigbot.journal import record
from sigbot.models import (
    FAMILY_ROLES,
    Case,
    EventStatus,
    JournalKind,
    Meeting,
    MeetingInvitation,
    MeetingKind,
    Member,
)

MEETING_STATES = frozenset({EventStatus.PLANNED, EventStatus.HELD, EventStatus.CANCELLED})


async def plan_meeting(
    session: AsyncSession,
    *,
    case: Case,
    key: str,
    starts_at: datetime,
    now: datetime,
    kind: str = MeetingKind.NETWORK,
    place: str | None = None,
    remind: Remind = None,
    invitees: Sequence[Member] = (),
    status: str = EventStatus.PLANNED,
) -> Meeting:
    """A new meeting with its invitees, journaled ``meeting.planned``."""
    check_time(starts_at, remind)
    kind, status = MeetingKind(kind), EventStatus(status)
    if status not in MEETING_STATES:
        raise RuleBroken(f"a meeting is planned, held or cancelled, not {status}")
    taken = await session.exec(
        select(Meeting).where(Meeting.case_id == case.id, Meeting.key == key)
    )
    if taken.first() is not None:
        raise RuleBroken(f"case {case.ref} has a meeting {key!r} already")
    meeting = Meeting(
        case_id=row_id(case),
        key=key,
        kind=kind,
        starts_at=starts_at,
        place=place,
        status=status,
        remind=remind,
        created_at=now,
        updated_at=now,
    )
    session.add(meeting)
    await session.flush()
    label = "network meeting" if kind == MeetingKind.NETWORK else "officials' meeting"
    record(
        session,
        case_id=row_id(case),
        at=now,
        kind=JournalKind.MEETING_PLANNED,
        summary=f"{label} {local_minute(starts_at, case.timezone)}",
        data={
            "key": key,
            "meeting_kind": kind,
            "starts_at": starts_at.isoformat(),
            "tz": case.timezone,
        },
    )
    await set_invitees(session, meeting=meeting, invitees=invitees)
    return meeting


async def change_meeting(
    session: AsyncSession,
    *,
    meeting: Meeting,
    now: datetime,
    starts_at: datetime | Keep = KEEP,
    place: str | Keep | None = KEEP,
    kind: str | Keep = KEEP,
    remind: Remind | Keep = KEEP,
    status: str | Keep = KEEP,
) -> list[str]:
    """Change what is given; returns the changes ("moved … → …", "place changed", "planned →
    held"), journaled together as one ``meeting.changed``."""
    case = await case_of(session, meeting.case_id)
    changes = []
    if not isinstance(starts_at, Keep) and meeting.starts_at != starts_at:
        check_time(starts_at, None)
        old, new = (local_minute(t, case.timezone) for t in (meeting.starts_at, starts_at))
        changes.append(f"moved {old} → {new}")
        meeting.starts_at = starts_at
    if not isinstance(remind, Keep):
        check_time(meeting.starts_at, remind)
    kind = kind if isinstance(kind, Keep) else MeetingKind(kind)
    for attr, value in (("place", place), ("kind", kind), ("remind", remind)):
        if not isinstance(value, Keep) and getattr(meeting, attr) != value:
            setattr(meeting, attr, value)
            changes.append(f"{attr} changed")
    if not isinstance(status, Keep) and meeting.status != status:
        if status not in MEETING_STATES:
            raise RuleBroken(f"a meeting is planned, held or cancelled, not {status}")
        changes.append(f"{meeting.status} → {status}")
        meeting.status = EventStatus(status)
    if changes:
        meeting.sequence += 1
        meeting.updated_at = now
        session.add(meeting)
        record(
            session,
            case_id=meeting.case_id,
            at=now,
            kind=JournalKind.MEETING_CHANGED,
            summary=f"meeting {meeting.key}: {'; '.join(changes)}",
            data={"key": meeting.key, "changes": list(changes), "tz": case.timezone},
        )
    return changes


async def move_meeting(
    session: AsyncSession, *, meeting: Meeting, starts_at: datetime, now: datetime
) -> list[str]:
    """Move the meeting; invitations and answers stay with it."""
    return await change_meeting(session, meeting=meeting, starts_at=starts_at, now=now)


async def cancel_meeting(session: AsyncSession, *, meeting: Meeting, now: datetime) -> bool:
    """Cancel a planned meeting, journaled ``meeting.cancelled``; False if it was not planned."""
    if meeting.status != EventStatus.PLANNED:
        return False
    meeting.status = EventStatus.CANCELLED
    meeting.sequence += 1
    meeting.updated_at = now
    session.add(meeting)
    record(
        session,
        case_id=meeting.case_id,
        at=now,
        kind=JournalKind.MEETING_CANCELLED,
        summary=f"meeting {meeting.key} cancelled",
        data={"key": meeting.key},
    )
    return True


async def set_invitees(
    session: AsyncSession, *, meeting: Meeting, invitees: Sequence[Member]
) -> bool:
    """Invite exactly ``invitees``: a dropped invitation is made inactive (its answer kept), a
    returning one active again. An officials' meeting invites no family member
    (docs/architecture.md, "Meetings"). True when an invitation changed."""
    for person in invitees:
        check_person(meeting.case_id, person)
        if meeting.kind == MeetingKind.OFFICIALS and person.role in FAMILY_ROLES:
            raise RuleBroken(f"an officials' meeting invites no family member ({person.key!r})")
    rows = {
        inv.member_id: inv
        for inv in await session.exec(
            select(MeetingInvitation).where(MeetingInvitation.meeting_id == meeting.id)
        )
    }
    wanted = {row_id(m) for m in invitees}
    changed = False
    for member_id in wanted:
        inv = rows.get(member_id)
        if inv is None:
            session.add(MeetingInvitation(meeting_id=row_id(meeting), member_id=member_id))
            changed = True
        elif not inv.active:
            inv.active = True
            session.add(inv)
            changed = True
    for member_id, inv in rows.items():
        if member_id not in wanted and inv.active:
            inv.active = False
            session.add(inv)
            changed = True
    return changed
