"""The plan API: PUT a whole plan file as YAML or JSON (the checks of ``sigbot import``; a refusal
names each key and writes nothing; a file of another case is refused), POST one commitment;
both described at /api/openapi.json."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from tests.handlers.workspace.plan_support import REF, changes_by, plan_rows, written
from tests.handlers.workspace.support import Workspace
from tests.handlers.workspace.test_alerts import OTHER_CASE
from tests.sigbot.env import EXAMPLE

PLAN = f"/api/v1/cases/{REF}/plan"
COMMITMENTS = f"/api/v1/cases/{REF}/commitments"
EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")
YAML = {"Content-Type": "application/yaml"}
MOVED_BUP = EXAMPLE_TEXT.replace("at: 2026-11-26T10:00", "at: 2026-11-27T10:00")


def as_json(text: str, change: dict[str, Any] | None = None) -> bytes:
    """A plan file in JSON, as a program would send it (dates as strings)."""
    data = yaml.safe_load(text) | (change or {})
    return json.dumps(data, default=str, ensure_ascii=False).encode()


async def test_a_yaml_plan_file_updates_the_case(ws: Workspace) -> None:
    """YAML with BUP moved: 200 naming the change; the journal has the import and who did it."""
    await ws.account("maja", name="Maja Lind")
    api = await ws.token("maja")
    response = await api.put(PLAN, content=MOVED_BUP.encode(), headers=YAML)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["ref"], body["unchanged"], body["plan_version"]) == (REF, False, 1)
    assert body["changes"] == ["appointment noah-bup: moved 2026-11-26 10:00 → 2026-11-27 10:00"]
    assert await changes_by(ws) == ["Maja Lind (maja) changed: plan file imported"]
    assert ws.changes == ["changed"]


async def test_the_same_plan_in_json_is_unchanged_and_a_change_is_taken(ws: Workspace) -> None:
    """The imported example sent as JSON is the same file; with a commitment less it is a new
    plan version."""
    await ws.account("maja")
    api = await ws.token("maja")
    json_type = {"Content-Type": "application/json"}
    same = await api.put(PLAN, content=as_json(EXAMPLE_TEXT), headers=json_type)
    assert same.status_code == 200, same.text
    assert (same.json()["unchanged"], same.json()["changes"]) == (True, [])
    fewer = yaml.safe_load(EXAMPLE_TEXT)["commitments"][:3]
    response = await api.put(
        PLAN, content=as_json(EXAMPLE_TEXT, {"commitments": fewer}), headers=json_type
    )
    assert response.status_code == 200, response.text
    assert response.json()["plan_version"] == 2
    assert [key for v, key, *_ in await plan_rows(ws) if v == 2] == [
        "noah-school-1",
        "leila-family-1",
        "erik-crime-1",
    ]


BAD = [
    pytest.param(
        EXAMPLE_TEXT.replace('"+46701234568"', '"+4670"'),
        YAML,
        [{"loc": ["body", "members", 1, "phone"], "msg": "'+4670' is not a valid phone number"}],
        id="phone",
    ),
    pytest.param(
        EXAMPLE_TEXT.replace("ref: ST-2026-014", "ref: ST-2026-031"),
        YAML,
        [
            {
                "loc": ["body", "case", "ref"],
                "msg": "the file is for case ST-2026-031, not ST-2026-014",
            }
        ],
        id="another-case",
    ),
    pytest.param(
        EXAMPLE_TEXT.replace("check_in: weekly", "check_in: sometimes"),
        YAML,
        [
            {
                "loc": ["body", "commitments", 3, "check_in"],
                "msg": "check_in: expected daily, weekly, adaptive or an ISO duration, "
                "got 'sometimes'",
            }
        ],
        id="check-in",
    ),
    pytest.param(
        "case: [",
        YAML,
        [
            {
                "loc": ["body"],
                "msg": "line 1, column 8: not valid YAML: "
                "expected the node content, but found '<stream end>'",
            }
        ],
        id="not-yaml",
    ),
    pytest.param(
        "#" * (256 * 1024 + 1),
        YAML,
        [{"loc": ["body"], "msg": "the file is larger than 256 kB"}],
        id="too-large",
    ),
    pytest.param(
        '{"case": ',
        {"Content-Type": "application/json"},
        [{"loc": ["body"], "msg": "line 1, column 10: not valid JSON: Expecting value"}],
        id="not-json",
    ),
]


@pytest.mark.parametrize(("text", "headers", "detail"), BAD)
async def test_a_bad_plan_names_the_key_and_writes_nothing(
    ws: Workspace, text: str, headers: dict[str, str], detail: list[dict[str, Any]]
) -> None:
    """422 with ``[{loc, msg}]`` naming the file's key; the case as it was."""
    await ws.account("maja")
    api = await ws.token("maja")
    before = await written(ws)
    response = await api.put(PLAN, content=text.encode(), headers=headers)
    assert response.status_code == 422
    assert response.json() == {"detail": detail}
    assert await written(ws) == before


async def test_a_plan_that_is_neither_json_nor_yaml_is_refused(ws: Workspace) -> None:
    """415 for a form or plain text: the API takes JSON or application/yaml."""
    await ws.account("maja")
    api = await ws.token("maja")
    response = await api.put(
        PLAN, content=MOVED_BUP.encode(), headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 415


async def test_another_coordinators_case_is_not_found(ws: Workspace) -> None:
    """Olle cannot put a plan or add a commitment in Maja's case: 404, nothing written."""
    await ws.env.load(OTHER_CASE)
    await ws.account("olle")
    api = await ws.token("olle")
    before = await written(ws)
    assert (await api.put(PLAN, content=MOVED_BUP.encode(), headers=YAML)).status_code == 404
    new = {"owner": "noah", "area": "work", "text": "x"}
    assert (await api.post(COMMITMENTS, json=new)).status_code == 404
    assert await written(ws) == before


async def test_adding_a_commitment_answers_its_id(ws: Workspace) -> None:
    """201 with the id, key and plan version; the commitment is in version 2 with its due."""
    await ws.account("maja")
    api = await ws.token("maja")
    new = {"owner": "noah", "area": "health", "text": "Sova före elva", "check_in": "daily"}
    response = await api.post(COMMITMENTS, json=new)
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["key"], body["plan_version"]) == ("noah-health-1", 2)
    assert (2, "noah-health-1", "Sova före elva") in [
        (v, k, t) for v, k, _, t, _ in await plan_rows(ws)
    ]
    assert isinstance(body["id"], int)


@pytest.mark.parametrize(
    ("change", "loc", "msg"),
    [
        pytest.param(
            {"owner": "kim"}, ["body", "owner"], "choose a member of this case", id="owner"
        ),
        pytest.param(
            {"due": "2026-11-01T10:00"}, ["body", "due"], "must be in the future", id="due"
        ),
        pytest.param(
            {"check_in": "PT5M"},
            ["body", "check_in"],
            "'PT5M' is too often (at least PT1H)",
            id="check-in",
        ),
        pytest.param({"area": "space"}, ["body", "area"], None, id="area"),
        pytest.param(
            {"colour": "red"}, ["body", "colour"], "Extra inputs are not permitted", id="extra"
        ),
    ],
)
async def test_a_bad_commitment_names_its_field(
    ws: Workspace, change: dict[str, str], loc: list[str], msg: str | None
) -> None:
    """422 naming the field; no new plan version."""
    await ws.account("maja")
    api = await ws.token("maja")
    before = await written(ws)
    new = {"owner": "noah", "area": "health", "text": "Sova före elva"} | change
    response = await api.post(COMMITMENTS, json=new)
    assert response.status_code == 422
    (problem,) = response.json()["detail"]
    assert problem["loc"] == loc
    assert msg is None or problem["msg"] == msg
    assert await written(ws) == before


async def test_openapi_describes_the_plan_and_the_commitment(ws: Workspace) -> None:
    """The PUT takes a plan file as JSON (its schema written out) or YAML; the POST's body and
    answer are named models."""
    schema = (await (await ws.client()).get("/api/openapi.json")).json()
    put = schema["paths"]["/api/v1/cases/{ref}/plan"]["put"]
    content = put["requestBody"]["content"]
    assert set(content) == {"application/json", "application/yaml"}
    plan = content["application/json"]["schema"]
    assert set(plan["required"]) == {"case", "members"}
    assert plan["properties"]["case"]["properties"]["ref"]["type"] == "string"
    assert "$defs" not in json.dumps(plan)
    assert set(put["responses"]) >= {"200", "404", "415", "422"}
    post = schema["paths"]["/api/v1/cases/{ref}/commitments"]["post"]
    body_ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body_ref.endswith("/NewCommitment")
    assert set(schema["components"]["schemas"]["CommitmentOut"]["properties"]) == {
        "id",
        "key",
        "plan_version",
    }
