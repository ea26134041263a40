"""The case page's forms for appointments and meetings: a change goes back to the page with a
notice, reaches the people concerned through the planner, and is journaled with the account's
name; a refused value is shown beside its field, what was typed is kept, nothing is written."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from sqlmodel import col, select

from sigbot.journal import read_journal
from sigbot.models import Appointment, Case, Meeting
from tests.handlers.workspace.support import Browser, Workspace
from tests.handlers.workspace.test_case_page import CASE, REF, rows
from tests.sigbot.views.support import OMARS, OTHER_CASE, at

NOAH_CHAT = 1001
BY_MAJA = "Maja Lind (maja) changed: "
NEW_APPOINTMENT = {
    "who": "noah",
    "what": "Tandläkare",
    "at": "2026-12-02T09:30",
    "place": "Folktandvården",
    "remind": "P1D, PT2H",
}
NEW_MEETING = {"kind": "network", "at": "2026-12-08T15:00", "place": "Tensta träff"}


async def as_maja(ws: Workspace) -> Browser:
    await ws.account("maja", name="Maja Lind")
    return await ws.logged_in("maja")


async def event_id(
    ws: Workspace, table: type[Appointment | Meeting], key: str, ref: str = REF
) -> int:
    """The id of the appointment or meeting ``key`` of the case ``ref``."""
    async with ws.env.db.session() as session:
        query = select(table).join(Case, col(Case.id) == col(table.case_id))
        row = (await session.exec(query.where(Case.ref == ref, col(table.key) == key))).one()
    assert row.id is not None
    return row.id


async def written(ws: Workspace) -> tuple[list[tuple[str, str, str]], list[str]]:
    """What a refused form must leave as it was: every event's key, time and status, and the
    journal's kinds apart from the reads of the page."""
    async with ws.env.db.session() as session:
        events = [
            (row.key, row.starts_at.isoformat(), row.status)
            for table in (Appointment, Meeting)
            for row in await session.exec(select(table).order_by(col(table.id)))
        ]
    return events, [kind for kind in await ws.journal_kinds(REF) if kind != "account.read"]


async def changes_by_maja(ws: Workspace) -> list[str]:
    async with ws.env.db.session() as session:
        lines = await read_journal(session, REF)
    return [line.summary for line in lines if line.kind == "account.changed"]


def error_beside(page: str, form: str, field: str) -> str:
    """The problem shown beside ``field`` of ``form``; the input is described by it."""
    error_id = f"{form}-{field}-error"
    found = re.search(rf'<p class="field-error" id="{error_id}">(.*?)</p>', page, re.S)
    assert found, f"no error beside {form} {field}"
    assert re.search(rf'aria-describedby="[^"]*{error_id}"', page)
    return unescape(found.group(1))


async def followed(browser: Browser, response: Any) -> str:
    """The page a successful form leads back to (303 to the case with a notice)."""
    assert response.status_code == 303, response.text
    assert response.headers["location"].startswith(f"{CASE}?notice=")
    page = await browser.client.get(response.headers["location"])
    assert page.status_code == 200
    return str(page.text)


async def test_adding_an_appointment_shows_it_and_journals_who(ws: Workspace) -> None:
    """The new appointment is on the page with a notice; the planner reminds Noah of it."""
    browser = await as_maja(ws)
    response = await browser.submit(f"{CASE}/appointments", NEW_APPOINTMENT)
    assert response.headers["location"] == f"{CASE}?notice=appointment-added#appointments"
    page = await followed(browser, response)
    assert "Appointment added. The person will be reminded." in page
    row = ["2 Dec 2026 09:30", "Noah", "Tandläkare", "Folktandvården", "Planned"]
    assert [r[:5] for r in rows(page, "appointments")][1] == row
    assert await changes_by_maja(ws) == [f"{BY_MAJA}appointment noah-tandlakare added"]
    assert ws.changes == ["changed"]  # the planner was asked to look at once
    async with ws.env.db.session() as session:
        added = await session.get(Appointment, await event_id(ws, Appointment, "noah-tandlakare"))
    assert added is not None and added.remind == (timedelta(days=1), timedelta(hours=2))


GAP, ZONE, JUMP = "2027-03-28T02:30", "Europe/Stockholm", "(the clocks jump forward then)"
BAD_APPOINTMENTS = [
    pytest.param("who", "nobody", "choose a member of this case", id="who-unknown"),
    pytest.param("what", "  ", "must not be empty", id="what-empty"),
    pytest.param("what", "x" * 201, "at most 200 characters", id="what-long"),
    pytest.param("at", "", "a date and time is needed", id="at-empty"),
    pytest.param("at", "2026-11-24T10:00", "must be in the future", id="at-past"),
    pytest.param("at", "soon", "not a valid date and time: 'soon'", id="at-garbled"),
    pytest.param("at", GAP, f"{GAP} does not exist in {ZONE} {JUMP}", id="at-spring-gap"),
    pytest.param("place", "p" * 201, "at most 200 characters", id="place-long"),
    pytest.param(
        "remind", "P1D, soon", "'soon' is not an ISO-8601 duration (like PT2H or P1D)", id="remind"
    ),
    pytest.param("remind", "PT0H", "must be longer than zero", id="remind-zero"),
]


@pytest.mark.parametrize(("field", "value", "problem"), BAD_APPOINTMENTS)
async def test_a_bad_appointment_value_is_shown_beside_its_field(
    ws: Workspace, field: str, value: str, problem: str
) -> None:
    """422: the problem beside the field, the typed values kept, nothing written."""
    browser = await as_maja(ws)
    before = await written(ws)
    response = await browser.submit(f"{CASE}/appointments", {**NEW_APPOINTMENT, field: value})
    assert response.status_code == 422
    assert error_beside(response.text, "appointment-add", field) == problem
    assert "Nothing was changed." in response.text
    kept = "Folktandvården" if field != "place" else "Tandläkare"
    assert f'value="{kept}"' in response.text
    assert await written(ws) == before


async def test_moving_an_appointment_tells_noah_on_telegram(ws: Workspace) -> None:
    """After the day-before reminder, a move reaches Noah as "BUP har flyttats" with the new
    time; the journal says what moved and who moved it."""
    await at(ws.env, 2026, 11, 25, 10, 5)  # BUP's day-before reminder goes out
    assert any(m.text.startswith("Påminnelse: BUP") for m in ws.env.tg.messages_to(NOAH_CHAT))
    browser = await as_maja(ws)
    bup = await event_id(ws, Appointment, "noah-bup")
    response = await browser.submit(f"{CASE}/appointments/{bup}/move", {"at": "2026-11-27T10:00"})
    page = await followed(browser, response)
    assert "Appointment moved." in page
    assert rows(page, "appointments")[0][:3] == ["27 Nov 2026 10:00", "Noah", "BUP"]
    await ws.env.cycle()
    told = ws.env.tg.messages_to(NOAH_CHAT)[-1].text
    assert told.startswith("BUP har flyttats. Ny tid: fre 27 nov. 10:00")
    async with ws.env.db.session() as session:
        lines = [(line.kind, line.summary) for line in await read_journal(session, REF)]
    assert ("appointment.changed", "BUP: moved 2026-11-26 10:00 → 2026-11-27 10:00") in lines
    assert await changes_by_maja(ws) == [f"{BY_MAJA}appointment noah-bup moved"]


@pytest.mark.parametrize(
    ("table", "key", "value", "problem"),
    [
        (Appointment, "noah-bup", "2026-11-25T08:00", "must be in the future"),
        (Appointment, "noah-bup", "", "a date and time is needed"),
        (Meeting, "network-1", "2026-11-20T15:00", "must be in the future"),
    ],
    ids=["appointment-past", "appointment-empty", "meeting-past"],
)
async def test_a_bad_new_time_is_shown_beside_the_move(
    ws: Workspace, table: type[Appointment | Meeting], key: str, value: str, problem: str
) -> None:
    """A move to the past or to no time is refused beside that event's field."""
    browser = await as_maja(ws)
    item, thing = await event_id(ws, table, key), table.__tablename__
    before = await written(ws)
    response = await browser.submit(f"{CASE}/{thing}s/{item}/move", {"at": value})
    assert response.status_code == 422
    assert error_beside(response.text, f"{thing}-move-{item}", "at") == problem
    assert await written(ws) == before


async def test_cancelling_an_appointment_tells_noah_and_cannot_be_repeated(ws: Workspace) -> None:
    """Noah, who had been reminded, hears BUP is off; a second cancel is refused, unchanged."""
    await at(ws.env, 2026, 11, 25, 10, 5)
    browser = await as_maja(ws)
    bup = await event_id(ws, Appointment, "noah-bup")
    page = await followed(browser, await browser.submit(f"{CASE}/appointments/{bup}/cancel", {}))
    assert "Appointment cancelled." in page
    assert rows(page, "appointments")[0][4] == "Cancelled"
    assert f"appointments/{bup}/cancel" not in page  # no button for what is off already
    await ws.env.cycle()
    assert ws.env.tg.messages_to(NOAH_CHAT)[-1].text.startswith(
        "BUP tors 26 nov. 10:00 är inställd"
    )
    before = await written(ws)
    again = await browser.submit(f"{CASE}/appointments/{bup}/cancel", {})
    assert again.status_code == 422
    assert "Nothing was changed: only a planned appointment can be cancelled" in again.text
    assert await written(ws) == before


async def test_planning_a_meeting_invites_whom_it_names(ws: Workspace) -> None:
    """The meeting shows with its invitees; Noah and Leila are invited by the planner."""
    await ws.env.cycle()
    browser = await as_maja(ws)
    form = {**NEW_MEETING, "invite": ["noah", "leila", "maja"]}
    response = await browser.submit(f"{CASE}/meetings", form)
    assert response.headers["location"] == f"{CASE}?notice=meeting-planned#meetings"
    page = await followed(browser, response)
    assert "Meeting planned. The invitees are invited." in page
    meeting = rows(page, "meetings")[2]
    assert meeting[:4] == ["8 Dec 2026 15:00", "Network meeting", "Tensta träff", "Planned"]
    assert meeting[4] == "Noah: No answer yet Leila: No answer yet Maja: No answer yet"
    await ws.env.cycle()
    invitation = ws.env.tg.messages_to(NOAH_CHAT)[-1].text
    assert invitation.startswith("Du är inbjuden till ett nätverksmöte tis 8 dec. 15:00")
    assert "8 Dec" in ws.env.tw.messages_to("+46701234568")[-1].body
    assert await changes_by_maja(ws) == [f"{BY_MAJA}meeting network-2 planned"]


FAMILY_TO_OFFICIALS = {"kind": "officials", "invite": ["maja", "noah"]}
BAD_MEETINGS = [
    pytest.param({"kind": "party"}, "kind", "must be one of network, officials", id="kind"),
    pytest.param({"at": "2026-11-01T15:00"}, "at", "must be in the future", id="at-past"),
    pytest.param({"place": "p" * 201}, "place", "at most 200 characters", id="place-long"),
    pytest.param({"invite": []}, "invite", "invite at least one person", id="invite-nobody"),
    pytest.param(
        {"invite": ["ghost"]}, "invite", "'ghost' is not a member of this case", id="invite-ghost"
    ),
    pytest.param(
        FAMILY_TO_OFFICIALS,
        "invite",
        "an officials' meeting invites no family member",
        id="officials-invite-noah",
    ),
]


@pytest.mark.parametrize(("change", "field", "problem"), BAD_MEETINGS)
async def test_a_bad_meeting_value_is_shown_beside_its_field(
    ws: Workspace, change: dict[str, Any], field: str, problem: str
) -> None:
    """422: the problem beside the field, the chosen kind and invitees kept, nothing written."""
    browser = await as_maja(ws)
    before = await written(ws)
    form = {**NEW_MEETING, "invite": ["leila", "maja"], **change}
    response = await browser.submit(f"{CASE}/meetings", form)
    assert response.status_code == 422
    assert error_beside(response.text, "meeting-plan", field) == problem
    for ticked in set(form["invite"]) - {"ghost"}:  # nobody's box to tick
        assert re.search(rf'value="{ticked}"\s+checked', response.text)
    if form["kind"] == "officials":
        assert re.search(r'<option value="officials"\s+selected>', response.text)
    assert await written(ws) == before


async def test_moving_and_cancelling_a_meeting_tell_the_invitees(ws: Workspace) -> None:
    """Noah, invited to the network meeting, hears it moved and then that it is off."""
    await ws.env.cycle()  # the invitations go out
    browser = await as_maja(ws)
    network = await event_id(ws, Meeting, "network-1")
    moved = await browser.submit(f"{CASE}/meetings/{network}/move", {"at": "2026-12-02T15:00"})
    assert "Meeting moved." in await followed(browser, moved)
    await ws.env.cycle()
    assert ws.env.tg.messages_to(NOAH_CHAT)[-1].text.startswith(
        "Mötet har flyttats. Ny tid: ons 2 dec. 15:00"
    )
    cancelled = await browser.submit(f"{CASE}/meetings/{network}/cancel", {})
    page = await followed(browser, cancelled)
    assert "Meeting cancelled." in page and rows(page, "meetings")[1][3] == "Cancelled"
    await ws.env.cycle()
    assert ws.env.tg.messages_to(NOAH_CHAT)[-1].text.startswith("Mötet ons 2 dec. 15:00")
    assert await changes_by_maja(ws) == [
        f"{BY_MAJA}meeting network-1 moved",
        f"{BY_MAJA}meeting network-1 cancelled",
    ]


@pytest.mark.parametrize("verb", ["move", "cancel"])
async def test_an_event_of_another_case_is_not_found(ws: Workspace, verb: str) -> None:
    """Omar's appointment and meeting, reached through Maja's case, are 404 and unchanged."""
    await ws.env.load(OTHER_CASE)
    browser = await as_maja(ws)
    before = await written(ws)
    for path in (
        f"appointments/{await event_id(ws, Appointment, 'ali-tandlakare', OMARS)}",
        f"meetings/{await event_id(ws, Meeting, 'network-1', OMARS)}",
        "appointments/99999",
    ):
        response = await browser.submit(f"{CASE}/{path}/{verb}", {"at": "2026-12-01T10:00"})
        assert response.status_code == 404
    assert await written(ws) == before


async def test_a_form_without_the_csrf_token_changes_nothing(ws: Workspace) -> None:
    """A post another site could make (no CSRF token) is refused with 403."""
    browser = await as_maja(ws)
    before = await written(ws)
    response = await browser.client.post(f"{CASE}/appointments", data=NEW_APPOINTMENT)
    assert response.status_code == 403
    assert await written(ws) == before
