"""Calendar files (RFC 5545) for an appointment or a meeting, so a person can put it in their
own calendar and a later file with the same UID moves or removes it there.

A planned event is ``METHOD:PUBLISH`` (iTIP, RFC 5546 §3.2.1): nobody is asked to reply, the
file is simply added. A withdrawn one is ``METHOD:CANCEL`` with ``STATUS:CANCELLED`` (§3.2.5),
which needs UID, DTSTAMP, ORGANIZER and SEQUENCE; it keeps the time, title and place so a
calendar shows what was called off. Neither carries ATTENDEE: PUBLISH must not, and a CANCEL
of an event published without attendees names none either.

Times are written in the case's zone (``DTSTART;TZID=Europe/Stockholm``) with the VTIMEZONE
that defines it, so the wall-clock time is right on both sides of a daylight-saving change
(only a time in the second pass of the repeated autumn hour is written in UTC instead).

No VALARM: sigbot already reminds the person (by default 18:00 the day before and two hours
before), so a calendar alarm would say the same thing again, on every device the calendar
syncs to, and put the title on a locked screen. ``CLASS:PRIVATE`` asks a shared calendar to
show the slot as busy without its title.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress

from sigbot.timeutil import zone

PRODID = "-//sigbot//sigbot//EN"
UID_DOMAIN = "sigbot.invalid"
# RFC 5546 wants an ORGANIZER even in PUBLISH; a reserved domain (RFC 2606) so that a
# calendar that tries to write back reaches nobody.
ORGANIZER_ADDRESS = f"mailto:noreply@{UID_DOMAIN}"
ORGANIZER_NAME = "sigbot"
DEFAULT_LENGTH = timedelta(hours=1)
FILENAME_TITLE_LIMIT = 40
_KIND = re.compile(r"[a-z][a-z0-9-]*")


def event_uid(kind: str, event_id: int, domain: str = UID_DOMAIN) -> str:
    """The UID every file about one event shares (``appointment-12@sigbot.invalid``), so a
    calendar replaces or removes the copy it already has. Only the kind and the database id:
    nothing about the case or the person."""
    if not _KIND.fullmatch(kind):
        raise ValueError(f"event kind must be a lower-case word, not {kind!r}")
    if event_id < 0:
        raise ValueError(f"event id must not be negative, not {event_id}")
    return f"{kind}-{event_id}@{domain}"


def event_ics(
    *,
    uid: str,
    title: str,
    start: datetime,
    end: datetime | None,
    tz_name: str,
    location: str | None,
    sequence: int,
    cancelled: bool,
    stamp: datetime,
    organizer_name: str | None = None,
    description: str | None = None,
) -> bytes:
    """One event as a calendar file (UTF-8, CRLF lines folded at 75 octets).

    Args:
        uid: from :func:`event_uid`; the same for every file about the event.
        title: the SUMMARY, already in the reader's language.
        start: aware; shown in ``tz_name``.
        end: aware, after ``start``; None means one hour (:data:`DEFAULT_LENGTH`).
        tz_name: the case's IANA zone (``Europe/Stockholm``).
        location: the place, or None.
        sequence: the event's revision, 0 for the first file. Each move or cancellation must
            give a higher number than the files sent before, or calendars ignore it
            (RFC 5546 §2.1.4).
        cancelled: write the CANCEL file instead of the PUBLISH one.
        stamp: DTSTAMP, when the file was made (the injected clock's now).
        organizer_name: shown as the organizer (e.g. the coordinator); "sigbot" if None.
        description: longer text, or None.

    Raises:
        ValueError: naive times, an end not after the start, a negative sequence, an unknown
            zone.
    """
    finish = _checked_end(start=start, end=end, stamp=stamp, sequence=sequence)
    tz = zone(tz_name)
    event = _event(uid=uid, title=title, stamp=stamp, sequence=sequence, cancelled=cancelled)
    event.add("dtstart", _wall_clock(start, tz))
    event.add("dtend", _wall_clock(finish, tz))
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    organizer = vCalAddress(ORGANIZER_ADDRESS)
    organizer.params["cn"] = organizer_name or ORGANIZER_NAME
    event.add("organizer", organizer)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    calendar.add_component(event)
    _add_timezone(calendar, start.astimezone(tz).date(), finish.astimezone(tz).date())
    ical: bytes = calendar.to_ical()  # untyped in icalendar 7
    return ical


def _checked_end(
    *, start: datetime, end: datetime | None, stamp: datetime, sequence: int
) -> datetime:
    """The end to write (an hour after ``start`` if None), once the values make sense."""
    for name, moment in (("start", start), ("end", end), ("stamp", stamp)):
        if moment is not None and moment.utcoffset() is None:
            raise ValueError(f"{name} must be timezone-aware")
    finish = start + DEFAULT_LENGTH if end is None else end
    if finish <= start:
        raise ValueError("end must be after start")
    if sequence < 0:
        raise ValueError("sequence must not be negative")
    return finish


def _event(*, uid: str, title: str, stamp: datetime, sequence: int, cancelled: bool) -> Event:
    """The properties both methods share; built by hand (not ``Event.new``), which would
    fill a missing DTSTAMP or UID from the real clock or a random number."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("sequence", sequence)
    event.add("summary", title)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("class", "PRIVATE")
    event.add("transp", "OPAQUE")
    return event


def _wall_clock(moment: datetime, tz: ZoneInfo) -> datetime:
    """``moment`` in ``tz``; in UTC if it falls in the second pass of the hour the clocks go
    back, which a TZID time cannot name (RFC 5545 §3.3.5 reads a repeated time as the first)."""
    local = moment.astimezone(tz)
    if local.replace(fold=0).astimezone(UTC) != moment.astimezone(UTC):
        return moment.astimezone(UTC)
    return local


def _add_timezone(calendar: Calendar, first: date, last: date) -> None:
    """The VTIMEZONE for the zone the times use, covering a year either side of the event
    (the library's default, 1970-2038, would make the file a hundred lines longer)."""
    calendar.add_missing_timezones(
        first_date=date(first.year - 1, 1, 1), last_date=date(last.year + 2, 1, 1)
    )
    missing = calendar.get_missing_tzids()
    if missing:
        raise ValueError(f"no VTIMEZONE for {', '.join(sorted(missing))}")


def ics_filename(title: str, start: datetime, tz_name: str) -> str:
    """A file name safe in any header or file system: ``2026-11-26-1000-bup-jarva.ics``.

    The local date and time first (the files sort by when); the title's letters without
    accents, others dropped, so a title only in Arabic script leaves just the date.
    """
    local = start.astimezone(zone(tz_name))
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    words = words[:FILENAME_TITLE_LIMIT].rstrip("-")
    stem = local.strftime("%Y-%m-%d-%H%M")
    return f"{stem}-{words}.ics" if words else f"{stem}.ics"
