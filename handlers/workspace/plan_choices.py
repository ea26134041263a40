"""What the case page's plan and status forms offer (``case_plan_forms.html``,
``case_status_forms.html``): the areas, check-in rules and outcomes to choose from, the members
who may promise or coordinate, the rows of the plan-version form (the current plan's open
commitments and a few empty rows, or what was typed when it was refused), whether Telegram is
on; and the QR code of an invitation link as inline SVG (no image file, no script).

The case page includes the two templates with its own context; they call
``plan_forms(request, detail, form, values)``, a template global set by ``pages_plan``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import segno
from fastapi import Request
from markupsafe import Markup

from sigbot.domain.status_actions import OUTCOMES
from sigbot.handlers.workspace.deps import deps_of
from sigbot.handlers.workspace.words import WORDS
from sigbot.models import Area
from sigbot.models.enums import STAFF_ROLES
from sigbot.timeutil import zone
from sigbot.views.case import CaseDetail
from sigbot.views.members import MemberRow

ROW_FIELDS = ("key", "owner", "area", "text", "due", "check_in")
EMPTY_ROWS = 3
CHECK_INS = ("daily", "weekly", "adaptive")
OUTCOME_WORDS = WORDS["outcome"]
_STYLE = re.compile(r"\sstyle=\"[^\"]*\"")


@dataclass(frozen=True)
class PlanChoices:
    areas: tuple[str, ...]
    check_ins: tuple[str, ...]
    outcomes: tuple[tuple[str, str], ...]  # value, English label
    owners: tuple[MemberRow, ...]  # who may promise: everyone active in the case
    staff: tuple[MemberRow, ...]  # who may coordinate or back up
    rows: tuple[dict[str, str], ...]  # the plan-version form's rows; "n" numbers the inputs
    telegram: bool  # invitation links can be made


def _plan_rows(detail: CaseDetail) -> list[dict[str, str]]:
    """The open commitments of the current plan, then :data:`EMPTY_ROWS` empty rows."""
    tz = zone(detail.case.timezone)
    rows = []
    for owner in detail.plan.owners if detail.plan else ():
        for c in owner.commitments:
            if c.status != "open":
                continue
            due = c.due_at.astimezone(tz).strftime("%Y-%m-%dT%H:%M") if c.due_at else ""
            rows.append(
                {
                    "key": c.key,
                    "owner": owner.key,
                    "area": c.area,
                    "text": c.text,
                    "due": due,
                    "check_in": c.check_in or "",
                }
            )
    rows += [dict.fromkeys(ROW_FIELDS, "") for _ in range(EMPTY_ROWS)]
    return [row | {"n": str(n)} for n, row in enumerate(rows)]


def plan_forms(
    request: Request, detail: CaseDetail, form: str | None, values: dict[str, Any]
) -> PlanChoices:
    """The forms' choices for the case on the page (``form``: the one refused, if any)."""
    typed = values.get("rows") if form == "plan-version" else None
    return PlanChoices(
        areas=tuple(Area),
        check_ins=CHECK_INS,
        outcomes=tuple((o, OUTCOME_WORDS.get(o, o)) for o in OUTCOMES),
        owners=detail.members,
        staff=tuple(m for m in detail.members if m.role in STAFF_ROLES),
        rows=tuple(typed if isinstance(typed, list) else _plan_rows(detail)),
        telegram=deps_of(request).bot_username() is not None,
    )


def qr_svg(url: str) -> Markup:
    """``url`` as a QR code in an inline ``<svg>``: black on white, sized by CSS; no ``style``
    attribute, which the workspace's content security policy would refuse."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(
        scale=4, border=4, omitsize=True, svgclass="qr", dark="#000", light="#fff"
    )
    return Markup(_STYLE.sub("", svg))  # segno's markup: the URL is in its modules, not text
