"""The case list (GET /cases): each case the account sees with its status, coordinator, next
event, last contact, open alerts and how the plan is going; filtered by status with a plain GET
form; another coordinator's case never shows."""

from __future__ import annotations

import re

import pytest

from tests.handlers.workspace.support import Workspace
from tests.handlers.workspace.test_alerts import OTHER_CASE, REF, raise_missed_reminder
from tests.handlers.workspace.test_day import noah_says_coming

OLLES = "ST-2026-031"
HEADINGS = "Case Status Coordinator Next event Last contact Open alerts Plan: kept / missed / open"


def rows(html: str) -> list[str]:
    """The list's rows as a reader sees them (header row included)."""
    found = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in found]


async def cases_of(ws: Workspace, username: str, query: str = "") -> str:
    page = await (await ws.logged_in(username)).client.get("/cases" + query)
    assert page.status_code == 200
    return page.text


async def test_maja_sees_her_case_and_how_it_is_going(ws: Workspace) -> None:
    """At the fixture's clock the example case is active, coordinated by Maja with Jonas as
    backup, its next event tomorrow's BUP; nobody has written yet, no alert is open, and none
    of the plan's four commitments is kept or missed."""
    await ws.env.load(OTHER_CASE)
    await ws.account("maja")
    html = await cases_of(ws, "maja")
    assert rows(html) == [
        HEADINGS,
        f"{REF} Active Maja (backup: Jonas) BUP, 26 Nov 2026 10:00 None yet 0 "
        "0 / 0 / 4 (version 1)",
    ]
    assert f'<a href="/cases/{REF}">{REF}</a>' in html
    assert OLLES not in html and "Ali" not in html


async def test_the_last_contact_is_the_young_persons_answer(ws: Workspace) -> None:
    """Noah's "I'm coming" to the BUP reminder at 10:01 is the case's last contact."""
    await ws.account("maja")
    await noah_says_coming(ws)
    assert "BUP, 26 Nov 2026 10:00 25 Nov 2026 10:01 0" in rows(await cases_of(ws, "maja"))[1]


async def test_another_coordinators_case_never_shows(ws: Workspace) -> None:
    """Olle sees his own case only: not Maja's case, its open alert or its people."""
    await ws.env.load(OTHER_CASE)
    await ws.account("olle")
    await raise_missed_reminder(ws)
    html = await cases_of(ws, "olle")
    assert rows(html) == [HEADINGS, f"{OLLES} Active Olle Nothing planned None yet 0 No plan yet"]
    assert REF not in html and "Noah" not in html


async def test_an_open_alert_is_a_badge_linking_to_the_case_alerts(ws: Workspace) -> None:
    """A missed reminder makes the case's open-alert count 1, shown as a badge that opens the
    case at its alerts."""
    await ws.account("maja")
    await raise_missed_reminder(ws)
    html = await cases_of(ws, "maja")
    badge = re.search(
        r'<a href="([^"]+)"\s+aria-label="([^"]+)"><span class="badge alert">(\d+)<', html
    )
    assert badge is not None
    assert badge.groups() == (f"/cases/{REF}#alerts", f"Open alerts in {REF}: 1", "1")


@pytest.mark.parametrize(
    ("query", "listed", "selected"),
    [
        pytest.param("?status=active", True, "active", id="active"),
        pytest.param("?status=paused", False, "paused", id="paused"),
        pytest.param("?status=nonsense", True, "", id="unknown-status-filters-nothing"),
        pytest.param("", True, "", id="no-filter"),
    ],
)
async def test_the_status_filter_is_a_plain_get_form(
    ws: Workspace, query: str, listed: bool, selected: str
) -> None:
    """The filter is a labelled select in a GET form; it keeps the chosen status selected and
    says plainly when no case has it."""
    await ws.account("maja")
    html = await cases_of(ws, "maja", query)
    assert '<form method="get" action="/cases"' in html
    assert '<label for="status">Status</label>' in html
    assert f'<option value="{selected}" selected>' in html
    assert (f'href="/cases/{REF}"' in html) is listed
    if not listed:
        assert "No cases with this status." in html
        assert '<a href="/cases">Show all cases</a>' in html


async def test_an_admin_sees_no_cases(ws: Workspace) -> None:
    """An admin's case list says admins see no case data, and shows none."""
    await ws.account("root", role="admin")
    html = await cases_of(ws, "root")
    assert "see no case data" in html
    assert REF not in html and "Noah" not in html and "<table" not in html
