"""The API for appointments and meetings: created and changed through the same rules as the
forms, bad input refused as ``[{loc, msg}]`` with nothing written, other cases not found."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from sigbot.models import Appointment, Meeting
from tests.handlers.workspace.support import Workspace
from tests.handlers.workspace.test_case_page import REF
from tests.handlers.workspace.test_event_forms import NOAH_CHAT, changes_by_maja, event_id, written
from tests.sigbot.views.support import OMARS, OTHER_CASE, at

API = f"/api/v1/cases/{REF}"
DENTIST = {"who": "noah", "what": "Tandläkare", "at": "2026-12-02T09:30", "place": "Folktandvården"}


async def majas_api(ws: Workspace) -> httpx.AsyncClient:
    await ws.account("maja", name="Maja Lind")
    return await ws.token("maja")


async def test_adding_an_appointment_answers_201_with_its_id(ws: Workspace) -> None:
    """A local time without an offset is Stockholm's; the answer gives it with its offset."""
    api = await majas_api(ws)
    response = await api.post(f"{API}/appointments", json={**DENTIST, "remind": ["P2D"]})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body == {
        "id": await event_id(ws, Appointment, "noah-tandlakare"),
        "key": "noah-tandlakare",
        "who": "noah",
        "what": "Tandläkare",
        "at": "2026-12-02T09:30:00+01:00",
        "place": "Folktandvården",
        "remind": ["P2D"],
        "status": "planned",
        "answer": "pending",
    }
    again = await api.post(f"{API}/appointments", json={**DENTIST, "at": "2026-12-09T09:30Z"})
    assert again.json()["key"] == "noah-tandlakare-2"
    assert again.json()["at"] == "2026-12-09T10:30:00+01:00"
    assert await changes_by_maja(ws) == [
        "Maja Lind (maja) changed: appointment noah-tandlakare added",
        "Maja Lind (maja) changed: appointment noah-tandlakare-2 added",
    ]


BAD_BODIES = [
    pytest.param({"what": "BUP", "at": "2026-12-02T09:30"}, ["body", "who"], id="who-missing"),
    pytest.param({**DENTIST, "colour": "red"}, ["body", "colour"], id="unknown-field"),
    pytest.param({**DENTIST, "remind": "P1D"}, ["body", "remind"], id="remind-not-a-list"),
    pytest.param({**DENTIST, "who": "karl"}, ["body", "who"], id="who-unknown"),
    pytest.param({**DENTIST, "at": "2026-11-20T09:30"}, ["body", "at"], id="at-past"),
    pytest.param({**DENTIST, "what": ""}, ["body", "what"], id="what-empty"),
    pytest.param({**DENTIST, "remind": ["P1D", "later"]}, ["body", "remind", 1], id="remind-bad"),
]


@pytest.mark.parametrize(("body", "loc"), BAD_BODIES)
async def test_a_bad_appointment_is_refused_and_nothing_written(
    ws: Workspace, body: dict[str, Any], loc: list[Any]
) -> None:
    """422 with the field's location and a message; no appointment, no journal line."""
    api = await majas_api(ws)
    before = await written(ws)
    response = await api.post(f"{API}/appointments", json=body)
    assert response.status_code == 422
    problems = response.json()["detail"]
    assert [p["loc"] for p in problems] == [loc] and all(p["msg"] for p in problems)
    assert await written(ws) == before


async def test_patching_the_time_moves_it_and_noah_is_told(ws: Workspace) -> None:
    """``{at}`` moves BUP; Noah, reminded already, hears the new time on Telegram."""
    await at(ws.env, 2026, 11, 25, 10, 5)
    api = await majas_api(ws)
    bup = await event_id(ws, Appointment, "noah-bup")
    response = await api.patch(f"{API}/appointments/{bup}", json={"at": "2026-11-27T10:00"})
    assert response.status_code == 200
    assert response.json()["at"] == "2026-11-27T10:00:00+01:00"
    await ws.env.cycle()
    told = ws.env.tg.messages_to(NOAH_CHAT)[-1].text
    assert told.startswith("BUP har flyttats. Ny tid: fre 27 nov. 10:00")


async def test_patching_the_status_cancels_it_once(ws: Workspace) -> None:
    """``{status: "cancelled"}`` cancels; cancelling again is refused and changes nothing."""
    api = await majas_api(ws)
    bup = await event_id(ws, Appointment, "noah-bup")
    response = await api.patch(f"{API}/appointments/{bup}", json={"status": "cancelled"})
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    before = await written(ws)
    again = await api.patch(f"{API}/appointments/{bup}", json={"status": "cancelled"})
    assert again.status_code == 422
    assert again.json()["detail"] == [
        {"loc": ["body", "status"], "msg": "only a planned appointment can be cancelled"}
    ]
    assert await written(ws) == before
    assert await changes_by_maja(ws) == ["Maja Lind (maja) changed: appointment noah-bup cancelled"]


@pytest.mark.parametrize(
    "body",
    [{}, {"at": "2026-11-27T10:00", "status": "cancelled"}, {"status": "planned"}],
    ids=["nothing", "both", "not-a-cancel"],
)
async def test_a_patch_must_either_move_or_cancel(ws: Workspace, body: dict[str, Any]) -> None:
    """A patch with neither, both, or another status is 422 and changes nothing."""
    api = await majas_api(ws)
    bup = await event_id(ws, Appointment, "noah-bup")
    before = await written(ws)
    response = await api.patch(f"{API}/appointments/{bup}", json=body)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][0] == "body"
    assert await written(ws) == before


async def test_an_appointment_of_another_case_is_not_found(ws: Workspace) -> None:
    """Omar's appointment through Maja's case, an unknown id and Omar's case itself: all 404."""
    await ws.env.load(OTHER_CASE)
    api = await majas_api(ws)
    omars = await event_id(ws, Appointment, "ali-tandlakare", OMARS)
    before = await written(ws)
    for path, body in (
        (f"{API}/appointments/{omars}", {"status": "cancelled"}),
        (f"{API}/appointments/99999", {"at": "2026-12-01T10:00"}),
        (f"/api/v1/cases/{OMARS}/appointments/{omars}", {"status": "cancelled"}),
    ):
        response = await api.patch(path, json=body)
        assert response.status_code == 404 and response.json() == {"detail": "not found"}
    hidden = await api.post(
        f"/api/v1/cases/{OMARS}/meetings",
        json={"kind": "network", "at": "2026-12-08T15:00", "invite": ["ali"]},
    )
    assert hidden.status_code == 404
    assert await written(ws) == before


async def test_planning_a_meeting_answers_201_with_the_invitees(ws: Workspace) -> None:
    """The meeting comes back with each invitee's (pending) answer; Noah gets his invitation."""
    api = await majas_api(ws)
    body = {"kind": "network", "at": "2026-12-08T15:00", "place": "Tensta träff"}
    response = await api.post(f"{API}/meetings", json={**body, "invite": ["noah", "maja"]})
    assert response.status_code == 201, response.text
    assert response.json() == {
        "id": await event_id(ws, Meeting, "network-2"),
        "key": "network-2",
        "kind": "network",
        "at": "2026-12-08T15:00:00+01:00",
        "place": "Tensta träff",
        "status": "planned",
        "invite": [{"key": "noah", "answer": "pending"}, {"key": "maja", "answer": "pending"}],
    }
    await ws.env.cycle()
    invitations = [m.text for m in ws.env.tg.messages_to(NOAH_CHAT)]
    assert any(
        text.startswith("Du är inbjuden till ett nätverksmöte tis 8 dec.") for text in invitations
    )


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"kind": "officials", "invite": ["maja", "noah"]}, ["body", "invite", 1]),
        ({"kind": "party", "invite": ["maja"]}, ["body", "kind"]),
        ({"kind": "network", "invite": []}, ["body", "invite"]),
    ],
    ids=["officials-with-family", "unknown-kind", "nobody"],
)
async def test_a_bad_meeting_is_refused_and_nothing_written(
    ws: Workspace, body: dict[str, Any], loc: list[Any]
) -> None:
    """An officials' meeting inviting Noah, an unknown kind, no invitees: 422, nothing written."""
    api = await majas_api(ws)
    before = await written(ws)
    response = await api.post(f"{API}/meetings", json={"at": "2026-12-08T15:00", **body})
    assert response.status_code == 422
    assert [p["loc"] for p in response.json()["detail"]] == [loc]
    assert await written(ws) == before


async def test_the_browser_needs_the_csrf_header_to_change(ws: Workspace) -> None:
    """With the session cookie a change needs X-CSRF-Token; without any credentials it is 401."""
    await ws.account("maja")
    browser = await ws.logged_in("maja")
    refused = await browser.client.post(f"{API}/appointments", json=DENTIST)
    assert refused.status_code == 403
    allowed = await browser.client.post(
        f"{API}/appointments", json=DENTIST, headers={"X-CSRF-Token": browser.csrf}
    )
    assert allowed.status_code == 201
    anonymous = await (await ws.client()).post(f"{API}/appointments", json=DENTIST)
    assert anonymous.status_code == 401


async def test_the_endpoints_are_described_in_openapi(ws: Workspace) -> None:
    """``/api/openapi.json`` lists the three endpoints with their request bodies."""
    spec = (await (await ws.client()).get("/api/openapi.json")).json()
    paths = spec["paths"]
    assert set(paths["/api/v1/cases/{ref}/appointments"]) == {"post"}
    assert set(paths["/api/v1/cases/{ref}/appointments/{appointment_id}"]) == {"patch"}
    assert set(paths["/api/v1/cases/{ref}/meetings"]) == {"post"}
    assert not any(path.startswith("/cases/") for path in paths)  # the pages are not API
