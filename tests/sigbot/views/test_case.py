"""One case's page: who can be reached, consent, meetings and appointments with answers, the
plan with its history, open alerts, and the journal newest first, filterable by kind."""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.consent import withdraw_consent
from sigbot.domain.inbound import Incoming
from sigbot.domain.meetings import cancel_meeting
from sigbot.domain.opt_out import stop_chat
from sigbot.journal import read_journal
from sigbot.models import Case, Consent, Meeting
from sigbot.views.case import CaseDetail, case_detail
from sigbot.views.common import Attendee
from sigbot.views.members import Reach
from tests.sigbot.env import Env
from tests.sigbot.views.support import MAJAS, answer, at, local, read, two_cases


async def _detail(env: Env, kinds: str | None = None) -> CaseDetail:
    async def view(session: AsyncSession) -> CaseDetail:
        case = (await session.exec(select(Case).where(Case.ref == MAJAS))).one()
        return await case_detail(session, case, env.clock.now(), kinds)

    return await read(env, view)


async def test_members_show_whether_their_channel_works(db: Database, clock: FakeClock) -> None:
    """Noah stopped Telegram (SMS still works), Leila sent STOP, Karin blocked the bot; numbers
    show only their last two digits."""
    async with two_cases(db, clock) as env:
        env.tg.fail(status=403, chat_id=3001)  # Karin has blocked the bot
        await at(env, 2026, 11, 25, 10, 0)
        await env.inbound.handle(Incoming("sms", "+46701234568", "STOP", "SM-stop"))
        async with env.db.session() as session:
            await stop_chat(session, env.messenger, chat_id=1001, now=env.clock.now())
            await session.commit()
        members = (await _detail(env)).members
    shown = [(m.key, m.role, m.telegram, m.sms, m.phone, m.via, m.reachable) for m in members]
    assert shown == [
        ("noah", "youth", Reach.MISSING, Reach.WORKS, "••••••••••67", "sms", True),
        ("leila", "guardian", Reach.MISSING, Reach.OPTED_OUT, "••••••••••68", None, False),
        ("jonas", "coordinator", Reach.WORKS, Reach.MISSING, None, "telegram", True),
        ("maja", "coordinator", Reach.WORKS, Reach.MISSING, None, "telegram", True),
        ("erik", "police", Reach.MISSING, Reach.WORKS, "••••••••••69", "sms", True),
        ("karin", "school", Reach.BLOCKED, Reach.MISSING, None, None, False),
    ]
    assert [(m.key, m.account) for m in members if m.account] == [
        ("jonas", "jonas"),
        ("maja", "maja"),
    ]
    assert "1234567" not in repr(members)


async def _a_day_of_the_case(env: Env) -> None:
    """Leila accepts the network meeting and Noah says he comes to BUP; Erik's consent is
    withdrawn and the officials' meeting cancelled; Noah keeps his check-in, Karin misses hers."""
    await at(env, 2026, 11, 25, 10, 0)
    await answer(env, "leila", "1", "meeting_invitation")
    await answer(env, "noah", "1", "appointment_reminder")
    async with env.db.session() as session:
        consent = (await session.exec(select(Consent).where(Consent.key == "noah+leila-2"))).one()
        await withdraw_consent(session, consent=consent, now=env.clock.now(), reason="nej")
        officials = (await session.exec(select(Meeting).where(Meeting.kind == "officials"))).one()
        await cancel_meeting(session, meeting=officials, now=env.clock.now())
        await session.commit()
    await at(env, 2026, 11, 25, 17, 0)
    await answer(env, "noah", "1", "check_in")
    await at(env, 2026, 11, 25, 19, 0)
    env.clock.set(local(2026, 11, 26, 12, 0))


async def test_the_case_page_shows_events_consent_plan_and_alerts(
    db: Database, clock: FakeClock
) -> None:
    """What is to come first, then what passed; each answer; consent validity; the plan's
    kept/missed history per member; Karin's unanswered check-in as the open alert."""
    async with two_cases(db, clock) as env:
        await _a_day_of_the_case(env)
        detail = await _detail(env)
    assert (detail.case.ref, detail.case.status, detail.case.coordinator_key) == (
        MAJAS,
        "active",
        "maja",
    )
    assert [(c.key, c.valid, c.withdrawn_at, c.withdrawn_reason) for c in detail.consents] == [
        ("noah+leila-2", False, local(2026, 11, 25, 10, 0), "nej"),
        ("noah+leila-1", True, None, None),
    ]
    assert [(m.what, m.at, m.status) for m in detail.meetings] == [
        ("officials", local(2026, 12, 1, 14, 0), "cancelled"),
        ("network", local(2026, 12, 1, 15, 0), "planned"),
    ]
    assert detail.meetings[1].people[:2] == (
        Attendee("noah", "Noah", "pending"),
        Attendee("leila", "Leila", "yes"),
    )
    assert [(a.what, a.status, a.people) for a in detail.appointments] == [
        ("Jobbtorg", "planned", (Attendee("noah", "Noah", "pending"),)),
        ("BUP", "planned", (Attendee("noah", "Noah", "yes"),)),
    ]
    assert detail.plan is not None and detail.plan.version == 1
    history = {
        owner.key: [(c.area, c.check_in, c.outcomes, c.kept, c.missed) for c in owner.commitments]
        for owner in detail.plan.owners
    }
    assert history == {
        "noah": [("school", "adaptive", (True,), 1, 0)],
        "leila": [("family", None, (), 0, 0)],
        "erik": [("crime", None, (), 0, 0)],
        "karin": [("school", "weekly", (False,), 0, 1)],
    }
    assert [(a.reason, a.member) for a in detail.alerts] == [("no_reply", "Karin")]


async def test_the_journal_newest_first_and_by_kind(db: Database, clock: FakeClock) -> None:
    """The page's journal is ``sigbot journal``'s, newest first; a kind prefix keeps only those
    kinds; nothing of another case is in it."""
    async with two_cases(db, clock) as env:
        await _a_day_of_the_case(env)
        everything = (await _detail(env)).journal
        consent_and_meetings = (await _detail(env, "consent, meeting")).journal
        escalations = (await _detail(env, "escalation")).journal
        async with env.db.session() as session:
            oldest_first = await read_journal(session, MAJAS)
    assert list(everything) == oldest_first[::-1]
    assert list(consent_and_meetings) == [
        line for line in everything if line.kind.split(".")[0] in ("consent", "meeting")
    ]
    assert {line.kind for line in consent_and_meetings} >= {
        "consent.withdrawn",
        "meeting.cancelled",
    }
    assert [line.kind for line in escalations] == ["escalation.opened"]
    assert not any("Ali" in line.summary for line in everything)
