"""Local wall-clock time <-> UTC, strict about daylight-saving gaps and folds.

Plans are written in the case's local time (Europe/Stockholm) but everything is stored in UTC.
A wall-clock time that does not exist (the spring-forward gap, 2026-03-29 02:30 in Stockholm)
is an error, not something to guess about.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class NonexistentLocalTime(ValueError):
    """The wall-clock time falls in a daylight-saving gap."""


def zone(name: str) -> ZoneInfo:
    """Return the IANA zone ``name`` or raise ValueError naming it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def is_nonexistent(local: datetime, tz: ZoneInfo) -> bool:
    """True when the naive ``local`` time is skipped in ``tz`` (spring-forward gap)."""
    aware = local.replace(tzinfo=tz)
    round_trip = aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    return round_trip != local.replace(tzinfo=None)


def local_to_utc(local: datetime, tz: ZoneInfo, *, strict: bool = True) -> datetime:
    """Convert a wall-clock time in ``tz`` to aware UTC.

    Aware inputs are simply converted. In a repeated hour (autumn fold) the first occurrence
    is taken. In a gap, ``strict`` raises :class:`NonexistentLocalTime`; otherwise the time is
    moved forward by the length of the gap (02:30 becomes 03:30), which is what a person
    expecting "the hour after 02:00" would want for generated times.
    """
    if local.tzinfo is not None:
        return local.astimezone(UTC)
    if is_nonexistent(local, tz):
        if strict:
            raise NonexistentLocalTime(
                f"{local.isoformat(timespec='minutes')} does not exist in {tz.key} "
                "(the clocks jump forward then)"
            )
        # fold=0 applies the pre-jump offset, which lands after the gap (02:30 -> 03:30).
        return local.replace(tzinfo=tz, fold=0).astimezone(UTC)
    return local.replace(tzinfo=tz, fold=0).astimezone(UTC)


def utc_to_local(moment: datetime, tz: ZoneInfo) -> datetime:
    """Return the aware local time of an aware UTC ``moment``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz)


def ensure_utc(moment: datetime) -> datetime:
    """Databases hand back naive datetimes (SQLite); everything we store is UTC, so say so."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
