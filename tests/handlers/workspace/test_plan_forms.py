"""The case page's plan forms: the network meeting's new plan version, one more commitment, and a
plan file uploaded with the checks of ``sigbot import --check``. A change goes back to the page
with a notice and is journaled with the account's name; a refusal shows each problem beside its
field (a plan file's problems each naming its key), keeps what was typed, and writes nothing."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest

from tests.handlers.workspace.plan_support import (
    CASE,
    as_maja,
    changes_by,
    form_fields,
    plan_rows,
    problem_beside,
    written,
)
from tests.handlers.workspace.support import Browser, Workspace
from tests.handlers.workspace.test_case_page import rows, section, text_of
from tests.sigbot.env import EXAMPLE

NOAH_CHAT = 1001
EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")


async def followed(browser: Browser, response: Any, anchor: str = "plan") -> str:
    """The page a successful form leads back to: the case, a notice, the section."""
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith(f"{CASE}?notice=") and location.endswith(f"#{anchor}")
    page = await browser.client.get(location)
    assert page.status_code == 200
    return str(page.text)


async def test_the_version_form_starts_from_the_open_commitments(ws: Workspace) -> None:
    """Each open commitment is a row (who, area, words, due, check-in), then empty rows."""
    _, page = await as_maja(ws)
    fields = form_fields(page, "plan-version")
    assert [fields[f"{name}-1"] for name in ("owner", "area", "text", "due", "check_in")] == [
        "leila",
        "family",
        "Ring skolan om Noah är borta",
        "2026-11-28T12:00",
        "",
    ]
    assert fields["check_in-0"] == "adaptive"
    assert [fields[f"text-{n}"] for n in (4, 5, 6)] == ["", "", ""]
    assert '<label for="plan-version-text-4">' in page


async def test_a_new_plan_version_replaces_the_plan_and_keeps_kept_words(ws: Workspace) -> None:
    """Leila's words change, Erik's row is emptied, Noah gets a new one: version 2 has three
    commitments; Noah's unchanged promise keeps its key; everyone hears their own."""
    browser, page = await as_maja(ws)
    fields = form_fields(page, "plan-version")
    fields |= {"text-1": "Ring skolan före åtta", "text-2": ""}
    fields |= {"owner-4": "noah", "area-4": "work", "text-4": "Söka två jobb", "check_in-4": "P3D"}
    page = await followed(browser, await browser.submit(f"{CASE}/plan/version", fields))
    assert "New action plan recorded. Everyone is told their own commitments." in page
    assert "Version 2, from 25 Nov 2026" in section(page, "plan")
    plan = [r[:2] for r in rows(page, "plan")]
    assert ["Work", "Söka två jobb"] in plan and ["Family", "Ring skolan före åtta"] in plan
    assert ["Crime", "Träffa Noah efter helgen"] not in plan
    version_2 = [(key, text) for v, key, _, text, _ in await plan_rows(ws) if v == 2]
    assert version_2 == [
        ("noah-school-1", "Gå till skolan varje dag"),
        ("leila-family-1", "Ring skolan före åtta"),
        ("karin-school-1", "Skicka närvaron till Maja varje fredag"),
        ("noah-work-1", "Söka två jobb"),
    ]
    assert await changes_by(ws) == [
        "Maja Lind (maja) changed: action plan version 2 recorded (4 commitments)"
    ]
    assert ws.changes == ["changed"]
    await ws.env.cycle()
    assert any("Söka två jobb" in m.text for m in ws.env.tg.messages_to(NOAH_CHAT))


BAD_ROWS = [
    pytest.param({"owner-4": ""}, "owner-4", "choose a member of this case", id="no-owner"),
    pytest.param({"area-4": ""}, "area-4", "choose an area", id="no-area"),
    pytest.param({"due-4": "2026-11-20T10:00"}, "due-4", "must be in the future", id="due-past"),
    pytest.param(
        {"check_in-4": "hourly"},
        "check_in-4",
        "expected daily, weekly, adaptive or an ISO duration, got 'hourly'",
        id="check-in",
    ),
    pytest.param(
        {"check_in-4": "PT10M"}, "check_in-4", "'PT10M' is too often (at least PT1H)", id="often"
    ),
    pytest.param({"text-4": "x" * 501}, "text-4", "at most 500 characters", id="too-long"),
]


@pytest.mark.parametrize(("change", "field", "problem"), BAD_ROWS)
async def test_a_bad_row_is_shown_beside_its_field(
    ws: Workspace, change: dict[str, str], field: str, problem: str
) -> None:
    """422: the problem beside that row's field, every row as typed, nothing written."""
    browser, page = await as_maja(ws)
    before = await written(ws)
    fields = form_fields(page, "plan-version")
    fields |= {"owner-4": "noah", "area-4": "work", "text-4": "Söka två jobb"} | change
    response = await browser.submit(f"{CASE}/plan/version", fields)
    assert response.status_code == 422
    assert problem_beside(response.text, "plan-version", field) == problem
    assert "Nothing was changed." in response.text
    again = form_fields(response.text, "plan-version")
    assert {k: again[k] for k in fields if k != "csrf_token"} == {
        k: v for k, v in fields.items() if k != "csrf_token"
    }
    assert await written(ws) == before


async def test_a_plan_without_commitments_is_refused(ws: Workspace) -> None:
    """Every row emptied: refused at the form's top, the plan as it was."""
    browser, page = await as_maja(ws)
    before = await written(ws)
    fields = {
        k: ("" if k.startswith("text-") else v)
        for k, v in form_fields(page, "plan-version").items()
    }
    response = await browser.submit(f"{CASE}/plan/version", fields)
    assert response.status_code == 422
    assert "write at least one commitment" in text_of(response.text)
    assert await written(ws) == before


async def test_adding_a_commitment_keeps_the_others(ws: Workspace) -> None:
    """One more promise: version 2 has the four open ones and Leila's new one, due Friday."""
    browser, _ = await as_maja(ws)
    new = {"owner": "leila", "area": "economy", "text": "Boka tid hos budgetrådgivare"}
    response = await browser.submit(f"{CASE}/commitments", new | {"due": "2026-11-27T16:00"})
    page = await followed(browser, response)
    assert "Commitment added to the action plan." in page
    assert ["Money", "Boka tid hos budgetrådgivare", "due 27 Nov 2026 16:00"] in [
        r[:3] for r in rows(page, "plan")
    ]
    assert [key for v, key, *_ in await plan_rows(ws) if v == 2] == [
        "noah-school-1",
        "leila-family-1",
        "erik-crime-1",
        "karin-school-1",
        "leila-economy-1",
    ]
    assert await changes_by(ws) == [
        "Maja Lind (maja) changed: commitment leila-economy-1 added (plan v2)"
    ]


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        pytest.param("owner", "olle", "choose a member of this case", id="owner"),
        pytest.param("text", " ", "must not be empty", id="text"),
        pytest.param("due", "soon", "not a valid date and time: 'soon'", id="due"),
        pytest.param(
            "check_in",
            "now and then",
            "expected daily, weekly, adaptive or an ISO duration, got 'now and then'",
            id="check-in",
        ),
    ],
)
async def test_a_bad_commitment_is_shown_beside_its_field(
    ws: Workspace, field: str, value: str, problem: str
) -> None:
    """422 beside the field, what was typed kept, nothing written."""
    browser, _ = await as_maja(ws)
    before = await written(ws)
    new = {"owner": "noah", "area": "leisure", "text": "Fotboll på tisdagar", field: value}
    response = await browser.submit(f"{CASE}/commitments", new)
    assert response.status_code == 422
    assert problem_beside(response.text, "commitment-add", field) == problem
    kept = form_fields(response.text, "commitment-add")
    assert kept["text"] == new["text"] and kept["area"] == "leisure"
    assert await written(ws) == before


async def upload(browser: Browser, text: str | None, action: str = "import") -> Any:
    """Send the upload form as a browser does: multipart, the file as ``plan``."""
    files = {"plan": ("case.yaml", (text or "").encode(), "application/yaml")}
    return await browser.client.post(
        f"{CASE}/plan",
        data={"csrf_token": browser.csrf, "action": action},
        files=files if text is not None else {"plan": ("", b"", "application/octet-stream")},
    )


MOVED_JOBBTORG = EXAMPLE_TEXT.replace("at: 2026-12-03T13:30", "at: 2026-12-04T09:00")


async def test_an_uploaded_plan_file_updates_the_case(ws: Workspace) -> None:
    """The example with Jobbtorg moved: imported, the page shows the new time, the journal
    says what changed and who uploaded it."""
    browser, _ = await as_maja(ws)
    page = await followed(browser, await upload(browser, MOVED_JOBBTORG))
    assert "Plan file imported: the case is now as the file says." in page
    assert ["4 Dec 2026 09:00", "Noah", "Jobbtorg"] in [r[:3] for r in rows(page, "appointments")]
    assert await changes_by(ws) == ["Maja Lind (maja) changed: plan file imported"]
    assert "plan.imported" in await ws.journal_kinds("ST-2026-014")


async def test_the_same_file_again_changes_nothing(ws: Workspace) -> None:
    """The file already imported: a notice that nothing changed, and nothing written."""
    browser, _ = await as_maja(ws)
    before = await written(ws)
    page = await followed(browser, await upload(browser, EXAMPLE_TEXT))
    assert "The plan file is the same as the last one: nothing changed." in page
    assert await written(ws) == before


async def test_only_checking_a_file_writes_nothing(ws: Workspace) -> None:
    """ "Only check" a changed, valid file: it is valid, and the case stays as it was."""
    browser, _ = await as_maja(ws)
    before = await written(ws)
    page = await followed(browser, await upload(browser, MOVED_JOBBTORG, action="check"))
    assert "The plan file is valid. Nothing was written." in page
    assert await written(ws) == before


BAD_FILES = [
    pytest.param(
        EXAMPLE_TEXT.replace('"+46701234568"', '"+4670"').replace("owner: karin", "owner: kim"),
        [
            "members[1].phone: '+4670' is not a valid phone number",
            "commitments[3].owner: unknown member key 'kim'",
        ],
        id="phone-and-owner",
    ),
    pytest.param(
        EXAMPLE_TEXT.replace("ref: ST-2026-014", "ref: ST-2026-099"),
        ["case.ref: the file is for case ST-2026-099, not ST-2026-014"],
        id="another-case",
    ),
    pytest.param(
        EXAMPLE_TEXT.replace("area: crime", "area: crimes"),
        [
            "commitments[2].area: Input should be 'school', 'work', 'housing', 'health', "
            "'substance', 'economy', 'crime', 'family', 'leisure' or 'other'",
        ],
        id="area",
    ),
    pytest.param("case: [", None, id="not-yaml"),
    pytest.param(None, ["choose a plan file"], id="no-file"),
]


@pytest.mark.parametrize(("text", "problems"), BAD_FILES)
async def test_a_refused_file_lists_each_problem_by_key(
    ws: Workspace, text: str | None, problems: list[str] | None
) -> None:
    """422: the problems beside the file input, each with its key; nothing written."""
    browser, _ = await as_maja(ws)
    before = await written(ws)
    response = await upload(browser, text)
    assert response.status_code == 422
    found = re.search(
        r'<div class="field-error" id="plan-upload-plan-error">(.*?)</div>', response.text, re.S
    )
    assert (
        found and 'aria-describedby="plan-upload-plan-hint plan-upload-plan-error"' in response.text
    )
    items = re.findall(r"<li>(.*?)</li>", found.group(1), re.S)
    listed = [text_of(item).replace(" : ", ": ") for item in items]
    assert text_of(found.group(1)).startswith("The plan file was refused.")
    if problems is None:
        assert len(listed) == 1 and "not valid YAML" in unescape(listed[0])
    else:
        assert listed == problems
    assert await written(ws) == before
