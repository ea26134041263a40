"""My day: GET / (open alerts, today's appointments and meetings, misses, consents running out,
cases without a network meeting).

The page summarises many cases at once, like ``/alerts``, so it is not journaled per case; opening
a case from it is. An admin manages accounts and reads no case, so their day is a short note.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.handlers.workspace.auth import Db, PageUser
from sigbot.handlers.workspace.deps import deps_of
from sigbot.handlers.workspace.pages_alerts import NOTICES
from sigbot.handlers.workspace.render import render
from sigbot.models import AccountRole, Case, Consent, Member
from sigbot.views.day import ConsentEnding, my_day

router = APIRouter(include_in_schema=False)

HOME = "/"


@dataclass(frozen=True)
class ConsentLine:
    """A consent running out as the page shows it: who gave it (names) and its last day (the
    stored end is the midnight after it)."""

    case_ref: str
    given_by: tuple[str, ...]
    last_day: datetime
    days_left: int
    timezone: str


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
        consents=await consent_lines(session, day.consents_ending),
        back=HOME,
    )


async def consent_lines(
    session: AsyncSession, ending: Sequence[ConsentEnding]
) -> list[ConsentLine]:
    """``ending`` with the names of the people who gave each consent.

    ``views.day.ConsentEnding`` carries whom a consent covers but not who gave it; this reads
    the givers of just these consents (of cases the view already found visible).
    """
    if not ending:
        return []
    refs = {row.case_ref for row in ending}
    in_cases = col(Case.ref).in_(refs)
    givers = {
        (ref, key): list(given_by or ())
        for ref, key, given_by in await session.exec(
            select(Case.ref, Consent.key, Consent.given_by)
            .join(Case, col(Case.id) == col(Consent.case_id))
            .where(in_cases)
        )
    }
    names = {
        (ref, key): name
        for ref, key, name in await session.exec(
            select(Case.ref, Member.key, Member.name)
            .join(Case, col(Case.id) == col(Member.case_id))
            .where(in_cases)
        )
    }
    return [
        ConsentLine(
            case_ref=row.case_ref,
            given_by=tuple(
                names.get((row.case_ref, key), key)
                for key in givers.get((row.case_ref, row.consent_key), [])
            ),
            last_day=row.valid_until - timedelta(microseconds=1),
            days_left=row.days_left,
            timezone=row.timezone,
        )
        for row in ending
    ]
