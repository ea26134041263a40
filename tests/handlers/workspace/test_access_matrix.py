"""Who may do what: every role against every API endpoint and page of the workspace.

The example case ST-2026-014 has coordinator Maja and backup Jonas, both in team north; Olle
coordinates another case (team south). A case an account may not see answers 404 exactly as
one that does not exist (never 403); no credentials, a disabled account or a revoked token get
401 from the API and the login page (303) from pages. A refused change writes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import SQLModel, select

from sigbot.domain.accounts import disable_account, revoke_api_tokens
from sigbot.models import Appointment
from tests.handlers.workspace.support import Workspace
from tests.handlers.workspace.test_alerts import OTHER_CASE, REF, raise_missed_reminder
from tests.sigbot.env import EXAMPLE

# Rows a person's browser or token may write without changing any case.
SIGN_IN_TABLES = frozenset({"account", "web_session", "api_token", "login_attempt"})
# The example plan with one more appointment: a PUT that is taken writes a row.
EXTRA = "  - {who: noah, what: Tandläkare, at: 2026-12-09T09:00, place: Folktandvården}\n"
PLAN = EXAMPLE.read_text(encoding="utf-8").replace("appointments:\n", "appointments:\n" + EXTRA)
NEW_APPOINTMENT = {"who": "noah", "what": "Ungdomsmottagning", "at": "2026-12-10T10:00"}
MOVE = {"at": "2026-12-11T13:30"}
NEW_MEETING = {"kind": "network", "at": "2026-12-15T15:00", "invite": ["noah", "leila", "maja"]}
NEW_COMMITMENT = {
    "owner": "noah",
    "area": "school",
    "text": "Göra läxorna",
    "due": "2026-12-20T12:00",
}


@dataclass(frozen=True)
class Call:
    """One endpoint: ``{ref}``, ``{alert}`` and ``{appointment}`` are filled in per test."""

    column: str
    method: str
    path: str
    json: Any = None
    yaml: str | None = None
    page: bool = False


CALLS = (  # reads first: the changes acknowledge the one alert the lists should show
    Call("cases", "GET", "/api/v1/cases"),
    Call("case", "GET", "/api/v1/cases/{ref}"),
    Call("journal", "GET", "/api/v1/cases/{ref}/journal"),
    Call("alerts", "GET", "/api/v1/alerts"),
    Call("/", "GET", "/", page=True),
    Call("/cases", "GET", "/cases", page=True),
    Call("/cases/ref", "GET", "/cases/{ref}", page=True),
    Call("/alerts", "GET", "/alerts", page=True),
    Call("ack", "POST", "/api/v1/alerts/{alert}/ack", json={"note": "seen"}),
    Call("plan", "PUT", "/api/v1/cases/{ref}/plan", yaml=PLAN),
    Call("appt", "POST", "/api/v1/cases/{ref}/appointments", json=NEW_APPOINTMENT),
    Call("move", "PATCH", "/api/v1/cases/{ref}/appointments/{appointment}", json=MOVE),
    Call("meeting", "POST", "/api/v1/cases/{ref}/meetings", json=NEW_MEETING),
    Call("commit", "POST", "/api/v1/cases/{ref}/commitments", json=NEW_COMMITMENT),
)
COLUMNS = tuple(call.column for call in CALLS)

# fmt: off
# Columns as in CALLS: API reads (cases, case, journal, alerts); pages (/, /cases, /cases/{ref},
# /alerts); API changes (ack, plan, appointments, move appointment, meetings, commitments).
#                      API reads             pages                  API changes
#                      cases case jrnl alrt   /    cases case alrt   ack  plan appt move meet comm
MATRIX: dict[str, tuple[int, ...]] = {
    "coordinator":       (200, 200, 200, 200,   200, 200, 200, 200,   200, 200, 201, 200, 201, 201),
    "backup":            (200, 200, 200, 200,   200, 200, 200, 200,   200, 200, 201, 200, 201, 201),
    "other coordinator": (200, 404, 404, 200,   200, 200, 404, 200,   404, 404, 404, 404, 404, 404),
    "team lead":         (200, 200, 200, 200,   200, 200, 200, 200,   200, 200, 201, 200, 201, 201),
    "other team lead":   (200, 404, 404, 200,   200, 200, 404, 200,   404, 404, 404, 404, 404, 404),
    "admin":             (200, 404, 404, 200,   200, 200, 404, 200,   404, 404, 404, 404, 404, 404),
    "disabled account":  (401, 401, 401, 401,   303, 303, 303, 303,   401, 401, 401, 401, 401, 401),
    "revoked token":     (401, 401, 401, 401,   303, 303, 303, 303,   401, 401, 401, 401, 401, 401),
    "no credentials":    (401, 401, 401, 401,   303, 303, 303, 303,   401, 401, 401, 401, 401, 401),
}
# fmt: on
SEES_THE_CASE = frozenset({"coordinator", "backup", "team lead"})
# Lists that must name the case for those who see it (and never for anyone else).
LISTS = ("cases", "alerts", "/cases", "/alerts")


async def accounts(ws: Workspace) -> None:
    """Everyone in the matrix; Vera and Wilma lead team north but are disabled / revoked."""
    await ws.account("maja", team="north")
    await ws.account("jonas", team="north")
    await ws.account("olle", team="south")
    await ws.account("tove", role="team_lead", team="north")
    await ws.account("ulla", role="team_lead", team="south")
    await ws.account("root", role="admin")
    await ws.account("vera", role="team_lead", team="north")
    await ws.account("wilma", role="team_lead", team="north")


@dataclass
class Caller:
    """How one role reaches the workspace: an API client and a page client."""

    api: httpx.AsyncClient
    pages: httpx.AsyncClient


async def _as(ws: Workspace, username: str) -> Caller:
    return Caller(await ws.token(username), (await ws.logged_in(username)).client)


async def _disabled(ws: Workspace) -> Caller:
    caller = await _as(ws, "vera")
    async with ws.env.db.session() as session:
        await disable_account(session, username="vera", now=ws.env.clock.now())
        await session.commit()
    return caller


async def _revoked(ws: Workspace) -> Caller:
    api = await ws.token("wilma")
    async with ws.env.db.session() as session:
        await revoke_api_tokens(session, username="wilma", now=ws.env.clock.now())
        await session.commit()
    pages = await ws.client()
    pages.headers["Authorization"] = api.headers["Authorization"]
    return Caller(api, pages)


async def _nobody(ws: Workspace) -> Caller:
    return Caller(await ws.client(), await ws.client())


def _named(username: str) -> Callable[[Workspace], Awaitable[Caller]]:
    async def caller(ws: Workspace) -> Caller:
        return await _as(ws, username)

    return caller


CALLERS: dict[str, Callable[[Workspace], Awaitable[Caller]]] = {
    "coordinator": _named("maja"),
    "backup": _named("jonas"),
    "other coordinator": _named("olle"),
    "team lead": _named("tove"),
    "other team lead": _named("ulla"),
    "admin": _named("root"),
    "disabled account": _disabled,
    "revoked token": _revoked,
    "no credentials": _nobody,
}


async def row_counts(ws: Workspace) -> dict[str, int]:
    """Rows per table, sign-in bookkeeping left out: what a refused change must not alter."""
    counts: dict[str, int] = {}
    async with ws.env.db.session() as session:
        for table in SQLModel.metadata.sorted_tables:
            if table.name not in SIGN_IN_TABLES:
                query = select(func.count()).select_from(table)
                counts[table.name] = (await session.exec(query)).one()
    return counts


async def send(caller: Caller, call: Call, ids: dict[str, Any]) -> httpx.Response:
    client = caller.pages if call.page else caller.api
    path = call.path.format(**ids)
    if call.yaml is not None:
        headers = {"Content-Type": "application/yaml"}
        return await client.request(call.method, path, content=call.yaml, headers=headers)
    return await client.request(call.method, path, json=call.json)


def missing_route(response: httpx.Response) -> bool:
    """FastAPI's own 404 for a path no route serves (ours says "not found" in lower case)."""
    return response.status_code in (404, 405) and response.text in (
        '{"detail":"Not Found"}',
        '{"detail":"Method Not Allowed"}',
    )


def _changed(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {t: (before[t], after[t]) for t in before if before[t] != after[t]}


@pytest.mark.parametrize("role", list(MATRIX))
async def test_access_matrix(ws: Workspace, role: str) -> None:
    """Each role gets exactly its row of the matrix, sees the case only where it may, and its
    refused changes write nothing."""
    await ws.env.load(OTHER_CASE)
    await accounts(ws)
    alert = await raise_missed_reminder(ws)
    async with ws.env.db.session() as session:
        query = select(Appointment).where(Appointment.what == "Jobbtorg")
        jobbtorg = (await session.exec(query)).one()
    ids = {"ref": REF, "alert": alert, "appointment": jobbtorg.id}
    caller = await CALLERS[role](ws)
    before = await row_counts(ws)
    got: dict[str, httpx.Response] = {}
    for call in CALLS:
        got[call.column] = await send(caller, call, ids)
    expected = dict(zip(COLUMNS, MATRIX[role], strict=True))
    problems = [
        f"{c}: {got[c].status_code}, expected {expected[c]}"
        + (" (no route yet)" if missing_route(got[c]) else "")
        for c in COLUMNS
        if got[c].status_code != expected[c]
    ]
    if role in SEES_THE_CASE:
        problems += [
            f"{c}: does not list {REF}"
            for c in LISTS
            if REF not in got[c].text and not missing_route(got[c])
        ]
    else:
        problems += [f"{c}: shows the case" for c in COLUMNS if REF in got[c].text]
        problems += [f"{c}: names Noah" for c in COLUMNS if "Noah" in got[c].text]
        if changed := _changed(before, await row_counts(ws)):
            problems.append(f"rows written: {changed}")
        if ws.changes:
            problems.append("the planner was woken for a change")
    assert not problems, f"{role}: " + "; ".join(problems)
