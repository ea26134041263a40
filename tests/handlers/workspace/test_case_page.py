"""The case page: what a coordinator reads about ST-2026-014, and who may read it."""

from __future__ import annotations

import re
from html import unescape

from sqlmodel import select

from sigbot.domain.consent import withdraw_consent
from sigbot.journal import find_case, read_journal, record
from sigbot.models import Consent, JournalKind
from tests.handlers.workspace.support import Browser, Workspace
from tests.sigbot.views.support import OTHER_CASE, answer, at

REF = "ST-2026-014"
CASE = f"/cases/{REF}"


def text_of(html: str) -> str:
    """What a reader sees of ``html``: tags dropped, entities read, whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def section(html: str, name: str) -> str:
    """The visible text of the page's section ``name``."""
    start = html.index(f'<section id="{name}"')
    return text_of(html[start : html.index("</section>", start)])


def rows(html: str, name: str) -> list[list[str]]:
    """The body rows of the tables in section ``name``, each as its cells' visible text."""
    start = html.index(f'<section id="{name}"')
    part = html[start : html.index("</section>", start)]
    bodies = re.findall(r"<tbody>(.*?)</tbody>", part, re.S)
    return [
        [text_of(cell) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for body in bodies
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


async def majas_page(ws: Workspace, path: str = CASE) -> tuple[Browser, str]:
    await ws.account("maja", name="Maja Lind")
    browser = await ws.logged_in("maja")
    page = await browser.client.get(path)
    assert page.status_code == 200, page.text
    return browser, page.text


async def test_people_show_their_channel_and_whether_it_works(ws: Workspace) -> None:
    """Everyone in the case with role and channels; phone numbers only by their last digits."""
    _, page = await majas_page(ws)
    people = rows(page, "members")
    assert people[:2] == [
        ["Noah", "Young person", "works", "works", "••••••••••67", "Telegram", "sv"],
        ["Leila", "Parent", "none", "works", "••••••••••68", "SMS", "en"],
    ]
    assert ["Erik (LPO Järva)", "Police", "none", "works", "••••••••••69", "SMS", "sv"] in people
    assert "+46701234567" not in page and "701234567" not in page


async def test_consent_shows_its_last_day_and_a_withdrawal(ws: Workspace) -> None:
    """Each consent with the last day the plan file gave, valid or withdrawn (and why)."""
    async with ws.env.db.session() as session:
        police = (await session.exec(select(Consent).where(Consent.key == "noah+leila-2"))).one()
        assert police.share_with == ["erik"]
        await withdraw_consent(session, consent=police, now=ws.env.clock.now(), reason="asked")
        await session.commit()
    _, page = await majas_page(ws)
    assert rows(page, "consent") == [
        [
            "Noah, Leila",
            "Erik",
            "meetings",
            "25 Nov 2026 – 28 Feb 2027",
            "withdrawn 25 Nov 2026 (asked)",
        ],
        [
            "Noah, Leila",
            "Maja, Jonas, Leila, Karin",
            "meetings, plan, reminders, escalations",
            "25 Nov 2026 – 31 May 2027",
            "valid",
        ],
    ]


async def test_meetings_and_appointments_show_each_answer_and_alerts_the_misses(
    ws: Workspace,
) -> None:
    """Noah's "coming" to BUP and "can't come" to the network meeting show beside them, and
    the "can't come" is an open alert with the way to acknowledge it."""
    await at(ws.env, 2026, 11, 25, 10, 5)  # invitations and BUP's day-before reminder go out
    await answer(ws.env, "noah", "1", "appointment_reminder")
    await answer(ws.env, "noah", "3", "meeting_invitation")
    await ws.env.cycle()
    _, page = await majas_page(ws)
    network = rows(page, "meetings")[1]
    assert network[:4] == ["1 Dec 2026 15:00", "Network meeting", "Tensta träff", "Planned"]
    assert network[4].startswith("Noah: No Leila: No answer yet Maja:")
    bup, jobbtorg = rows(page, "appointments")
    assert bup[:6] == ["26 Nov 2026 10:00", "Noah", "BUP", "BUP Järva", "Planned", "Yes"]
    assert jobbtorg[5] == "No answer yet"
    alerts = rows(page, "alerts")
    assert len(alerts) == 1 and alerts[0][1:4] == [
        "Cannot come",
        "network meeting 2026-12-01 15:00 (can't come)",
        "Noah",
    ]
    assert rows(page, "alerts")[0][4] == "Coordinator"
    assert f'name="back" value="{CASE}#alerts"' in page  # the acknowledge form comes back here


async def test_the_plan_shows_each_members_commitments_and_their_history(ws: Workspace) -> None:
    """The current plan by person; a kept check-in shows in the commitment's history."""
    await at(ws.env, 2026, 11, 25, 10, 0)  # the check-in is planned for 17:00
    await at(ws.env, 2026, 11, 25, 17, 0)  # the adaptive check-in of Noah's school promise
    await answer(ws.env, "noah", "1", "check_in")
    _, page = await majas_page(ws)
    plan = section(page, "plan")
    assert plan.startswith("Action plan Version 1, from 25 Nov 2026 Noah")
    for owner in ("Leila", "Erik", "Karin"):
        assert f"<h3>{owner}</h3>" in page
    assert rows(page, "plan")[0] == [
        "School",
        "Gå till skolan varje dag",
        "check-in: adaptive",
        "Open",
        "1 kept, 0 missed kept",
    ]
    assert rows(page, "plan")[1][:3] == [
        "Family",
        "Ring skolan om Noah är borta",
        "due 28 Nov 2026 12:00",
    ]


async def test_the_journal_is_newest_first_and_filtered_by_kind(ws: Workspace) -> None:
    """All lines newest first; "changes", "messages" and "alerts" keep only their kinds."""
    await at(ws.env, 2026, 11, 25, 10, 5)
    await answer(ws.env, "noah", "3", "meeting_invitation")
    browser, page = await majas_page(ws)
    lines = rows(page, "journal")
    assert lines[0][1] in {"escalation.opened", "message.sent", "answer.recorded"}
    assert lines[-1][1] == "case.created"
    kinds = {
        name: {
            line[1]
            for line in rows((await browser.client.get(f"{CASE}?journal={name}")).text, "journal")
        }
        for name in ("changes", "messages", "alerts")
    }
    assert {"appointment.planned", "meeting.planned", "account.read"} - kinds["changes"] == {
        "account.read"
    }
    assert "message.sent" in kinds["messages"] and "appointment.planned" not in kinds["messages"]
    assert kinds["alerts"] == {"escalation.opened"}


async def test_the_journal_shows_200_lines_and_a_link_to_more(ws: Workspace) -> None:
    """A long journal shows its newest 200 lines and a "Show more" link that shows more."""
    async with ws.env.db.session() as session:
        case = await find_case(session, REF)
        for n in range(250):
            record(
                session,
                case_id=case.id,
                at=ws.env.clock.now(),
                kind=JournalKind.REPLY_RECEIVED,
                summary=f"note {n}",
            )
        await session.commit()
    browser, page = await majas_page(ws)
    assert len(rows(page, "journal")) == 200
    more = f'href="{CASE}?journal=all&amp;journal_limit=400#journal"'
    assert more in page and "Show more" in page
    longer = await browser.client.get(f"{CASE}?journal=all&journal_limit=400")
    assert len(rows(longer.text, "journal")) > 250 and "Show more" not in longer.text


async def test_reading_the_page_is_journaled_with_the_account_name(ws: Workspace) -> None:
    """Each showing of the page leaves "Maja Lind (maja) read: case page" in the journal."""
    await majas_page(ws)
    async with ws.env.db.session() as session:
        reads = [line for line in await read_journal(session, REF) if line.kind == "account.read"]
    assert [line.summary for line in reads] == ["Maja Lind (maja) read: case page"]


async def test_another_coordinators_case_is_not_found(ws: Workspace) -> None:
    """Omar's case reads exactly as a case that does not exist, and nothing is journaled."""
    await ws.env.load(OTHER_CASE)
    await ws.account("maja")
    browser = await ws.logged_in("maja")
    hidden = await browser.client.get("/cases/ST-2026-020")
    missing = await browser.client.get("/cases/ST-0000-000")
    assert hidden.status_code == missing.status_code == 404
    assert text_of(hidden.text) == text_of(missing.text).replace("ST-0000-000", "ST-2026-020")
    assert "Ali" not in hidden.text
    assert "account.read" not in await ws.journal_kinds("ST-2026-020")


async def test_only_known_notices_are_shown(ws: Workspace) -> None:
    """``?notice=`` shows the page's own notices only: a crafted link puts no words on it."""
    browser, _ = await majas_page(ws)
    known = await browser.client.get(f"{CASE}?notice=appointment-added")
    assert "Appointment added. The person will be reminded." in known.text
    crafted = await browser.client.get(f"{CASE}?notice=Call+0701234567+now")
    assert 'class="notice"' not in crafted.text and "0701234567" not in crafted.text
