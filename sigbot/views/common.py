"""What several views share: who answered what, local days, the statuses a case is followed in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sigbot.models import CaseStatus, Role
from sigbot.timeutil import local_to_utc, zone

# Cases a coordinator still follows; closed and resting ones are history on the day page.
FOLLOWED = frozenset({CaseStatus.PROPOSED, CaseStatus.ACTIVE, CaseStatus.PAUSED})
# Enough on either side of a UTC moment to hold every time zone's calendar day around it.
DAY_MARGIN = timedelta(hours=36)
# People are listed the young person first, then guardians, staff and other professionals.
ROLE_ORDER = {role.value: n for n, role in enumerate(Role)}


def by_role(role: str, key: str) -> tuple[int, str]:
    """A sort key: :data:`ROLE_ORDER`, then the member key."""
    return ROLE_ORDER.get(role, len(ROLE_ORDER)), key


@dataclass(frozen=True)
class Attendee:
    """A person an event concerns and the answer they gave (``Answer``: pending, yes, no, ...)."""

    key: str
    name: str
    answer: str


def local_day(at: datetime, tz_name: str) -> date:
    """The calendar day ``at`` falls on in the case's time zone."""
    return at.astimezone(zone(tz_name)).date()


def day_start(day: date, tz_name: str) -> datetime:
    """Midnight starting ``day`` in the case's time zone, as UTC."""
    return local_to_utc(datetime.combine(day, time()), zone(tz_name), strict=False)


def mask_phone(phone: str | None) -> str | None:
    """A phone number with all but its last two digits hidden: a screen shows whose number it
    is without showing the number."""
    if not phone:
        return None
    return "•" * max(len(phone) - 2, 0) + phone[-2:]
