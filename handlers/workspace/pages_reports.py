"""Reports per case and per team, and a case's printable closing summary.

Figures come from ``sigbot.views.reports``; this module only turns them into charts a
coordinator reads at a glance (server-drawn SVG) and tables beside them with the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from functools import partial
from typing import Any

from babel.numbers import format_decimal
from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup

from sigbot.domain.access import case_for, journal_access
from sigbot.handlers.workspace.auth import Db, PageUser
from sigbot.handlers.workspace.charts import Bar, stacked_bars
from sigbot.handlers.workspace.deps import deps_of
from sigbot.handlers.workspace.i18n import gettext
from sigbot.handlers.workspace.render import language_of, render
from sigbot.handlers.workspace.words import words
from sigbot.models import AccountRole
from sigbot.views.reports import AreaWeek, Report, case_report, closing_summary, team_report

router = APIRouter(include_in_schema=False)
WEEKS_SHOWN = 12


def area_charts(areas: Sequence[AreaWeek], language: str) -> list[tuple[str, Markup]]:
    """One chart per life area: kept and missed per week, the last :data:`WEEKS_SHOWN` weeks."""
    _ = gettext(language)
    by_area: dict[str, list[AreaWeek]] = {}
    for row in areas:
        by_area.setdefault(row.area, []).append(row)
    charts = []
    for area, rows in by_area.items():
        bars = [
            Bar(_("w{week}", week=row.week.isocalendar().week), (row.kept, row.missed))
            for row in rows[-WEEKS_SHOWN:]
        ]
        title = _("Commitments in {area}: kept and missed per week", area=words(_)("area", area))
        charts.append(
            (area, stacked_bars(bars, title=title, legend=[_("kept"), _("missed")], chart_id=area))
        )
    return charts


def appointment_chart(report: Report, language: str) -> Markup | None:
    """One stacked bar of past appointments (labelled with their number); None when there is
    nothing to draw, and the table alone says so."""
    _ = gettext(language)
    tally = report.appointments
    parts = (tally.kept, tally.missed, tally.unanswered)
    if not any(parts):
        return None
    return stacked_bars(
        [Bar(str(sum(parts)), parts)],
        title=_("Appointments kept, missed and unanswered"),
        legend=[_("kept"), _("missed"), _("unanswered")],
        chart_id="appointments",
    )


def hours(span: timedelta | None, language: str = "en") -> str:
    """A wait as hours with one decimal in the reader's way ("19,5" in Swedish; "–" for none)."""
    if span is None:
        return "–"
    return format_decimal(span.total_seconds() / 3600, format="0.0", locale=language)


def _charts(request: Request, user: PageUser, report: Report) -> dict[str, Any]:
    language = language_of(request, user)
    return {
        "report": report,
        "appointment_chart": appointment_chart(report, language),
        "area_charts": area_charts(report.areas, language),
        "hours": partial(hours, language=language),
    }


@router.get("/reports")
async def team_reports(request: Request, user: PageUser, session: Db) -> Response:
    """The report over every case the account sees (a team lead: the team's)."""
    if user.account.role == AccountRole.ADMIN:
        return render(request, "reports.html", user, nav="reports", report=None, case=None)
    report = await team_report(session, user.account, deps_of(request).clock.now())
    context = _charts(request, user, report)
    return render(request, "reports.html", user, nav="reports", case=None, **context)


@router.get("/cases/{ref}/report")
async def case_reports(request: Request, ref: str, user: PageUser, session: Db) -> Response:
    """One case's report; reading it is journaled."""
    now = deps_of(request).clock.now()
    case = await case_for(session, user.account, ref)
    report = await case_report(session, case, now)
    journal_access(session, case=case, account=user.account, what="report", now=now)
    await session.commit()
    context = _charts(request, user, report)
    return render(request, "reports.html", user, nav="reports", case=case, **context)


@router.get("/cases/{ref}/summary")
async def summary(request: Request, ref: str, user: PageUser, session: Db) -> Response:
    """The printable closing summary: dates, goals per life area and what was kept."""
    now = deps_of(request).clock.now()
    case = await case_for(session, user.account, ref)
    found = await closing_summary(session, case, now)
    journal_access(session, case=case, account=user.account, what="closing summary", now=now)
    await session.commit()
    return render(request, "summary.html", user, nav="cases", summary=found, case=case)
