"""Time values a plan is made of, parsed once when a plan is read: durations, quiet hours,
check-in rules. The scheduler plans with them; nothing re-parses text on a tick."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sigbot.timeutil import local_to_utc

CheckInKind = Literal["daily", "weekly", "interval", "adaptive"]
QUIET_HOURS_DEFAULT = "21:00-08:00"

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

    @property
    def text(self) -> str:
        """The plan file's spelling, "21:00-08:00", as it is stored."""
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

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


@dataclass(frozen=True)
class CheckInRule:
    """How often a commitment is checked in on: daily, weekly, adaptive, or every ``interval``."""

    kind: CheckInKind
    interval: timedelta | None = None

    @property
    def text(self) -> str:
        """The canonical spelling stored in the database: "adaptive", "PT12H"."""
        if self.kind == "interval":
            assert self.interval is not None
            return format_duration(self.interval)
        return self.kind


def parse_check_in(text: str) -> CheckInRule:
    """daily, weekly, adaptive, or an ISO duration of at least an hour."""
    named: dict[str, CheckInKind] = {"daily": "daily", "weekly": "weekly", "adaptive": "adaptive"}
    kind = named.get(text.strip().lower())
    if kind is not None:
        return CheckInRule(kind)
    try:
        interval = parse_duration(text.strip().upper())
    except ValueError:
        raise ValueError(
            f"check_in: expected daily, weekly, adaptive or an ISO duration, got {text!r}"
        ) from None
    if interval < timedelta(hours=1):
        raise ValueError(f"check_in: {text!r} is too often (at least PT1H)")
    return CheckInRule("interval", interval)
