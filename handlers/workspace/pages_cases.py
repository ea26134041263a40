"""The case list: GET /cases, every case the account may see with how it is going; a plain GET
form filters it by status (``?status=active``).

Like the day page, the list summarises many cases and is not journaled per case; opening one is.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sigbot.handlers.workspace.auth import Db, PageUser
from sigbot.handlers.workspace.deps import deps_of
from sigbot.handlers.workspace.render import render
from sigbot.models import CaseStatus
from sigbot.views.cases import case_list

router = APIRouter(include_in_schema=False)

STATUSES = tuple(status.value for status in CaseStatus)


@router.get("/cases")
async def cases_page(request: Request, session: Db, user: PageUser, status: str = "") -> Response:
    """Every case the account sees, by reference; an unknown status filters nothing."""
    rows = await case_list(session, user.account, deps_of(request).clock.now())
    wanted = status if status in STATUSES else ""
    return render(
        request,
        "cases.html",
        user,
        nav="cases",
        cases=[row for row in rows if not wanted or row.status == wanted],
        total=len(rows),
        status=wanted,
        statuses=STATUSES,
    )
