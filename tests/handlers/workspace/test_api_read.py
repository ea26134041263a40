"""Reading cases through the API: the list, one case in plan-file shape (with the ids a program
needs to change it), and its journal as ``sigbot journal --format json`` gives it. Each read of a
case is journaled; a case the account may not see is 404 exactly as an unknown reference."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from sqlmodel import col, select

from sigbot.journal import read_journal
from sigbot.models import Appointment, Commitment, Meeting
from sigbot.planfile.loader import parse_plan_text
from sigbot.planfile.resolved import ResolvedPlan
from tests.handlers.workspace.support import Workspace
from tests.handlers.workspace.test_alerts import OTHER_CASE, REF, raise_missed_reminder
from tests.sigbot.env import EXAMPLE

CASE = f"/api/v1/cases/{REF}"
STOCKHOLM = "Europe/Stockholm"


def comparable(plan: ResolvedPlan) -> ResolvedPlan:
    """A resolved plan without what depends on the spelling of the file (digests) or on when
    it was imported (a consent without ``valid_from`` starts then)."""
    consents = tuple(replace(c, valid_from=None) for c in plan.consents)
    return replace(plan, digest="", commitments_digest="", consents=consents)


async def ids_of(ws: Workspace, model: Any, order: Any) -> list[int]:
    async with ws.env.db.session() as session:
        return list(await session.exec(select(model.id).order_by(col(order), col(model.id))))


def as_plan_file(case: dict[str, Any]) -> str:
    """The API's case without the ids, as the text of a plan file (consent keys such as
    "noah+leila-1" and the members' account links included)."""
    stripped = {
        **case,
        **{
            section: [{k: v for k, v in entry.items() if k != "id"} for entry in case[section]]
            for section in ("meetings", "appointments", "commitments")
        },
    }
    return json.dumps(stripped, ensure_ascii=False)


async def test_the_list_gives_each_visible_case_and_its_next_event(ws: Workspace) -> None:
    """Maja's list holds her case only: its status, coordinator, tomorrow's BUP with the local
    offset, and its open alerts; Olle's holds his."""
    await ws.env.load(OTHER_CASE)
    await ws.account("maja")
    await ws.account("olle")
    await raise_missed_reminder(ws)
    assert (await (await ws.token("maja")).get("/api/v1/cases")).json() == [
        {
            "ref": REF,
            "status": "active",
            "coordinator": "maja",
            "next_event": {"at": "2026-11-26T10:00:00+01:00", "what": "BUP", "kind": "appointment"},
            "open_alerts": 1,
        }
    ]
    olles = (await (await ws.token("olle")).get("/api/v1/cases")).json()
    assert olles == [
        {
            "ref": "ST-2026-031",
            "status": "active",
            "coordinator": "olle",
            "next_event": None,
            "open_alerts": 0,
        }
    ]


async def test_a_case_reads_back_as_the_plan_file_it_was_imported_from(ws: Workspace) -> None:
    """Without its ids, the case the API gives is a valid plan file that resolves to the very
    case examples/case.yaml describes."""
    await ws.account("maja")
    case = (await (await ws.token("maja")).get(CASE)).json()
    assert list(case) == ["case", "members", "consent", "meetings", "appointments", "commitments"]
    given = parse_plan_text(as_plan_file(case), source="api.json", default_timezone=STOCKHOLM)
    original = parse_plan_text(
        EXAMPLE.read_text(encoding="utf-8"), source="case.yaml", default_timezone=STOCKHOLM
    )
    assert comparable(given) == comparable(original)


async def test_a_case_reads_in_plan_file_values_with_ids_and_contacts(ws: Workspace) -> None:
    """Times are local with their offset, days are days, durations ISO; phones and chat ids are
    there; every meeting, appointment and commitment carries its database id."""
    await ws.account("maja")
    case = (await (await ws.token("maja")).get(CASE)).json()
    assert case["case"]["quiet_hours"] == "21:00-08:00"
    assert case["case"]["escalation"] == {"no_reply_after": "PT2H", "ack_within": "PT4H"}
    noah = case["members"][0]
    assert (noah["key"], noah["phone"], noah["telegram_chat_id"]) == ("noah", "+46701234567", 1001)
    assert [(c["key"], c["valid_until"]) for c in case["consent"]] == [
        ("noah+leila-1", "2027-05-31"),
        ("noah+leila-2", "2027-02-28"),
    ]
    bup = case["appointments"][0]
    assert (bup["at"], bup["remind"], bup["status"]) == (
        "2026-11-26T10:00:00+01:00",
        ["P1D", "PT2H"],
        "planned",
    )
    assert case["commitments"][1]["due"] == "2026-11-28T12:00:00+01:00"
    ids = {
        "meetings": await ids_of(ws, Meeting, Meeting.starts_at),
        "appointments": await ids_of(ws, Appointment, Appointment.starts_at),
        "commitments": await ids_of(ws, Commitment, Commitment.id),
    }
    for section, expected in ids.items():
        assert [entry["id"] for entry in case[section]] == expected, section


async def test_the_journal_is_the_cli_journal(ws: Workspace) -> None:
    """The journal endpoint gives exactly what ``sigbot journal --format json`` would have
    given at that moment, oldest first."""
    await ws.account("maja")
    await raise_missed_reminder(ws)
    async with ws.env.db.session() as session:
        before = [line.as_json() for line in await read_journal(session, REF)]
    got = await (await ws.token("maja")).get(f"{CASE}/journal")
    assert got.status_code == 200
    assert got.json() == json.loads(json.dumps(before))


async def test_each_read_of_a_case_is_journaled_and_the_list_is_not(ws: Workspace) -> None:
    """Reading the case and its journal each write one account.read line naming the account
    and what was read; listing the cases writes none."""
    await ws.account("maja", name="Maja")
    api = await ws.token("maja")
    kinds = await ws.journal_kinds(REF)
    await api.get("/api/v1/cases")
    assert await ws.journal_kinds(REF) == kinds
    await api.get(CASE)
    await api.get(f"{CASE}/journal")
    async with ws.env.db.session() as session:
        reads = [line for line in await read_journal(session, REF) if line.kind == "account.read"]
    assert [(r.summary, r.data["account"]) for r in reads] == [
        ("Maja (maja) read: API: case", "maja"),
        ("Maja (maja) read: API: journal", "maja"),
    ]


async def test_the_api_reads_from_the_browser_session_too(ws: Workspace) -> None:
    """A logged-in browser reads the API with its cookie; a GET needs no CSRF header."""
    await ws.account("maja")
    browser = await ws.logged_in("maja")
    assert (await browser.client.get(CASE)).json()["case"]["ref"] == REF


async def test_another_coordinators_case_is_404_like_an_unknown_one(ws: Workspace) -> None:
    """Olle reading Maja's case or its journal gets the very answer an unknown reference gets,
    and nothing is written to her case's journal."""
    await ws.env.load(OTHER_CASE)
    await ws.account("olle")
    api = await ws.token("olle")
    kinds = await ws.journal_kinds(REF)
    for tail in ("", "/journal"):
        hidden = await api.get(f"{CASE}{tail}")
        unknown = await api.get(f"/api/v1/cases/ST-1999-000{tail}")
        assert (hidden.status_code, hidden.json()) == (404, {"detail": "not found"})
        assert (unknown.status_code, unknown.content) == (404, hidden.content)
    assert await ws.journal_kinds(REF) == kinds
    assert (await api.get("/api/v1/cases/ST-2026-031")).status_code == 200


async def test_the_openapi_document_describes_the_reads(ws: Workspace) -> None:
    """/api/openapi.json lists the three read paths with their response shapes."""
    spec = (await (await ws.client()).get("/api/openapi.json")).json()
    paths, schemas = spec["paths"], spec["components"]["schemas"]
    for path in ("/api/v1/cases", "/api/v1/cases/{ref}", "/api/v1/cases/{ref}/journal"):
        assert "get" in paths[path], path
    ok = paths["/api/v1/cases/{ref}"]["get"]["responses"]
    assert ok["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CasePlan"
    }
    assert "404" in ok
    assert set(schemas["CasePlan"]["properties"]) == {
        "case",
        "members",
        "consent",
        "meetings",
        "appointments",
        "commitments",
    }
    assert set(schemas["CaseSummary"]["properties"]) == {
        "ref",
        "status",
        "coordinator",
        "next_event",
        "open_alerts",
    }
    assert {"id", "who", "what", "at"} <= set(schemas["PlanAppointment"]["properties"])
