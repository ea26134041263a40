"""Pure planning: reminder times and check-in cadence. No I/O; ``now`` is a parameter.

Adaptive check-ins follow the method ("almost daily contact at the start, thinning out while
commitments are kept, back to daily after a miss"): the interval depends on the streak of kept
check-ins: 0-2 kept -> every day, 3-4 -> every 2 days, 5-6 -> every 3 days, 7+ -> weekly.
One miss resets the streak to 0, so the next check-in is the next day.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sigbot.timeutil import local_to_utc
from sigbot.timing import CheckInRule

DAY_BEFORE_AT = time(18, 0)


def reminder_times(
    event_start: datetime, offsets: Sequence[timedelta] | None, tz: ZoneInfo
) -> list[datetime]:
    """When to remind of an event: the defaults (day before 18:00, 2 h before) or ``offsets``.

    Whole-day offsets keep the local wall time (P1D before 10:00 is 10:00 the day before, 23 or
    25 real hours across a daylight-saving change); the rest are real elapsed time.
    """
    local = event_start.astimezone(tz)
    out: set[datetime] = set()
    if offsets is None:
        day_before = local.date() - timedelta(days=1)
        out.add(local_to_utc(datetime.combine(day_before, DAY_BEFORE_AT), tz, strict=False))
        out.add(event_start - timedelta(hours=2))
    else:
        for offset in offsets:
            whole_days, rest = divmod(offset, timedelta(days=1))
            if whole_days and not rest:
                wall = local.replace(tzinfo=None) - timedelta(days=whole_days)
                out.add(local_to_utc(wall, tz, strict=False))
            else:
                out.add(event_start - offset)
    return sorted(t for t in out if t < event_start)


def kept_streak(outcomes: Sequence[bool]) -> int:
    """How many check-ins in a row were kept, counting back from the newest."""
    streak = 0
    for kept in reversed(outcomes):
        if not kept:
            break
        streak += 1
    return streak


def adaptive_interval_days(streak: int) -> int:
    if streak >= 7:
        return 7
    if streak >= 5:
        return 3
    if streak >= 3:
        return 2
    return 1


def _at_local(day: datetime, at_local: time, tz: ZoneInfo) -> datetime:
    return local_to_utc(datetime.combine(day.date(), at_local), tz, strict=False)


def next_check_in(
    rule: CheckInRule,
    *,
    last_at: datetime | None,
    outcomes: Sequence[bool],
    now: datetime,
    tz: ZoneInfo,
    at_local: time = time(17, 0),
) -> datetime:
    """The next check-in moment (aware UTC) for ``rule``, never before ``now``."""
    if rule.kind == "interval":
        assert rule.interval is not None
        candidate = (last_at + rule.interval) if last_at else now
        return max(candidate, now)
    days = {"daily": 1, "weekly": 7}.get(rule.kind) or adaptive_interval_days(kept_streak(outcomes))
    if last_at is None:
        first = _at_local(now.astimezone(tz), at_local, tz)
        return (
            first
            if first > now
            else _at_local(now.astimezone(tz) + timedelta(days=1), at_local, tz)
        )
    candidate = _at_local(last_at.astimezone(tz) + timedelta(days=days), at_local, tz)
    if candidate >= now:
        return candidate
    today = _at_local(now.astimezone(tz), at_local, tz)
    return (
        today if today >= now else _at_local(now.astimezone(tz) + timedelta(days=1), at_local, tz)
    )
