"""Pure planning rules, table by table: quiet hours, reminder times, check-in cadence, DST."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from sigbot.scheduler.timing import (
    adaptive_interval_days,
    kept_streak,
    next_check_in,
    reminder_times,
)
from sigbot.timing import (
    CheckInRule,
    apply_quiet_hours,
    format_duration,
    parse_check_in,
    parse_duration,
    parse_quiet_hours,
)

TZ = ZoneInfo("Europe/Stockholm")


def local(*args: int) -> datetime:
    """An aware UTC moment from Stockholm wall-clock fields."""
    return datetime(*args, tzinfo=TZ).astimezone(UTC)  # type: ignore[misc]  # datetime(*ints)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("PT2H", timedelta(hours=2), id="hours"),
        pytest.param("P1D", timedelta(days=1), id="day"),
        pytest.param("P1W", timedelta(weeks=1), id="week"),
        pytest.param("P1DT2H30M", timedelta(days=1, hours=2, minutes=30), id="mixed"),
        pytest.param("PT30M", timedelta(minutes=30), id="minutes"),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    """ISO-8601 durations become timedeltas and format back."""
    assert parse_duration(text) == expected
    assert parse_duration(format_duration(expected)) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("P1M", "months/years", id="month"),
        pytest.param("2 hours", "not an ISO-8601 duration", id="words"),
        pytest.param("P", "not an ISO-8601 duration", id="empty"),
        pytest.param("PT", "not an ISO-8601 duration", id="empty-time"),
        pytest.param("P1X", "not an ISO-8601 duration", id="bad-unit"),
    ],
)
def test_bad_durations_are_named(text: str, message: str) -> None:
    """A bad duration says what it got and what it wants."""
    with pytest.raises(ValueError, match=message):
        parse_duration(text)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        pytest.param("25:00-08:00", "expected HH:MM-HH:MM", id="hour-25"),
        pytest.param("21-08", "expected HH:MM-HH:MM", id="no-minutes"),
        pytest.param("08:00-08:00", "the same", id="empty-window"),
    ],
)
def test_bad_quiet_hours(text: str, error: str) -> None:
    """Malformed quiet hours are refused with the text given."""
    with pytest.raises(ValueError, match=error):
        parse_quiet_hours(text)


QUIET = parse_quiet_hours("21:00-08:00")


@pytest.mark.parametrize(
    ("send", "event", "expected"),
    [
        pytest.param(local(2026, 11, 25, 12, 0), None, local(2026, 11, 25, 12, 0), id="daytime"),
        pytest.param(local(2026, 11, 25, 22, 30), None, local(2026, 11, 26, 8, 0), id="evening"),
        pytest.param(local(2026, 11, 26, 6, 0), None, local(2026, 11, 26, 8, 0), id="early"),
        pytest.param(local(2026, 11, 25, 21, 0), None, local(2026, 11, 26, 8, 0), id="at-start"),
        pytest.param(local(2026, 11, 26, 8, 0), None, local(2026, 11, 26, 8, 0), id="at-end"),
        pytest.param(
            local(2026, 11, 26, 6, 0), local(2026, 11, 26, 7, 30), None, id="event-first-drop"
        ),
        pytest.param(
            local(2026, 3, 28, 23, 0), None, local(2026, 3, 29, 8, 0), id="over-spring-jump"
        ),
        pytest.param(
            local(2026, 10, 24, 23, 0), None, local(2026, 10, 25, 8, 0), id="over-autumn-jump"
        ),
    ],
)
def test_quiet_hours_move_or_drop(
    send: datetime, event: datetime | None, expected: datetime | None
) -> None:
    """Inside quiet hours a message moves to 08:00 local, or is dropped if the event is first."""
    assert apply_quiet_hours(send, QUIET, TZ, event) == expected


def test_same_day_quiet_window() -> None:
    """A lunch window 12:00-13:00 does not wrap midnight."""
    lunch = parse_quiet_hours("12:00-13:00")
    assert apply_quiet_hours(local(2026, 11, 25, 12, 15), lunch, TZ) == local(2026, 11, 25, 13, 0)
    assert apply_quiet_hours(local(2026, 11, 25, 22, 0), lunch, TZ) == local(2026, 11, 25, 22, 0)


def test_no_quiet_hours() -> None:
    """'none' turns quiet hours off."""
    assert parse_quiet_hours("none") is None
    assert apply_quiet_hours(local(2026, 11, 25, 23, 0), None, TZ) == local(2026, 11, 25, 23, 0)


@pytest.mark.parametrize(
    ("event", "offsets", "expected"),
    [
        pytest.param(
            local(2026, 11, 26, 10, 0),
            None,
            [local(2026, 11, 25, 18, 0), local(2026, 11, 26, 8, 0)],
            id="defaults",
        ),
        pytest.param(
            local(2026, 3, 29, 10, 0),
            [timedelta(days=1)],
            [local(2026, 3, 28, 10, 0)],
            id="P1D-over-spring-jump-is-23h",
        ),
        pytest.param(
            local(2026, 10, 25, 10, 0),
            [timedelta(days=1)],
            [local(2026, 10, 24, 10, 0)],
            id="P1D-over-autumn-jump-is-25h",
        ),
        pytest.param(
            local(2026, 3, 29, 4, 0),
            [timedelta(hours=2)],
            [local(2026, 3, 29, 1, 0)],
            id="PT2H-is-real-time-across-the-gap",
        ),
        pytest.param(
            local(2026, 3, 30, 2, 30),
            [timedelta(days=1)],
            [local(2026, 3, 29, 3, 30)],
            id="P1D-into-the-gap-moves-after-it",
        ),
    ],
)
def test_reminder_times(
    event: datetime, offsets: list[timedelta] | None, expected: list[datetime]
) -> None:
    """Whole-day offsets keep the wall time; hour offsets are real elapsed time."""
    assert reminder_times(event, offsets, TZ) == expected


def test_p1d_across_spring_jump_is_23_real_hours() -> None:
    """The spring-forward day has 23 hours."""
    event = local(2026, 3, 29, 10, 0)
    (reminder,) = reminder_times(event, [timedelta(days=1)], TZ)
    assert event - reminder == timedelta(hours=23)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        pytest.param("daily", CheckInRule("daily"), id="daily"),
        pytest.param("weekly", CheckInRule("weekly"), id="weekly"),
        pytest.param("adaptive", CheckInRule("adaptive"), id="adaptive"),
        pytest.param("P3D", CheckInRule("interval", timedelta(days=3)), id="duration"),
    ],
)
def test_parse_check_in(text: str, rule: CheckInRule) -> None:
    """Check-in rules are daily, weekly, adaptive or a duration."""
    assert parse_check_in(text) == rule


@pytest.mark.parametrize("text", ["sometimes", "PT10M", "P1M"])
def test_bad_check_in(text: str) -> None:
    """Unknown words, too-frequent and calendar-month intervals are refused."""
    with pytest.raises(ValueError, match="check_in"):
        parse_check_in(text)


def test_adaptive_thins_out_and_resets_after_a_miss() -> None:
    """1,1,1,2,2,3,3,7 days while kept; one miss brings it back to daily."""
    outcomes: list[bool] = []
    intervals = []
    for _ in range(8):
        intervals.append(adaptive_interval_days(kept_streak(outcomes)))
        outcomes.append(True)
    assert intervals == [1, 1, 1, 2, 2, 3, 3, 7]
    outcomes.append(False)
    assert adaptive_interval_days(kept_streak(outcomes)) == 1


@pytest.mark.parametrize(
    ("last", "outcomes", "now", "expected"),
    [
        pytest.param(None, [], local(2026, 11, 25, 9, 0), local(2026, 11, 25, 17, 0), id="first"),
        pytest.param(
            None, [], local(2026, 11, 25, 18, 0), local(2026, 11, 26, 17, 0), id="first-late"
        ),
        pytest.param(
            local(2026, 3, 28, 17, 0),
            [],
            local(2026, 3, 28, 17, 5),
            local(2026, 3, 29, 17, 0),
            id="daily-over-spring-jump",
        ),
        pytest.param(
            local(2026, 10, 24, 17, 0),
            [],
            local(2026, 10, 24, 17, 5),
            local(2026, 10, 25, 17, 0),
            id="daily-over-autumn-jump",
        ),
        pytest.param(
            local(2026, 11, 25, 17, 0),
            [True] * 7,
            local(2026, 11, 25, 17, 5),
            local(2026, 12, 2, 17, 0),
            id="weekly-after-seven-kept",
        ),
        pytest.param(
            local(2026, 11, 20, 17, 0),
            [True] * 7,
            local(2026, 12, 1, 9, 0),
            local(2026, 12, 1, 17, 0),
            id="never-in-the-past",
        ),
    ],
)
def test_next_adaptive_check_in(
    last: datetime | None, outcomes: list[bool], now: datetime, expected: datetime
) -> None:
    """Check-ins land at 17:00 local on the right day, across daylight-saving changes."""
    rule = CheckInRule("adaptive")
    got = next_check_in(rule, last_at=last, outcomes=outcomes, now=now, tz=TZ, at_local=time(17))
    assert got == expected
