"""Helpers for the plan and status forms' tests: a form's fields as the page fills them in (what
a browser would send), what a refused change must leave as it was, and who changed what."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from sqlmodel import col, select

from sigbot.journal import read_journal
from sigbot.models import ActionPlan, Case, Commitment
from tests.handlers.workspace.support import Browser, Workspace
from tests.handlers.workspace.test_case_page import CASE, REF

__all__ = [
    "CASE",
    "REF",
    "as_maja",
    "changes_by",
    "form_fields",
    "plan_rows",
    "problem_beside",
    "written",
]


class _FormReader(HTMLParser):
    """The inputs of one form: text values, the selected option of each select, hidden ones."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.select: str | None = None
        self.first_option: str | None = None
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        elif not self.inside:
            return
        elif tag == "input" and a.get("type") not in ("file", "submit", "checkbox"):
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "select":
            self.select, self.first_option = a["name"], None
        elif tag == "option" and self.select is not None:
            if self.first_option is None:
                self.first_option = a.get("value", "")
                self.fields.setdefault(self.select, self.first_option)
            if "selected" in a:
                self.fields[self.select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None


def form_fields(page: str, form_id: str) -> dict[str, str]:
    """What the form ``form_id`` on ``page`` sends as it is filled in (CSRF token included)."""
    reader = _FormReader(form_id)
    reader.feed(page)
    assert reader.fields, f"no form {form_id} on the page"
    return reader.fields


def problem_beside(page: str, form: str, field: str) -> str:
    """The problem shown beside ``field`` of ``form``; the input is described by it."""
    error_id = f"{form}-{field}-error"
    found = re.search(rf'<p class="field-error" id="{error_id}">(.*?)</p>', page, re.S)
    assert found, f"no problem beside {form} {field}"
    assert re.search(rf'aria-describedby="[^"]*{re.escape(error_id)}"', page)
    return unescape(found.group(1))


async def as_maja(ws: Workspace) -> tuple[Browser, str]:
    """Maja logged in, and her case's page."""
    await ws.account("maja", name="Maja Lind")
    browser = await ws.logged_in("maja")
    page = await browser.client.get(CASE)
    assert page.status_code == 200, page.text
    return browser, page.text


async def plan_rows(ws: Workspace) -> list[tuple[int, str, str, str, str]]:
    """Every commitment of every version: version, key, owner id, words, status."""
    async with ws.env.db.session() as session:
        query = (
            select(ActionPlan.version, Commitment)
            .join(ActionPlan, col(ActionPlan.id) == col(Commitment.plan_id))
            .join(Case, col(Case.id) == col(Commitment.case_id))
            .where(Case.ref == REF)
            .order_by(col(Commitment.id))
        )
        return [
            (version, c.key, str(c.owner_member_id), c.text, c.status)
            for version, c in await session.exec(query)
        ]


async def changes_by(ws: Workspace, ref: str = REF) -> list[str]:
    """The journal's ``account.changed`` lines: who changed what."""
    async with ws.env.db.session() as session:
        lines = await read_journal(session, ref)
    return [line.summary for line in lines if line.kind == "account.changed"]


async def written(ws: Workspace) -> tuple[object, ...]:
    """What a refused change must leave as it was: the case row's course, every commitment,
    and the journal apart from the reads of the page."""
    async with ws.env.db.session() as session:
        case = (await session.exec(select(Case).where(Case.ref == REF))).one()
        course = (case.status, case.paused_until, case.coordinator_key, case.backup_key)
    kinds = [kind for kind in await ws.journal_kinds(REF) if kind != "account.read"]
    return course, await plan_rows(ws), kinds
