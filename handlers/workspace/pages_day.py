"""My day: GET / (open alerts, today's appointments and meetings, misses, consents running out,
cases without a network meeting)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sigbot.handlers.workspace.auth import PageUser
from sigbot.handlers.workspace.render import render

router = APIRouter(include_in_schema=False)


@router.get("/")
async def my_day(request: Request, user: PageUser) -> Response:
    """The account's day."""
    return render(request, "day.html", user, nav="day")
