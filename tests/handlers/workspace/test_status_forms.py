"""The case page's course forms: pause (reminders wait), resume, close, hand over (the open alerts
move and the family is told), and a Telegram invitation link with its QR code that redeems
through /start. A refusal is shown beside its field and writes nothing; another coordinator's
case is not found."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from sigbot.handlers.workspace.app import build_workspace
from sigbot.handlers.workspace.deps import WorkspaceDeps
from tests.handlers.support import bot_app, feed
from tests.handlers.workspace.plan_support import (
    CASE,
    REF,
    as_maja,
    changes_by,
    form_fields,
    problem_beside,
    written,
)
from tests.handlers.workspace.support import BASE, CSRF_INPUT, PASSWORD, Browser, Workspace
from tests.handlers.workspace.test_alerts import OTHER_CASE, raise_missed_reminder
from tests.handlers.workspace.test_case_page import section, text_of
from tests.sigbot.views.support import at

NOAH_CHAT, JONAS_CHAT, LEILA_PHONE = 1001, 2002, "+46701234568"
PAUSE = {"until": "2027-01-15", "reason": "Sjukhusvistelse"}


async def followed(browser: Browser, response: Any) -> str:
    """The case page a successful form leads back to, at its status section."""
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith(f"{CASE}?notice=") and location.endswith("#status")
    return str((await browser.client.get(location)).text)


async def test_a_paused_case_holds_its_reminders(ws: Workspace) -> None:
    """Paused until 15 January: the page says so, and Noah's BUP reminder does not go out."""
    browser, _ = await as_maja(ws)
    page = await followed(browser, await browser.submit(f"{CASE}/pause", PAUSE))
    assert "Case paused: reminders and check-ins wait until the pause ends." in page
    status = section(page, "status")
    assert "Paused since 25 Nov 2026 (Sjukhusvistelse)" in status
    assert "Paused until 15 Jan 2027" in status
    assert 'action="/cases/ST-2026-014/resume"' in page
    assert 'action="/cases/ST-2026-014/pause"' not in page
    await at(ws.env, 2026, 11, 25, 10, 5)  # BUP's day-before reminder would go now
    assert not any("BUP" in m.text for m in ws.env.tg.messages_to(NOAH_CHAT))
    assert await changes_by(ws) == ["Maja Lind (maja) changed: paused until 2027-01-15"]


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        pytest.param("until", "", "a date like 2027-01-15 is needed", id="no-date"),
        pytest.param("until", "15/1", "a date like 2027-01-15 is needed", id="garbled"),
        pytest.param("until", "2026-11-25", "must be after today", id="today"),
        pytest.param("reason", " ", "must not be empty", id="no-reason"),
    ],
)
async def test_a_bad_pause_is_shown_beside_its_field(
    ws: Workspace, field: str, value: str, problem: str
) -> None:
    """422 beside the field, what was typed kept, the case still active."""
    browser, _ = await as_maja(ws)
    before = await written(ws)
    response = await browser.submit(f"{CASE}/pause", PAUSE | {field: value})
    assert response.status_code == 422
    assert problem_beside(response.text, "case-pause", field) == problem
    assert form_fields(response.text, "case-pause")["reason"] == (PAUSE | {field: value})["reason"]
    assert await written(ws) == before


async def test_resuming_a_paused_case_and_resuming_twice(ws: Workspace) -> None:
    """Resume makes it active again; resuming an active case is refused, nothing written."""
    browser, _ = await as_maja(ws)
    await followed(browser, await browser.submit(f"{CASE}/pause", PAUSE))
    page = await followed(browser, await browser.submit(f"{CASE}/resume", {"reason": "hemma"}))
    assert "Case resumed: reminders and check-ins go on." in page
    assert "Active since 25 Nov 2026 (hemma)" in section(page, "status")
    before = await written(ws)
    again = await browser.submit(f"{CASE}/resume", {"reason": ""})
    assert again.status_code == 422
    refused = text_of(again.text)
    assert "Nothing was changed" in refused and "the case is active already" in refused
    assert await written(ws) == before


async def test_closing_with_an_outcome(ws: Workspace) -> None:
    """Closed with "goals met": the page shows it; an unknown outcome is refused beside it."""
    browser, _ = await as_maja(ws)
    refused = await browser.submit(f"{CASE}/close", {"outcome": "great", "reason": ""})
    assert refused.status_code == 422
    assert problem_beside(refused.text, "case-close", "outcome") == "choose an outcome"
    page = await followed(
        browser, await browser.submit(f"{CASE}/close", {"outcome": "goals_met", "reason": "klart"})
    )
    assert "Case closed: everything pending is cancelled." in page
    assert "Closed since 25 Nov 2026 (klart)" in section(page, "status")
    assert await changes_by(ws) == ["Maja Lind (maja) changed: closed (goals_met)"]


async def test_handing_over_moves_the_alerts_and_tells_the_family(ws: Workspace) -> None:
    """Jonas takes over (Maja backs up): the open alert reaches him, Noah and Leila hear of
    their new contact, the journal says who did it."""
    await raise_missed_reminder(ws)
    browser, _ = await as_maja(ws)
    handed = await browser.submit(f"{CASE}/hand-over", {"coordinator": "jonas", "backup": "maja"})
    page = await followed(browser, handed)
    assert "Case handed over. Open alerts go to the new coordinator" in page
    assert "Coordinator Jonas Backup Maja" in section(page, "status")
    await ws.env.cycle()
    assert any("BUP" in m.text for m in ws.env.tg.messages_to(JONAS_CHAT))
    assert ws.env.tg.messages_to(NOAH_CHAT)[-1].text.startswith("Din kontaktperson är nu Jonas.")
    assert [m.body for m in ws.env.tw.messages_to(LEILA_PHONE)][-1] == (
        "You have a new contact person. They will get in touch soon."
    )
    assert await changes_by(ws) == ["Maja Lind (maja) changed: handed over to jonas, backup maja"]
    assert "case.handed_over" in await ws.journal_kinds(REF)


@pytest.mark.parametrize(
    ("given", "field", "problem"),
    [
        pytest.param({"coordinator": "noah"}, "coordinator", "choose a coordinator of this case"),
        pytest.param({"backup": "maja"}, "backup", "the backup must be another coordinator"),
        pytest.param({}, "coordinator", "they coordinate the case already"),
    ],
    ids=["not-staff", "backup-is-coordinator", "no-change"],
)
async def test_a_bad_hand_over_is_refused(
    ws: Workspace, given: dict[str, str], field: str, problem: str
) -> None:
    """422 beside the field; the case keeps its coordinators and nobody is told."""
    browser, _ = await as_maja(ws)
    before = await written(ws)
    response = await browser.submit(
        f"{CASE}/hand-over", {"coordinator": "maja", "backup": "jonas"} | given
    )
    assert response.status_code == 422
    assert problem_beside(response.text, "hand-over", field) == problem
    assert await written(ws) == before


async def test_handing_over_out_of_sight_goes_to_the_case_list(ws: Workspace) -> None:
    """Maja gives the case to Jonas with no backup: she no longer sees it, so /cases."""
    browser, _ = await as_maja(ws)
    response = await browser.submit(f"{CASE}/hand-over", {"coordinator": "jonas", "backup": ""})
    assert (response.status_code, response.headers["location"]) == (303, "/cases")
    assert (await browser.client.get(CASE)).status_code == 404


async def test_an_invitation_link_shows_a_qr_code_and_links_a_chat(ws: Workspace) -> None:
    """Karin's link: a QR code in inline SVG (no style attribute) beside the t.me link; /start
    with its code links her new chat."""
    browser, _ = await as_maja(ws)
    response = await browser.submit(f"{CASE}/members/karin/invite", {})
    assert response.status_code == 200
    page = response.text
    assert "<h1>Invitation link for Karin</h1>" in page
    svg = re.search(r"<svg[^>]*>.*?</svg>", page, re.S)
    assert svg and 'class="qr"' in svg.group(0) and "<path" in svg.group(0)
    assert "style=" not in page
    found = re.search(r'href="https://t\.me/sigbot_test_bot\?start=([A-Za-z0-9_-]+)"', page)
    assert found, "no deep link on the page"
    assert "It works once, until 2 Dec 2026 09:00." in text_of(page)
    async with bot_app(ws.env) as app:
        await feed(app, ws.env.tg.push_message(7777, f"/start {found.group(1)}"))
    assert (await ws.env.member("karin")).telegram_chat_id == 7777
    assert await changes_by(ws) == ["Maja Lind (maja) changed: invitation link made for karin"]
    assert "invite.redeemed" in await ws.journal_kinds(REF)


async def test_an_invitation_for_nobody_is_not_found(ws: Workspace) -> None:
    """A member key the case does not have: 404, no code made."""
    browser, _ = await as_maja(ws)
    before = await written(ws)
    assert (await browser.submit(f"{CASE}/members/olle/invite", {})).status_code == 404
    assert await written(ws) == before


async def test_without_telegram_no_link_is_made(ws: Workspace) -> None:
    """Telegram off: the page says so instead of offering links; a post anyway is refused."""
    await ws.account("maja", name="Maja Lind")
    app = build_workspace(WorkspaceDeps(db=ws.env.db, clock=ws.env.clock, sessions=ws.policy))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as client:
        login = {"username": "maja", "password": PASSWORD, "next": "/"}
        assert (await client.post("/login", data=login)).status_code == 303
        page = (await client.get(CASE)).text
        assert "Telegram is not switched on, so no invitation link can be made." in page
        assert "/invite" not in page
        found = CSRF_INPUT.search(page)
        assert found
        before = await written(ws)
        refused = await client.post(f"{CASE}/members/karin/invite", data={"csrf_token": found[1]})
        assert refused.status_code == 422
        assert "t.me" not in refused.text
        assert await written(ws) == before


async def test_another_coordinators_case_is_not_found(ws: Workspace) -> None:
    """Olle cannot pause, hand over or invite in Maja's case: 404, as for no case at all."""
    await ws.env.load(OTHER_CASE)
    await ws.account("olle")
    olle = await ws.logged_in("olle")
    before = await written(ws)
    for path, data in [
        ("pause", PAUSE),
        ("hand-over", {"coordinator": "jonas", "backup": ""}),
        ("members/noah/invite", {}),
        ("plan/version", {"owner-0": "noah", "area-0": "work", "text-0": "x"}),
    ]:
        assert (await olle.submit(f"{CASE}/{path}", data)).status_code == 404
    assert await written(ws) == before
