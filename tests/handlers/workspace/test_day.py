"""My day (GET /): open alerts with the acknowledge form, today's appointments and meetings with
each person's answer, misses since yesterday, consents running out and cases without a network
meeting; each section says so when it is empty, and shows only the account's own cases."""

from __future__ import annotations

import html as markup
import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.handlers.support import bot_app, feed
from tests.handlers.workspace.support import Workspace
from tests.handlers.workspace.test_alerts import OTHER_CASE, REF, raise_missed_reminder

EMPTY = {
    "alerts": "No open alerts.",
    "today": "No appointments or meetings today.",
    "misses": "Nothing missed since yesterday.",
    "consents": "No consent runs out within 30 days.",
    "no-meeting": "Every active case has a network meeting planned within four weeks.",
}


def section(html: str, name: str) -> str:
    """The text of one section of the page as a reader sees it: tags dropped, spaces squeezed."""
    found = re.search(rf'<section id="{name}".*?</section>', html, re.S)
    assert found, f"the page has no section {name}"
    return " ".join(markup.unescape(re.sub(r"<[^>]+>", " ", found.group(0))).split())


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A Stockholm wall-clock time in winter (UTC+1) as UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC) - timedelta(hours=1)


async def day_of(ws: Workspace, username: str) -> str:
    page = await (await ws.logged_in(username)).client.get("/")
    assert page.status_code == 200
    return page.text


async def noah_says_coming(ws: Workspace) -> None:
    """The day-before BUP reminder goes out at 10:00 and Noah presses "I'm coming" at once."""
    ws.env.clock.advance(timedelta(hours=1, minutes=1))
    await ws.env.cycle()
    reminder = next(m for m in ws.env.tg.messages_to(1001) if "BUP" in m.text)
    assert reminder.reply_markup is not None
    yes = reminder.reply_markup["inline_keyboard"][0][0]["callback_data"]
    async with bot_app(ws.env) as app:
        await feed(app, ws.env.tg.push_callback(1001, yes, reminder.message_id))


async def test_wednesday_morning_is_quiet_and_every_section_says_so(ws: Workspace) -> None:
    """At 09:00 on Wednesday Maja's day has nothing in it, and each section says so in words."""
    await ws.account("maja")
    html = await day_of(ws, "maja")
    assert "<h1>My day</h1>" in html and "25 Nov 2026" in html
    for name, empty in EMPTY.items():
        assert section(html, name).endswith(empty), name


async def test_tomorrows_bup_appointment_is_on_the_next_days_page(ws: Workspace) -> None:
    """On Thursday morning the BUP appointment is today's: time, case, who and their answer,
    where; the Jobbtorg appointment of next week is not."""
    await ws.account("maja")
    await noah_says_coming(ws)
    ws.env.clock.set(local(2026, 11, 26, 8))
    today = section(await day_of(ws, "maja"), "today")
    assert today == (
        "Today's appointments and meetings Time Case What Who and their answer Where "
        f"10:00 {REF} BUP Noah: Yes BUP Järva"
    )
    assert f'href="/cases/{REF}"' in (await day_of(ws, "maja"))


async def test_a_meeting_day_lists_both_meetings_with_every_invitees_answer(
    ws: Workspace,
) -> None:
    """On 1 December the officials' and the network meeting are on the page with each invitee
    and their answer, in time order."""
    await ws.account("maja")
    ws.env.clock.set(local(2026, 12, 1, 8))
    today = section(await day_of(ws, "maja"), "today")
    officials = today.index("14:00 ST-2026-014 Officials' meeting")
    network = today.index("15:00 ST-2026-014 Network meeting")
    assert officials < network
    assert "Maja: No answer yet Erik: No answer yet Karin: No answer yet" in today
    assert "Noah: No answer yet Leila: No answer yet" in today
    assert "Tensta träff" in today


async def test_an_unanswered_reminder_is_an_open_alert_and_a_miss(ws: Workspace) -> None:
    """A reminder nobody answered shows at the top with the acknowledge form (back to /) and
    among the misses; acknowledging it from the day page comes back to the day page."""
    await ws.account("maja")
    alert_id = await raise_missed_reminder(ws)
    browser = await ws.logged_in("maja")
    html = (await browser.client.get("/")).text
    assert section(html, "alerts") == (
        "Open alerts Case Why About Now with Since Acknowledge "
        f"{REF} No reply BUP 2026-11-26 10:00 · Noah (no answer) Coordinator 25 Nov 2026 12:02 "
        "Note (optional) Acknowledge"
    )
    assert f'action="/alerts/{alert_id}/ack"' in html
    assert 'name="back" value="/"' in html
    assert html.index('id="alerts"') < html.index('id="today"')
    assert section(html, "misses") == (
        "Missed since yesterday When Case Who What Why Alert "
        f"25 Nov 2026 12:02 {REF} Noah BUP 2026-11-26 10:00 (no answer) No reply Open"
    )
    assert f'href="#alert-{alert_id}"' in html
    done = await browser.submit(f"/alerts/{alert_id}/ack", {"note": "", "back": "/"})
    assert done.headers["location"] == "/?notice=alert-acknowledged"
    after = (await browser.client.get(done.headers["location"])).text
    assert "Alert acknowledged." in after
    assert section(after, "alerts").endswith(EMPTY["alerts"])
    assert "No reply Acknowledged" in section(after, "misses")


async def test_a_miss_of_the_day_before_yesterday_is_no_longer_shown(ws: Workspace) -> None:
    """Misses count from the start of yesterday: two days later the miss is gone from the list
    while its alert, still open, stays at the top."""
    await ws.account("maja")
    await raise_missed_reminder(ws)
    ws.env.clock.set(local(2026, 11, 27, 8))
    html = await day_of(ws, "maja")
    assert section(html, "misses").endswith(EMPTY["misses"])
    assert "No reply" in section(html, "alerts")


async def test_a_consent_running_out_names_who_gave_it_and_its_last_day(ws: Workspace) -> None:
    """In February the police consent (last day 28 February) is listed with the names of the
    young person and the parent who gave it; the case has had no network meeting since
    December and none is planned, so it is listed too."""
    await ws.account("maja")
    ws.env.clock.set(local(2027, 2, 10, 9))
    html = await day_of(ws, "maja")
    assert section(html, "consents") == (
        f"Consents running out Case Given by Valid until Days left {REF} Noah, Leila 28 Feb 2027 19"
    )
    assert section(html, "no-meeting").endswith(f"{REF} 1 Dec 2026 None planned")
    assert f'href="/cases/{REF}#meetings"' in html


@pytest.mark.parametrize("username", ["maja", "olle"])
async def test_another_coordinators_case_never_shows(ws: Workspace, username: str) -> None:
    """Maja's day shows nothing of Olle's case, and Olle's nothing of Maja's, its open alert
    and its people included."""
    await ws.env.load(OTHER_CASE)
    await ws.account(username)
    await raise_missed_reminder(ws)
    html = await day_of(ws, username)
    own, other = (REF, "ST-2026-031") if username == "maja" else ("ST-2026-031", REF)
    assert other not in html
    if username == "olle":
        assert "Noah" not in html and "BUP" not in html
        assert section(html, "alerts").endswith(EMPTY["alerts"])
        # Olle's case has no meeting at all: it is his to plan.
        assert section(html, "no-meeting").endswith(f"{own} None yet None planned")
    else:
        assert own in section(html, "alerts")


async def test_an_admin_is_told_admins_see_no_case_data(ws: Workspace) -> None:
    """An admin's day is a short note: no sections, no case, nobody's name."""
    await ws.account("root", role="admin")
    html = await day_of(ws, "root")
    note = "Administrators manage the workspace's accounts and see no case data."
    assert note in markup.unescape(html)
    assert "<section" not in html and REF not in html and "Noah" not in html
