"""Calendar files: what a calendar reads back from them, across Stockholm's clock changes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event

from sigbot.messages.calendar import PRODID, event_ics, event_uid, ics_filename

STOCKHOLM = "Europe/Stockholm"
STAMP = datetime(2026, 3, 1, 7, 15, tzinfo=UTC)


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def ics(**given: Any) -> bytes:
    """A file for BUP at 10:00 on 26 November 2026 unless ``given`` says otherwise."""
    values: dict[str, Any] = {
        "uid": event_uid("appointment", 12),
        "title": "BUP",
        "start": datetime(2026, 11, 26, 9, 0, tzinfo=UTC),
        "end": None,
        "tz_name": STOCKHOLM,
        "location": "BUP Järva",
        "sequence": 0,
        "cancelled": False,
        "stamp": STAMP,
    }
    return event_ics(**{**values, **given})


def parsed(data: bytes) -> tuple[Calendar, Event]:
    calendar = Calendar.from_ical(data)
    [event] = calendar.events
    return calendar, event


def local_text(event: Event, name: str) -> tuple[str | None, str]:
    """A time property as written: its TZID and the bare value (``20261126T100000``)."""
    prop = event[name]
    value = prop.to_ical()
    return prop.params.get("TZID"), value.decode() if isinstance(value, bytes) else value


def test_a_planned_event_is_published_with_its_zone() -> None:
    """PUBLISH, the local time with TZID, one hour long, and the VTIMEZONE that defines it."""
    calendar, event = parsed(ics())
    assert calendar["METHOD"] == "PUBLISH" and calendar["PRODID"] == PRODID
    assert calendar["VERSION"] == "2.0"
    assert local_text(event, "DTSTART") == (STOCKHOLM, "20261126T100000")
    assert local_text(event, "DTEND") == (STOCKHOLM, "20261126T110000")
    assert event.start == datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo(STOCKHOLM))
    assert [tz.tz_name for tz in calendar.timezones] == [STOCKHOLM]
    assert calendar.get_missing_tzids() == set()
    assert str(event["SUMMARY"]) == "BUP" and str(event["LOCATION"]) == "BUP Järva"
    assert event["STATUS"] == "CONFIRMED" and event.sequence == 0
    assert "VALARM" not in ics().decode()  # sigbot reminds; the calendar does not repeat it


@pytest.mark.parametrize(
    ("start", "end", "start_local", "end_local"),
    [
        # 29 March 2026: 02:00 CET becomes 03:00 CEST (UTC+2 from then on).
        (utc(2026, 3, 29, 8, 0), None, "20260329T100000", "20260329T110000"),
        (utc(2026, 3, 29, 0, 30), None, "20260329T013000", "20260329T033000"),
        # 25 October 2026: 03:00 CEST becomes 02:00 CET (UTC+1 from then on).
        (utc(2026, 10, 25, 9, 0), None, "20261025T100000", "20261025T110000"),
        (
            utc(2026, 10, 24, 8, 0),
            utc(2026, 10, 24, 9, 30),
            "20261024T100000",
            "20261024T113000",
        ),
    ],
)
def test_local_time_is_right_on_both_sides_of_a_clock_change(
    start: datetime, end: datetime | None, start_local: str, end_local: str
) -> None:
    """Wall-clock times in Stockholm on the days the clocks change; a calendar reading them
    back gets the same moments (an hour-long event over the spring jump ends at 03:30)."""
    _, event = parsed(ics(start=start, end=end))
    assert local_text(event, "DTSTART") == (STOCKHOLM, start_local)
    assert local_text(event, "DTEND") == (STOCKHOLM, end_local)
    assert event.start == start
    assert event.end == (end or start + timedelta(hours=1))


def test_the_second_pass_of_the_autumn_hour_is_written_in_utc() -> None:
    """02:30 happens twice on 25 October; a TZID time would be read as the first, so the
    second is written as UTC and still means the same moment."""
    start = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 CET, the second 02:30
    _, event = parsed(ics(start=start))
    assert local_text(event, "DTSTART") == (None, "20261025T013000Z")
    assert local_text(event, "DTEND") == (STOCKHOLM, "20261025T033000")
    assert event.start == start and event.end == start + timedelta(hours=1)


def test_a_withdrawn_event_is_a_cancel_with_what_rfc_5546_asks() -> None:
    """CANCEL with STATUS:CANCELLED, the same UID, a SEQUENCE, DTSTAMP and ORGANIZER; the time,
    title and place stay so the calendar shows what was called off."""
    calendar, event = parsed(ics(cancelled=True, sequence=3, organizer_name="Maja Lind"))
    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED" and event.sequence == 3
    assert str(event["UID"]) == "appointment-12@sigbot.invalid"
    assert event.DTSTAMP == STAMP
    assert event["ORGANIZER"].params["CN"] == "Maja Lind"
    assert str(event["ORGANIZER"]).startswith("mailto:")
    assert local_text(event, "DTSTART") == (STOCKHOLM, "20261126T100000")
    assert "ATTENDEE" not in event


def test_the_uid_is_stable_and_names_only_the_kind_and_id() -> None:
    """Every file about an event has the same UID, whatever its time, title or revision."""
    assert event_uid("meeting", 7) == "meeting-7@sigbot.invalid"
    assert event_uid("meeting", 7, domain="sig.example.org") == "meeting-7@sig.example.org"
    uids = {
        str(parsed(data)[1]["UID"])
        for data in (ics(), ics(sequence=1, title="BUP (flyttad)"), ics(cancelled=True))
    }
    assert uids == {"appointment-12@sigbot.invalid"}
    for kind in ("", "Meeting", "a b", "möte"):
        with pytest.raises(ValueError):
            event_uid(kind, 1)


def test_the_clock_is_what_it_is_given() -> None:
    """DTSTAMP is the injected stamp and no other time of day is written: the same input gives
    the same bytes, whenever it is made."""
    data = ics()
    assert data == ics()
    assert re.findall(rb"\d{8}T\d{6}Z", data) == [b"20260301T071500Z"]


@pytest.mark.parametrize(
    "title",
    [
        "موعد في عيادة الأطفال والمراهقين للطب النفسي في جارفا، الساعة العاشرة",
        "Ballanta dhakhtarka carruurta iyo dhallinyarada; fadlan imow waqtiga, mahadsanid",
        "Möte med skolan, rektor; kurator och mentor – Järvaskolan, rum 3b",
    ],
)
def test_titles_in_any_script_round_trip_through_folded_lines(title: str) -> None:
    """Arabic, Somali and Swedish titles (commas and semicolons too) come back as written;
    lines end in CRLF and are folded at 75 octets without splitting a character."""
    data = ics(title=title, description=title, location=title)
    lines = data.split(b"\r\n")
    assert lines[-1] == b"" and all(b"\n" not in line for line in lines)
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # a fold never cuts a character in two
    _, event = parsed(data)
    assert [str(event[p]) for p in ("SUMMARY", "DESCRIPTION", "LOCATION")] == [title] * 3


@pytest.mark.parametrize(
    "given",
    [
        {"start": datetime(2026, 11, 26, 10, 0)},  # noqa: DTZ001 - naive on purpose
        {"stamp": datetime(2026, 11, 26, 10, 0)},  # noqa: DTZ001 - naive on purpose
        {"end": datetime(2026, 11, 26, 9, 0, tzinfo=UTC)},  # no later than the start
        {"sequence": -1},
        {"tz_name": "Europe/Atlantis"},
    ],
)
def test_what_cannot_be_a_calendar_file_is_refused(given: dict[str, Any]) -> None:
    """Naive times, an end not after the start, a negative revision, an unknown zone."""
    with pytest.raises(ValueError):
        ics(**given)


@pytest.mark.parametrize(
    ("title", "start", "name"),
    [
        ("BUP Järva", utc(2026, 11, 26, 9, 0), "2026-11-26-1000-bup-jarva.ics"),
        (
            "Möte på Åsö/skolan!",
            utc(2026, 3, 29, 8, 0),
            "2026-03-29-1000-mote-pa-aso-skolan.ics",
        ),
        ("موعد الطبيب", utc(2026, 10, 25, 9, 0), "2026-10-25-1000.ics"),
        ("x" * 80, utc(2026, 11, 26, 9, 0), f"2026-11-26-1000-{'x' * 40}.ics"),
        (
            'a"; filename=evil.sh',
            utc(2026, 11, 26, 9, 0),
            "2026-11-26-1000-a-filename-evil-sh.ics",
        ),
    ],
)
def test_the_file_name_is_plain_ascii_with_the_local_time(
    title: str, start: datetime, name: str
) -> None:
    """Date and local time first, the title's letters without accents, nothing a header or a
    file system could misread."""
    assert ics_filename(title, start, STOCKHOLM) == name
