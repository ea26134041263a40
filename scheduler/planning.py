"""Pure planning: quiet hours, reminder times, check-in cadence. No I/O; ``now`` is a parameter.

Adaptive check-ins follow the method ("almost daily contact at the start, thinning out while
commitments are kept, back to daily after a miss"): the interval depends on the streak of kept
check-ins: 0-2 kept -> every day, 3-4 -> every 2 days, 5-6 -> every 3 days, 7+ -> weekly.
One miss resets the streak to 0, so the next check-in is the next day.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sigbot.timeutil import local_to_utc

_DURATION = re.compile(
    r"^P(?:(?P<y>\d+)Y)?(?:(?P<mo>\d+)M)?(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?"
    r"(?:T(?:(?P<h>\d+)H)?(?:(?P<mi>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)


def parse_duration(text: str) -> timedelta:
    """ISO-8601 duration (P1D, PT2H, P1W, P1DT2H) -> timedelta; months/years are refused."""
    match = _DURATION.match(text.strip()) if isinstance(text, str) else None
    if match is None or text.strip() in ("P", "PT") or text.strip().endswith("T"):
        raise ValueError(f"{text!r} is not an ISO-8601 duration (like PT2H or P1D)")
    parts = match.groupdict()
    if parts["y"] or parts["mo"]:
        raise ValueError(f"{text!r}: months/years are not fixed lengths; use days or weeks")
    return timedelta(
        weeks=int(parts["w"] or 0),
        days=int(parts["d"] or 0),
        hours=int(parts["h"] or 0),
        minutes=int(parts["mi"] or 0),
        seconds=float(parts["s"] or 0),
    )


def format_duration(delta: timedelta) -> str:
    """timedelta -> ISO-8601 duration."""
    seconds = int(delta.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    out = "P" + (f"{days}D" if days else "")
    clock = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    clock += f"{secs}S" if secs else ""
    if clock:
        out += "T" + clock
    return out if out != "P" else "PT0S"


@dataclass(frozen=True)
class QuietHours:
    """A daily window (local time) in which no message goes to young people or parents."""

    start: time
    end: time

    def contains(self, local: datetime) -> bool:
        t = local.timetz().replace(tzinfo=None)
        if self.start < self.end:
            return self.start <= t < self.end
        return t >= self.start or t < self.end

    def end_after(self, local: datetime) -> datetime:
        """The aware local moment the current quiet period ends."""
        tz = local.tzinfo
        assert isinstance(tz, ZoneInfo)
        day = local.date()
        if not (self.start < self.end) and local.timetz().replace(tzinfo=None) >= self.start:
            day = day + timedelta(days=1)
        end = local_to_utc(datetime.combine(day, self.end), tz, strict=False)
        return end.astimezone(tz)


def parse_quiet_hours(text: str) -> QuietHours | None:
    """ "21:00-08:00" -> QuietHours; "none" -> None."""
    raw = text.strip()
    if raw.lower() == "none":
        return None
    match = re.fullmatch(r"(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})", raw)
    error = f"quiet_hours: expected HH:MM-HH:MM or 'none', got {text!r}"
    if match is None:
        raise ValueError(error)
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if not (h1 < 24 and h2 < 24 and m1 < 60 and m2 < 60):
        raise ValueError(error)
    start, end = time(h1, m1), time(h2, m2)
    if start == end:
        raise ValueError(f"quiet_hours: start and end are the same ({text!r})")
    return QuietHours(start, end)


def apply_quiet_hours(
    send_at: datetime, quiet: QuietHours | None, tz: ZoneInfo, event_start: datetime | None = None
) -> datetime | None:
    """Move ``send_at`` out of quiet hours; None when that would be at or after the event."""
    if quiet is None:
        return send_at
    local = send_at.astimezone(tz)
    if not quiet.contains(local):
        return send_at
    moved = quiet.end_after(local).astimezone(send_at.tzinfo)
    if event_start is not None and moved >= event_start:
        return None
    return moved


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


@dataclass(frozen=True)
class CheckInRule:
    kind: Literal["daily", "weekly", "interval", "adaptive"]
    interval: timedelta | None = None


def parse_check_in(text: str) -> CheckInRule:
    """daily, weekly, adaptive, or an ISO duration of at least an hour."""
    raw = text.strip().lower()
    if raw in ("daily", "weekly", "adaptive"):
        return CheckInRule(raw)  # type: ignore[arg-type]
    try:
        interval = parse_duration(text.strip().upper())
    except ValueError:
        raise ValueError(
            f"check_in: expected daily, weekly, adaptive or an ISO duration, got {text!r}"
        ) from None
    if interval < timedelta(hours=1):
        raise ValueError(f"check_in: {text!r} is too often (at least PT1H)")
    return CheckInRule("interval", interval)


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
