"""Reports: a case's and a team's figures as charts and tables, and the closing summary."""

from __future__ import annotations

from datetime import timedelta

from tests.handlers.workspace.support import Workspace
from tests.scheduler.flow import press, run_until, sent

REF = "ST-2026-014"


async def _a_week_of_check_ins(ws: Workspace) -> None:
    """Noah answers his school check-ins: yes, then no."""
    await run_until(ws.env, ws.env.clock.now() + timedelta(days=3), step=timedelta(hours=1))
    check_ins = await sent(ws.env, "check_in")
    noah = [row for row in check_ins if row.address == "1001"]
    assert len(noah) >= 2
    await press(ws.env, noah[0], "1")
    await press(ws.env, noah[1], "3")


async def test_the_case_report_shows_kept_and_missed_per_area(ws: Workspace) -> None:
    """Kept and missed check-ins appear in the school chart and in the table beside it; the
    read is journaled."""
    await ws.account("maja")
    await _a_week_of_check_ins(ws)
    browser = await ws.logged_in("maja")
    page = await browser.client.get(f"/cases/{REF}/report")
    assert page.status_code == 200
    assert '<svg class="chart" role="img"' in page.text
    # Week 48 (from Monday 23 Nov): Noah's "yes" kept; his "no" and the two school check-ins
    # nobody answered within two hours missed.
    assert "w48: kept 1, missed 3" in page.text  # the school chart's text summary
    assert "<td>2026-11-23</td><td>School</td><td>1</td><td>3</td>" in page.text
    assert "account.read" in await ws.journal_kinds(REF)


async def test_the_team_report_covers_the_cases_the_account_sees(ws: Workspace) -> None:
    """The team page counts the visible cases; an admin sees no case data."""
    await ws.account("maja")
    await ws.account("root", role="admin")
    maja = await ws.logged_in("maja")
    page = await maja.client.get("/reports")
    assert page.status_code == 200 and "All cases you follow: 1." in page.text
    admin = await ws.logged_in("root")
    page = await admin.client.get("/reports")
    assert "Admin accounts manage accounts and see no case data." in page.text
    assert "All cases you follow" not in page.text


async def test_a_report_of_a_case_not_visible_is_not_found(ws: Workspace) -> None:
    """Another coordinator's case report and summary read as if the case did not exist."""
    await ws.account("stina")
    browser = await ws.logged_in("stina")
    for path in (f"/cases/{REF}/report", f"/cases/{REF}/summary", "/cases/NOPE/report"):
        assert (await browser.client.get(path)).status_code == 404


async def test_the_closing_summary_lists_goals_per_area(ws: Workspace) -> None:
    """The printable summary names each area's goals and who promised them, in Swedish for a
    Swedish account."""
    await ws.account("maja", language="sv")
    browser = await ws.logged_in("maja")
    page = await browser.client.get(f"/cases/{REF}/summary")
    assert page.status_code == 200
    assert "Gå till skolan varje dag" in page.text and "Noah" in page.text
    assert "Träffa Noah efter helgen" in page.text
    assert '<html lang="sv" dir="ltr">' in page.text
