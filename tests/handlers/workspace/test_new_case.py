"""A new case from the browser or the API: the plan file of the first network meeting."""

from __future__ import annotations

from sqlmodel import select

from sigbot.models import Case
from tests.handlers.workspace.support import Workspace
from tests.sigbot.env import EXAMPLE

NEW_REF = "ST-2026-099"


def _new_plan() -> str:
    """The example case under another reference, with other chat ids and numbers."""
    text = EXAMPLE.read_text(encoding="utf-8").replace("ST-2026-014", NEW_REF)
    for old, new in (("1001", "1101"), ("+46701234567", "+46701234577")):
        text = text.replace(old, new)
    return text


async def _refs(ws: Workspace) -> list[str]:
    async with ws.env.db.session() as session:
        return list(await session.exec(select(Case.ref).order_by(Case.ref)))


async def test_a_coordinator_creates_a_case_from_the_browser(ws: Workspace) -> None:
    """The pasted plan becomes a case maja sees, journaled as created by her; the young person
    gets the meeting invitation once the planner has run."""
    await ws.account("maja")
    browser = await ws.logged_in("maja")
    form = await browser.client.get("/cases/new")
    assert form.status_code == 200 and 'name="plan"' in form.text
    created = await browser.submit("/cases/new", {"text": _new_plan()})
    assert created.status_code == 303 and created.headers["location"].startswith(
        f"/cases/{NEW_REF}"
    )
    assert NEW_REF in await _refs(ws)
    assert "account.changed" in await ws.journal_kinds(NEW_REF)
    await ws.env.cycle()
    assert ws.env.tg.messages_to(1101), "Noah of the new case heard nothing"


async def test_a_case_the_account_would_not_see_is_refused(ws: Workspace) -> None:
    """stina is neither coordinator nor backup of the file: refused, nothing written."""
    await ws.account("stina")
    browser = await ws.logged_in("stina")
    refused = await browser.submit("/cases/new", {"text": _new_plan()})
    assert refused.status_code == 422
    assert "you would not see this case" in refused.text
    assert _new_plan()[:40] in refused.text  # what was pasted is kept
    assert await _refs(ws) == ["ST-2026-014"]


async def test_a_reference_in_use_and_a_bad_file_are_refused(ws: Workspace) -> None:
    """An existing reference and a broken file are named; nothing is written."""
    await ws.account("maja")
    browser = await ws.logged_in("maja")
    again = await browser.submit("/cases/new", {"text": EXAMPLE.read_text(encoding="utf-8")})
    assert again.status_code == 422 and "ST-2026-014 is in use" in again.text
    broken = await browser.submit("/cases/new", {"text": _new_plan().replace("PT2H", "two")})
    assert broken.status_code == 422 and "case.escalation.no_reply_after" in broken.text
    assert await _refs(ws) == ["ST-2026-014"]


async def test_the_api_creates_a_case_from_yaml(ws: Workspace) -> None:
    """POST /api/v1/cases with YAML: 201 and the ref; the same file again: 422 naming case.ref."""
    await ws.account("maja")
    api = await ws.token("maja")
    headers = {"Content-Type": "application/yaml"}
    created = await api.post("/api/v1/cases", content=_new_plan(), headers=headers)
    assert created.status_code == 201 and created.json() == {"ref": NEW_REF}
    again = await api.post("/api/v1/cases", content=_new_plan(), headers=headers)
    assert again.status_code == 422
    assert again.json()["detail"][0]["loc"] == ["body", "case", "ref"]
