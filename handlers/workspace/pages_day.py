"""My day: GET / (open alerts, today's appointments and meetings, misses, consents running out,
cases without a network meeting).

The page summarises many cases at once, like ``/alerts``, so it is not journaled per case; opening
a case from it is. An admin manages accounts and reads no case, so their day is a short note.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sigbot.handlers.workspace.auth import Db, PageUser
from sigbot.handlers.workspace.deps import deps_of
from sigbot.handlers.workspace.pages_alerts import NOTICES
from sigbot.handlers.workspace.render import render
from sigbot.models import AccountRole
from sigbot.views.day import my_day

router = APIRouter(include_in_schema=False)

HOME = "/"


@router.get(HOME)
async def day_page(request: Request, session: Db, user: PageUser, notice: str = "") -> Response:
    """The account's day over every case it sees."""
    if user.account.role == AccountRole.ADMIN:
        return render(request, "day.html", user, nav="day", admin=True)
    now = deps_of(request).clock.now()
    day = await my_day(session, user.account, now)
    return render(
        request,
        "day.html",
        user,
        nav="day",
        notice=NOTICES.get(notice),
        now=now,
        day=day,
        consents=day.consents_ending,
        back=HOME,
    )
