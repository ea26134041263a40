"""What meetings and appointments share: a time in the case's zone, reminder offsets, the people
they concern. The operations are in ``meetings`` and ``appointments``: a change keeps the row (its
reminders and answers hang off it) and is journaled once with every part that changed, in the
case's local time (docs/architecture.md, "Reminders"; docs/plan-file.md, "Re-import and
identity").
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.cases import RuleBroken
from sigbot.models import Case, Member
from sigbot.timeutil import zone

Remind = tuple[timedelta, ...] | None


def local_minute(at: datetime, tz_name: str) -> str:
    """A moment as the case's people read it: local date and time to the minute."""
    return at.astimezone(zone(tz_name)).strftime("%Y-%m-%d %H:%M")


async def case_of(session: AsyncSession, case_id: int) -> Case:
    """The case an event belongs to (from the session when loaded already)."""
    case = await session.get(Case, case_id)
    assert case is not None
    return case


def check_time(starts_at: datetime, remind: Remind) -> None:
    """An aware time and offsets longer than zero."""
    if starts_at.tzinfo is None:
        raise RuleBroken("a time needs its time zone")
    if remind is not None and any(offset <= timedelta(0) for offset in remind):
        raise RuleBroken("a reminder offset must be longer than zero")


def check_person(case_id: int, person: Member) -> None:
    """Only an active member of the same case can be invited or have an appointment."""
    if person.case_id != case_id or not person.active:
        raise RuleBroken(f"{person.name} is not an active member of this case")
