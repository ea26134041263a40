"""Calendar files from the case page: the coordinator downloads an appointment or a meeting and
their calendar reads it back; nobody else learns the event exists, and each download is a
journaled read of the case."""

from __future__ import annotations

import httpx
from icalendar import Calendar, Event
from sqlmodel import col, select

from sigbot.journal import read_journal
from sigbot.models import Appointment, Case, Meeting
from tests.handlers.workspace.support import Browser, Workspace
from tests.handlers.workspace.test_case_page import CASE, REF
from tests.sigbot.views.support import OMARS, OTHER_CASE

STOCKHOLM = "Europe/Stockholm"


async def as_maja(ws: Workspace, language: str = "en") -> Browser:
    await ws.account("maja", team="north", name="Maja Lind", language=language)
    return await ws.logged_in("maja")


async def first_id(ws: Workspace, table: type[Appointment | Meeting], ref: str = REF) -> int:
    """The id of the case's earliest appointment (BUP) or meeting (the officials' one)."""
    async with ws.env.db.session() as session:
        query = select(table).join(Case, col(Case.id) == col(table.case_id))
        rows = await session.exec(query.where(Case.ref == ref).order_by(col(table.starts_at)))
        found = rows.first()
    assert found is not None and found.id is not None
    return found.id


def event_of(response: httpx.Response) -> tuple[Calendar, Event]:
    """The calendar file a download gave, as a calendar application reads it."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    [event] = calendar.events
    return calendar, event


def wall_clock(event: Event) -> tuple[str | None, str]:
    prop = event["DTSTART"]
    value = prop.to_ical()
    return prop.params.get("TZID"), value.decode() if isinstance(value, bytes) else value


async def test_the_coordinator_downloads_an_appointment_for_her_calendar(ws: Workspace) -> None:
    """BUP at 10:00 Stockholm time as a file to keep: its title, place, UID and the time it
    was made; the case page links to it."""
    browser = await as_maja(ws)
    bup = await first_id(ws, Appointment)
    page = await browser.client.get(CASE)
    assert f'href="{CASE}/appointments/{bup}.ics"' in page.text
    response = await browser.client.get(f"{CASE}/appointments/{bup}.ics")
    calendar, event = event_of(response)
    assert response.headers["content-disposition"] == (
        'attachment; filename="2026-11-26-1000-bup.ics"'
    )
    assert calendar["METHOD"] == "PUBLISH"
    assert (str(event["SUMMARY"]), str(event["LOCATION"])) == ("BUP", "BUP Järva")
    assert wall_clock(event) == (STOCKHOLM, "20261126T100000")
    assert str(event["UID"]) == f"appointment-{bup}@sigbot.invalid"
    assert (event.DTSTAMP, event.sequence) == (ws.env.clock.now(), 0)


async def test_a_meeting_is_titled_in_the_readers_language(ws: Workspace) -> None:
    """A Swedish account's file names the officials' meeting in Swedish."""
    browser = await as_maja(ws, language="sv")
    meeting = await first_id(ws, Meeting)
    _, event = event_of(await browser.client.get(f"{CASE}/meetings/{meeting}.ics"))
    assert str(event["SUMMARY"]) == "Tjänstepersonsmöte"
    assert str(event["LOCATION"]) == "Tensta träff"
    assert wall_clock(event) == (STOCKHOLM, "20261201T140000")
    assert str(event["UID"]) == f"meeting-{meeting}@sigbot.invalid"


async def test_a_cancelled_appointment_gives_the_file_that_removes_it(ws: Workspace) -> None:
    """After the cancel form, the same UID comes as METHOD:CANCEL with STATUS:CANCELLED."""
    browser = await as_maja(ws)
    bup = await first_id(ws, Appointment)
    cancelled = await browser.submit(f"{CASE}/appointments/{bup}/cancel", {})
    assert cancelled.status_code == 303
    calendar, event = event_of(await browser.client.get(f"{CASE}/appointments/{bup}.ics"))
    assert calendar["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED"
    assert str(event["UID"]) == f"appointment-{bup}@sigbot.invalid"


async def test_each_download_is_a_journaled_read(ws: Workspace) -> None:
    """Who downloaded which event shows in the case's journal, as a read of the page does."""
    browser = await as_maja(ws)
    bup, meeting = await first_id(ws, Appointment), await first_id(ws, Meeting)
    await browser.client.get(f"{CASE}/appointments/{bup}.ics")
    await browser.client.get(f"{CASE}/meetings/{meeting}.ics")
    async with ws.env.db.session() as session:
        reads = [line.summary for line in await read_journal(session, REF)]
    by_maja = [line for line in reads if line.startswith("Maja Lind (maja) read: calendar file")]
    assert [line.split(": ")[-1] for line in by_maja] == [
        f"appointment {await key_of(ws, Appointment, bup)}",
        f"meeting {await key_of(ws, Meeting, meeting)}",
    ]


async def key_of(ws: Workspace, table: type[Appointment | Meeting], row_id: int) -> str:
    async with ws.env.db.session() as session:
        row = await session.get(table, row_id)
    assert row is not None
    return row.key


async def test_another_teams_coordinator_gets_not_found(ws: Workspace) -> None:
    """Omar (team south) gets 404 for Maja's case's events, as for a case that does not exist;
    nothing is journaled in her case."""
    await ws.env.load(OTHER_CASE)
    await ws.account("omar", team="south")
    omar = await ws.logged_in("omar")
    before = await ws.journal_kinds(REF)
    for path in (
        f"{CASE}/appointments/{await first_id(ws, Appointment)}.ics",
        f"{CASE}/meetings/{await first_id(ws, Meeting)}.ics",
    ):
        response = await omar.client.get(path)
        assert response.status_code == 404 and "BEGIN:VCALENDAR" not in response.text
    assert await ws.journal_kinds(REF) == before


async def test_an_event_of_another_case_or_an_unknown_id_is_not_found(ws: Workspace) -> None:
    """Omar's appointment asked for under Maja's case, an id nobody has, a case Maja cannot
    see, and an id that is not a number: all not found."""
    await ws.env.load(OTHER_CASE)
    browser = await as_maja(ws)
    omars_appointment = await first_id(ws, Appointment, OMARS)
    omars_meeting = await first_id(ws, Meeting, OMARS)
    for path in (
        f"{CASE}/appointments/{omars_appointment}.ics",
        f"{CASE}/meetings/{omars_meeting}.ics",
        f"{CASE}/appointments/999999.ics",
        f"{CASE}/meetings/999999.ics",
        f"/cases/{OMARS}/appointments/{omars_appointment}.ics",
        f"{CASE}/appointments/bup.ics",
    ):
        assert (await browser.client.get(path)).status_code == 404, path


async def test_without_a_session_the_download_goes_to_the_login_page(ws: Workspace) -> None:
    """Logged out: the login page, as for any other page, and no file."""
    client = await ws.client()
    path = f"{CASE}/appointments/{await first_id(ws, Appointment)}.ics"
    response = await client.get(path)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")
    assert "text/calendar" not in response.headers.get("content-type", "")
