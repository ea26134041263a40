"""A coordinator's day in Chromium: log in, read the day, add an appointment, acknowledge an
alert, hand the case over; each step checked on the page and in the database."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from playwright.async_api import expect
from sqlmodel import select

from sigbot.journal import read_journal
from sigbot.models import Account, Appointment, Case, Escalation, WebSession
from tests.browser.live import Live, noah_asks_for_help
from tests.handlers.workspace.support import PASSWORD


async def test_logging_in_through_the_form_opens_the_day(live: Live) -> None:
    """Typing name and password into /login opens My day with the person's name on it."""
    await live.ws.account("maja", name="Maja Lind")
    page = await live.page()
    await page.goto("/")
    await expect(page).to_have_url(f"{live.base_url}/login?next=/")
    await page.get_by_label("Username").press_sequentially("maja")
    await page.get_by_label("Password").press_sequentially(PASSWORD)
    async with page.expect_navigation():
        await page.get_by_role("button", name="Log in").click()
    await expect(page).to_have_url(f"{live.base_url}/")
    await expect(page.get_by_role("heading", level=1)).to_have_text("My day")
    await expect(page.locator("header")).to_contain_text("Maja Lind")
    async with live.ws.env.db.session() as session:
        account = (await session.exec(select(Account).where(Account.username == "maja"))).one()
        sessions = (
            await session.exec(select(WebSession).where(WebSession.account_id == account.id))
        ).all()
    assert len(sessions) == 1 and sessions[0].ended_at is None


async def test_a_wrong_password_keeps_the_form_and_says_why(live: Live) -> None:
    """A wrong password shows the error on the form, keeps the username, and stores no session."""
    await live.ws.account("maja")
    page = await live.page()
    await page.goto("/login")
    await page.get_by_label("Username").fill("maja")
    await page.get_by_label("Password").fill("not the password")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("alert")).to_have_text("Wrong username or password.")
    await expect(page.get_by_label("Username")).to_have_value("maja")
    await expect(page.get_by_label("Password")).to_have_value("")
    async with live.ws.env.db.session() as session:
        assert (await session.exec(select(WebSession))).all() == []


async def test_logging_out_returns_to_the_login_form(live: Live) -> None:
    """The header's Log out ends the session: the day page asks for a login again."""
    await live.ws.account("maja")
    page = await live.logged_in("maja")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Log out").click()
    await expect(page).to_have_url(f"{live.base_url}/login")
    await page.goto("/")
    await expect(page).to_have_url(f"{live.base_url}/login?next=/")
    async with live.ws.env.db.session() as session:
        stored = (await session.exec(select(WebSession))).one()
    assert stored.ended_at is not None


async def test_acknowledging_an_alert_with_a_note(live: Live) -> None:
    """Noah's call for help, acknowledged on /alerts with a note, leaves the list; the note is
    journaled and the alert stops climbing."""
    await live.ws.account("maja")
    await noah_asks_for_help(live.ws)
    page = await live.logged_in("maja")
    await page.goto("/alerts")
    row = page.get_by_role("row").filter(has_text="ST-2026-014")
    await expect(row).to_have_count(1)
    await row.get_by_label("Note (optional)").fill("Called Noah: he is safe, we meet tomorrow.")
    async with page.expect_navigation():
        await row.get_by_role("button", name=re.compile(r"^Acknowledge")).click()
    await expect(page.get_by_role("status")).to_have_text("Alert acknowledged.")
    await expect(page.get_by_text("No open alerts.")).to_be_visible()
    async with live.ws.env.db.session() as session:
        alert = (await session.exec(select(Escalation))).one()
        lines = await read_journal(session, "ST-2026-014")
    assert alert.acknowledged_by == "maja" and alert.escalate_after is None
    assert any("Called Noah: he is safe, we meet tomorrow." in line.summary for line in lines)


async def test_adding_an_appointment_through_the_case_page(live: Live) -> None:
    """The case page's form adds Noah's dentist: a notice, the new row in the table, the row
    stored at that Stockholm time."""
    await live.ws.account("maja")
    page = await live.logged_in("maja")
    await page.goto("/cases/ST-2026-014")
    form = page.locator("form#appointment-add")
    await form.get_by_label("Who").select_option("noah")
    await form.get_by_label("What").fill("Tandläkare")
    await form.get_by_label("Date and time").fill("2026-12-02T09:30")
    await form.get_by_label("Place").fill("Folktandvården Tensta")
    async with page.expect_navigation():
        await form.get_by_role("button", name="Add appointment").click()
    await expect(page.get_by_role("status")).to_have_text(
        "Appointment added. The person will be reminded."
    )
    row = page.locator("#appointments tbody tr").filter(has_text="Tandläkare")
    await expect(row).to_contain_text("Noah")
    await expect(row).to_contain_text("Folktandvården Tensta")
    await expect(row).to_contain_text("09:30")
    async with live.ws.env.db.session() as session:
        stored = (
            await session.exec(select(Appointment).where(Appointment.what == "Tandläkare"))
        ).one()
    assert stored.starts_at == datetime(2026, 12, 2, 8, 30, tzinfo=UTC)
    assert stored.place == "Folktandvården Tensta"


async def test_no_page_breaks_the_content_security_policy(live: Live) -> None:
    """No page carries an inline script or style that the workspace's CSP makes the browser
    refuse (the page would look or work differently from what its author saw)."""
    await live.ws.account("maja")
    await noah_asks_for_help(live.ws)
    page = await live.logged_in("maja")
    for path in ("/", "/cases", "/cases/ST-2026-014", "/alerts", "/reports"):
        await page.goto(path)
    assert live.csp_violations == []


async def test_the_day_shows_todays_appointment_and_the_open_alert(live: Live) -> None:
    """On Thursday morning My day lists Noah's 10:00 BUP and his call for help; the case link
    opens the case, and that reading is journaled."""
    live.ws.env.clock.set(datetime(2026, 11, 26, 7, 0, tzinfo=UTC))  # 08:00 in Stockholm
    await live.ws.account("maja")
    await noah_asks_for_help(live.ws)
    page = await live.logged_in("maja")
    alert = page.locator("#alerts tbody tr")
    await expect(alert).to_have_count(1)
    await expect(alert).to_contain_text("ST-2026-014")
    await expect(alert).to_contain_text("Noah")
    await expect(alert.get_by_role("button", name=re.compile(r"^Acknowledge"))).to_be_visible()
    today = page.locator("#today tbody tr")
    await expect(today).to_have_count(1)
    for seen in ("10:00", "BUP", "Noah: No answer yet", "BUP Järva"):
        await expect(today).to_contain_text(seen)
    assert "account.read" not in await live.ws.journal_kinds("ST-2026-014")
    async with page.expect_navigation():
        await today.get_by_role("link", name="ST-2026-014").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Case ST-2026-014")
    assert "account.read" in await live.ws.journal_kinds("ST-2026-014")


async def test_handing_the_case_over_to_the_backup(live: Live) -> None:
    """Maja hands the case to Jonas and becomes his backup: the page says so, the case is
    stored with them, and the open alert goes to Jonas."""
    await live.ws.account("maja")
    await noah_asks_for_help(live.ws)
    await live.ws.env.cycle()
    page = await live.logged_in("maja")
    await page.goto("/cases/ST-2026-014")
    form = page.locator("form#hand-over")
    await form.get_by_label("Coordinator").select_option("jonas")
    await form.get_by_label("Backup").select_option("maja")
    async with page.expect_navigation():
        await form.get_by_role("button", name="Hand over").click()
    await expect(page.get_by_role("status")).to_contain_text("Case handed over.")
    facts = page.locator("#status dl")
    await expect(facts).to_contain_text(re.compile(r"Coordinator\s*Jonas\s*Backup\s*Maja"))
    async with live.ws.env.db.session() as session:
        case = (await session.exec(select(Case).where(Case.ref == "ST-2026-014"))).one()
    assert (case.coordinator_key, case.backup_key) == ("jonas", "maja")
    assert live.ws.changes == ["changed"]  # the planner was asked to act at once
    told_before = len(live.ws.env.tg.messages_to(2002))
    await live.ws.env.cycle()
    to_jonas = live.ws.env.tg.messages_to(2002)[told_before:]
    # The alert itself (it quotes Noah's "hjälp"), not only the case's other news.
    assert any("ST-2026-014" in m.text and "hjälp" in m.text for m in to_jonas)
