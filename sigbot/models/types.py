"""Column types shared by every table: UTC-aware datetimes and JSON lists."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from sigbot.timing import (
    CheckInRule,
    QuietHours,
    format_duration,
    parse_check_in,
    parse_duration,
    parse_quiet_hours,
)


class UTCDateTime(TypeDecorator[datetime]):
    """Store aware datetimes as UTC and hand them back aware, on SQLite as on PostgreSQL.

    SQLite has no time zone type and returns naive values; without this, comparisons between
    "now" and stored times would silently mix naive and aware datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utc_now() -> datetime:
    """Default for bookkeeping columns; domain times always come from the injected clock."""
    return datetime.now(UTC)


JSONType: Any = JSON


class Timestamped(SQLModel):
    """When a row was made and last changed: bookkeeping every editable table shares."""

    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False)


# Plan values are stored as the text a plan file uses and handed to Python already parsed, so
# the scheduler works with typed values and never parses text on a tick.


class QuietHoursColumn(TypeDecorator[QuietHours | None]):
    """Quiet hours as "21:00-08:00" (or "none") in the database, ``QuietHours | None`` in Python."""

    impl = String(16)
    cache_ok = True

    def process_bind_param(self, value: QuietHours | None, dialect: Dialect) -> str:
        return "none" if value is None else value.text

    def process_result_value(self, value: str | None, dialect: Dialect) -> QuietHours | None:
        return None if value is None else parse_quiet_hours(value)


class DurationsColumn(TypeDecorator[tuple[timedelta, ...] | None]):
    """Reminder offsets as a JSON list of ISO-8601 durations; None means "the defaults"."""

    impl = JSON
    cache_ok = True

    def process_bind_param(
        self, value: tuple[timedelta, ...] | None, dialect: Dialect
    ) -> list[str] | None:
        return None if value is None else [format_duration(d) for d in value]

    def process_result_value(
        self, value: list[str] | None, dialect: Dialect
    ) -> tuple[timedelta, ...] | None:
        return None if value is None else tuple(parse_duration(d) for d in value)


class CheckInColumn(TypeDecorator[CheckInRule | None]):
    """A check-in rule as "adaptive", "daily", "weekly" or an ISO duration."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: CheckInRule | None, dialect: Dialect) -> str | None:
        return None if value is None else value.text

    def process_result_value(self, value: str | None, dialect: Dialect) -> CheckInRule | None:
        return None if value is None else parse_check_in(value)
