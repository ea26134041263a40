"""Alerts in the workspace: the /alerts page and the API list the open alerts of the cases an
account sees; acknowledging (with a note) works from the page, the API and still from the
Telegram button, once, named in the escalation row and the journal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from sigbot.handlers.workspace.pages_alerts import local_back, with_notice
from sigbot.journal import read_journal
from sigbot.models import Escalation
from tests.handlers.support import bot_app, feed
from tests.handlers.workspace.support import Workspace

REF = "ST-2026-014"
# A second case with its own coordinator, Olle, who must learn nothing of the first.
OTHER_CASE = """
case:
  ref: ST-2026-031
  coordinator: olle
  status: active
members:
  - {key: ali,  role: youth,       name: Ali,  language: sv, phone: "+46709876543", channel: sms}
  - {key: olle, role: coordinator, name: Olle, language: sv, telegram_chat_id: 2101}
consent:
  - given_by: [ali]
    share_with: [olle]
    topics: [meetings, plan, reminders, escalations]
    valid_until: 2027-05-31
"""


async def raise_missed_reminder(ws: Workspace) -> int:
    """Let Noah's BUP reminder go out and go unanswered: the no-reply alert's id."""
    ws.env.clock.advance(timedelta(hours=1, minutes=1))  # the day-before reminder is due
    await ws.env.cycle()
    # no_reply_after is PT2H; a send that timed out and was retried goes out a little later
    for step in (timedelta(hours=2, minutes=1), *[timedelta(minutes=15)] * 6):
        ws.env.clock.advance(step)
        await ws.env.cycle()
        async with ws.env.db.session() as session:
            escalation = (await session.exec(select(Escalation))).first()
        if escalation is not None:
            break
    assert escalation is not None and escalation.id is not None
    assert escalation.reason == "no_reply" and escalation.acknowledged_at is None
    return escalation.id


async def escalation_row(ws: Workspace, escalation_id: int) -> Escalation:
    async with ws.env.db.session() as session:
        found = await session.get(Escalation, escalation_id)
    assert found is not None
    return found


async def journal_summaries(ws: Workspace, kind: str) -> list[str]:
    async with ws.env.db.session() as session:
        return [line.summary for line in await read_journal(session, REF) if line.kind == kind]


async def test_an_unanswered_reminder_is_an_open_alert_for_its_coordinators(
    ws: Workspace,
) -> None:
    """Maja and Jonas see the missed BUP reminder on /alerts and in the API; Olle does not."""
    await ws.env.load(OTHER_CASE)
    for username in ("maja", "jonas", "olle"):
        await ws.account(username)
    alert_id = await raise_missed_reminder(ws)
    for username in ("maja", "jonas"):
        page = await (await ws.logged_in(username)).client.get("/alerts")
        assert page.status_code == 200
        assert f'href="/cases/{REF}"' in page.text
        assert "No reply" in page.text and "BUP" in page.text and "Coordinator" in page.text
        assert "25 Nov 2026" in page.text
        assert f'action="/alerts/{alert_id}/ack"' in page.text
        assert '<label for="ack-' in page.text
    listed = (await (await ws.token("jonas")).get("/api/v1/alerts")).json()
    assert [(a["id"], a["case"], a["level"], a["reason"]) for a in listed] == [
        (alert_id, REF, "coordinator", "no_reply")
    ]
    assert "BUP" in listed[0]["what"] and listed[0]["created_at"].startswith("2026-11-25T")
    olle_page = await (await ws.logged_in("olle")).client.get("/alerts")
    assert REF not in olle_page.text and "BUP" not in olle_page.text
    assert "No open alerts" in olle_page.text
    assert (await (await ws.token("olle")).get("/api/v1/alerts")).json() == []


async def test_acknowledging_from_the_page_with_a_note(ws: Workspace) -> None:
    """Maja's form records her acknowledgement and her note, and she is back on /alerts."""
    await ws.account("maja", name="Maja")
    alert_id = await raise_missed_reminder(ws)
    browser = await ws.logged_in("maja")
    sent = await browser.submit(
        f"/alerts/{alert_id}/ack", {"note": "Called Leila, Noah is ill", "back": "/alerts"}
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == "/alerts?notice=alert-acknowledged"
    page = await browser.client.get(sent.headers["location"])
    assert "Alert acknowledged." in page.text and "No open alerts" in page.text
    row = await escalation_row(ws, alert_id)
    assert (row.acknowledged_by, row.action) == ("maja", "ack")
    assert row.acknowledged_at == ws.env.clock.now()
    acknowledged = await journal_summaries(ws, "escalation.acknowledged")
    assert len(acknowledged) == 1 and acknowledged[0].startswith("Maja acknowledged via WORKSPACE")
    changed = await journal_summaries(ws, "account.changed")
    assert changed == [
        f"Maja (maja) changed: acknowledged alert {alert_id} "
        f"({row.detail['what']}); note: Called Leila, Noah is ill"
    ]
    async with ws.env.db.session() as session:
        line = next(x for x in await read_journal(session, REF) if x.kind == "account.changed")
    assert line.data["note"] == "Called Leila, Noah is ill"
    assert line.data["escalation_id"] == alert_id


@pytest.mark.parametrize(
    ("back", "location"),
    [
        pytest.param("/", "/?notice=alert-acknowledged", id="day-page"),
        pytest.param(
            f"/cases/{REF}#alerts",
            f"/cases/{REF}?notice=alert-acknowledged#alerts",
            id="case-page-keeps-its-anchor",
        ),
        pytest.param(
            "/cases?notice=other&x=1", "/cases?x=1&notice=alert-acknowledged", id="notice-replaced"
        ),
        pytest.param("", "/alerts?notice=alert-acknowledged", id="none-given"),
        pytest.param("https://evil.example/", "/alerts?notice=alert-acknowledged", id="url"),
        pytest.param("//evil.example/x", "/alerts?notice=alert-acknowledged", id="no-scheme"),
        pytest.param("/\\evil.example", "/alerts?notice=alert-acknowledged", id="backslash"),
        pytest.param("/\t/evil.example", "/alerts?notice=alert-acknowledged", id="tab"),
        pytest.param("alerts", "/alerts?notice=alert-acknowledged", id="relative"),
    ],
)
def test_back_returns_only_to_pages_of_this_site(back: str, location: str) -> None:
    """After acknowledging, the form returns to the page it came from, never to another site."""
    assert with_notice(local_back(back), "alert-acknowledged") == location


async def test_acknowledging_by_api_is_idempotent(ws: Workspace) -> None:
    """Jonas acknowledges by API with a note; asking again changes nothing and journals once."""
    await ws.account("jonas", name="Jonas")
    alert_id = await raise_missed_reminder(ws)
    api = await ws.token("jonas")
    first = await api.post(f"/api/v1/alerts/{alert_id}/ack", json={"note": "On it"})
    assert first.status_code == 200
    body = first.json()
    assert (body["id"], body["case"], body["reason"]) == (alert_id, REF, "no_reply")
    assert (body["acknowledged_by"], body["action"]) == ("jonas", "ack")
    ws.env.clock.advance(timedelta(minutes=5))
    again = await api.post(f"/api/v1/alerts/{alert_id}/ack")
    assert again.status_code == 200 and again.json() == body
    assert (await api.get("/api/v1/alerts")).json() == []
    assert len(await journal_summaries(ws, "escalation.acknowledged")) == 1
    changed = await journal_summaries(ws, "account.changed")
    assert len(changed) == 1 and changed[0].endswith("; note: On it")


async def test_a_team_lead_of_the_team_acknowledges_without_being_in_the_case(
    ws: Workspace,
) -> None:
    """Tove leads Maja's team; she sees the alert and acknowledging names her by username."""
    await ws.account("maja", team="north")
    await ws.account("tove", role="team_lead", team="north", name="Tove")
    await ws.account("ulla", role="team_lead", team="south")
    alert_id = await raise_missed_reminder(ws)
    assert (await (await ws.token("ulla")).get("/api/v1/alerts")).json() == []
    tove = await ws.logged_in("tove")
    assert f'action="/alerts/{alert_id}/ack"' in (await tove.client.get("/alerts")).text
    sent = await tove.submit(f"/alerts/{alert_id}/ack", {"note": "", "back": "/"})
    assert sent.status_code == 303 and sent.headers["location"] == "/?notice=alert-acknowledged"
    row = await escalation_row(ws, alert_id)
    assert (row.acknowledged_by, row.action) == ("tove", "ack")
    acknowledged = await journal_summaries(ws, "escalation.acknowledged")
    assert len(acknowledged) == 1 and acknowledged[0].startswith("Tove acknowledged via WORKSPACE")
    changed = await journal_summaries(ws, "account.changed")
    assert changed == [f"Tove (tove) changed: acknowledged alert {alert_id} ({row.detail['what']})"]


async def test_an_alert_of_a_case_not_seen_is_not_found(ws: Workspace) -> None:
    """Olle, an admin and an unknown id all get 404, and the alert stays open."""
    await ws.env.load(OTHER_CASE)
    await ws.account("olle")
    await ws.account("root", role="admin")
    alert_id = await raise_missed_reminder(ws)
    page = await (await ws.logged_in("olle")).submit(f"/alerts/{alert_id}/ack", {"note": "x"})
    assert page.status_code == 404 and "x" not in page.headers.get("location", "")
    for username in ("olle", "root"):
        api = await ws.token(username)
        for target in (alert_id, alert_id + 1000):
            response = await api.post(f"/api/v1/alerts/{target}/ack", json={"note": "x"})
            assert response.status_code == 404 and response.json() == {"detail": "not found"}
    assert (await escalation_row(ws, alert_id)).acknowledged_at is None
    assert await journal_summaries(ws, "account.changed") == []


async def test_a_too_long_note_is_refused_beside_the_field(ws: Workspace) -> None:
    """A note over 1000 characters: the page shows why beside the note and keeps it; the API
    answers 422; the alert stays open."""
    await ws.account("maja")
    alert_id = await raise_missed_reminder(ws)
    note = "n" * 1001
    page = await (await ws.logged_in("maja")).submit(f"/alerts/{alert_id}/ack", {"note": note})
    assert page.status_code == 422
    assert "at most 1000 characters" in page.text
    assert f'aria-describedby="ack-{alert_id}-error"' in page.text
    assert f">{note}</textarea>" in page.text
    api = await (await ws.token("maja")).post(f"/api/v1/alerts/{alert_id}/ack", json={"note": note})
    assert api.status_code == 422 and api.json()["detail"][0]["loc"] == ["body", "note"]
    assert (await escalation_row(ws, alert_id)).acknowledged_at is None


async def test_acknowledging_without_the_csrf_token_is_refused(ws: Workspace) -> None:
    """A form or cookie API call without the session's CSRF token changes nothing (403)."""
    await ws.account("maja")
    alert_id = await raise_missed_reminder(ws)
    browser = await ws.logged_in("maja")
    form = await browser.client.post(f"/alerts/{alert_id}/ack", data={"note": "x"})
    api = await browser.client.post(f"/api/v1/alerts/{alert_id}/ack", json={})
    assert (form.status_code, api.status_code) == (403, 403)
    assert (await escalation_row(ws, alert_id)).acknowledged_at is None
    with_header = await browser.client.post(
        f"/api/v1/alerts/{alert_id}/ack", json={}, headers={"X-CSRF-Token": browser.csrf}
    )
    assert with_header.status_code == 200


async def test_the_telegram_button_still_acknowledges(ws: Workspace) -> None:
    """Maja's "I'll call" button closes the alert for the workspace too; a later form from
    Jonas changes nothing."""
    await ws.account("maja")
    await ws.account("jonas")
    alert_id = await raise_missed_reminder(ws)
    alert = ws.env.tg.messages_to(2001)[-1]
    assert alert.reply_markup is not None
    call = alert.reply_markup["inline_keyboard"][0][1]["callback_data"]
    async with bot_app(ws.env) as app:
        await feed(app, ws.env.tg.push_callback(2001, call, alert.message_id))
    assert "No open alerts" in (await (await ws.logged_in("maja")).client.get("/alerts")).text
    late = await (await ws.logged_in("jonas")).submit(f"/alerts/{alert_id}/ack", {"note": "x"})
    assert late.status_code == 303
    row = await escalation_row(ws, alert_id)
    assert (row.acknowledged_by, row.action) == ("maja", "call")
    assert len(await journal_summaries(ws, "escalation.acknowledged")) == 1
    assert await journal_summaries(ws, "account.changed") == []


async def test_the_openapi_describes_the_alerts_api(ws: Workspace) -> None:
    """/api/openapi.json names both alert endpoints and the fields they answer with."""
    spec = (await (await ws.client()).get("/api/openapi.json")).json()
    assert "get" in spec["paths"]["/api/v1/alerts"]
    assert "post" in spec["paths"]["/api/v1/alerts/{escalation_id}/ack"]
    schemas = spec["components"]["schemas"]
    assert {"id", "case", "level", "reason", "created_at"} <= set(schemas["Alert"]["properties"])
    assert "acknowledged_by" in schemas["AcknowledgedAlert"]["properties"]
    assert "note" in schemas["Acknowledgement"]["properties"]
