"""Check-ins, misses and escalations end to end: what the young person is asked, what the
coordinator hears, and when.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

from sqlmodel import select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.inbound import Incoming
from sigbot.models import Commitment, Escalation
from tests.scheduler.flow import BUP, TZ, journal, local, press, run_until, sent
from tests.scheduler.plans import plan
from tests.sigbot.env import make_env


async def test_adaptive_check_in_thins_out_and_comes_back_after_a_miss(
    db: Database, clock: FakeClock
) -> None:
    """Kept days stretch the interval (1,1,1,2,2,...); a 'not done' makes it daily again."""
    commitments = "  - {owner: noah, area: school, text: Gå till skolan, check_in: adaptive}"
    async with make_env(db, clock) as env:
        await env.load(plan(commitments=commitments))
        answered: set[int] = set()
        end = local(2026, 12, 11, 20, 0)
        while clock.now() < end:
            await env.cycle()
            for row in await sent(env, "check_in"):
                if row.id not in answered:
                    answered.add(row.id or 0)
                    await press(env, row, "nej" if len(answered) == 6 else "ja")
            clock.advance(timedelta(hours=1))
        days = [
            r.sent_at.astimezone(TZ).date().toordinal()
            for r in await sent(env, "check_in")
            if r.sent_at
        ]
        gaps = [b - a for a, b in itertools.pairwise(days)]
        # Kept: 1, 1, then 2, 2, then 3 days apart; the sixth was 'not done': daily again.
        assert gaps[:6] == [1, 1, 2, 2, 3, 1]
        assert all(
            r.sent_at and r.sent_at.astimezone(TZ).hour == 17 for r in await sent(env, "check_in")
        )
        async with env.db.session() as session:
            escalation = (await session.exec(select(Escalation))).one()
        assert escalation.reason == "not_done"


async def test_no_answer_escalates_then_climbs_to_backup_and_team_lead(
    db: Database, clock: FakeClock
) -> None:
    """Unanswered check-in: missed after 2 h, coordinator alerted, then backup, then team lead."""
    commitments = "  - {owner: noah, area: school, text: Gå till skolan, check_in: daily}"
    async with make_env(db, clock, team_lead_chat=9001) as env:
        await env.load(plan(commitments=commitments))
        await run_until(env, local(2026, 11, 25, 19, 5), step=timedelta(minutes=10))
        alerts = env.tg.messages_to(2001)
        assert len(alerts) == 1 and "Noah" in alerts[0].text and "Gå till skolan" in alerts[0].text
        buttons = [b["text"] for b in alerts[0].reply_markup["inline_keyboard"][0]]  # type: ignore[index]  # JSON
        assert buttons == ["Kvittera", "Jag ringer", "Kalla till möte"]
        await run_until(env, local(2026, 11, 25, 23, 5), step=timedelta(minutes=10))
        assert len(env.tg.messages_to(2002)) == 1  # Jonas, the backup
        await run_until(env, local(2026, 11, 26, 3, 5), step=timedelta(minutes=10))
        assert len(env.tg.messages_to(9001)) == 1  # the team lead
        kinds = [k for k, _ in await journal(env)]
        assert kinds.count("escalation.raised") == 2


async def test_help_reaches_the_coordinator_at_once_even_at_night(
    db: Database, clock: FakeClock
) -> None:
    """'I need help' at 23:00 alerts the coordinator immediately (quiet hours are for families)."""
    async with make_env(db, clock) as env:
        await env.load(plan())
        clock.set(local(2026, 11, 25, 23, 0))
        await env.inbound.handle(Incoming("sms", "+46701234568", "HJÄLP", "SMhelp"))
        await env.dispatcher.drain()
        alert = env.tg.messages_to(2001)
        assert len(alert) == 1 and "Leila" in alert[0].text
        # She just wrote, so the answer to her goes at once too (quiet hours are for what
        # sigbot starts, not for replies).
        assert env.tw.messages_to("+46701234568")[-1].body.startswith(
            "Vi har sagt till din kontaktperson"
        )


async def test_coordinators_can_keep_quiet_hours(db: Database, clock: FakeClock) -> None:
    """With alerts in quiet hours switched off, a 23:00 message from Leila reaches Maja at 08:00
    (an urgent "I need help" would go at once)."""
    async with make_env(db, clock) as env:
        env.messenger.coordinator_alerts_in_quiet_hours = False
        await env.load(plan())
        clock.set(local(2026, 11, 25, 23, 0))
        await env.inbound.handle(Incoming("sms", "+46701234568", "Vi kommer imorgon", "SMnight"))
        await env.dispatcher.drain()
        assert env.tg.messages_to(2001) == []
        clock.set(local(2026, 11, 26, 8, 0))
        await env.dispatcher.drain()
        assert len(env.tg.messages_to(2001)) == 1


async def test_morning_overview_for_the_coordinator(db: Database, clock: FakeClock) -> None:
    """At 08:00 the coordinator gets one overview: open alerts and today's appointments."""
    async with make_env(db, clock, daily_overview=True) as env:
        await env.load(plan(appointments=BUP))
        await env.inbound.handle(Incoming("sms", "+46701234568", "HJÄLP", "SMo1"))
        await run_until(env, local(2026, 11, 26, 7, 45), step=timedelta(hours=1))
        overviews = [m.text for m in env.tg.messages_to(2001) if m.text.startswith("God morgon")]
        assert len(overviews) == 1  # 25 Nov (the test starts at 09:00)
        await run_until(env, local(2026, 11, 26, 9, 0), step=timedelta(minutes=30))
        overviews = [m.text for m in env.tg.messages_to(2001) if m.text.startswith("God morgon")]
        assert len(overviews) == 2
        # Leila asked for help, and Noah left last night's BUP reminder unanswered.
        assert "• T-1: 2 ⚠ öppna, 1 ✗ sedan i går; i dag: 10:00 BUP (Noah)" in overviews[1]
        # The backup hears about the unacknowledged alert, but gets no overview of the case.
        assert not [m for m in env.tg.messages_to(2002) if m.text.startswith("God morgon")]


async def test_professional_commitment_missed_goes_to_coordinator(
    db: Database, clock: FakeClock
) -> None:
    """The teacher's due commitment with no 'done' is missed and escalated to the coordinator."""
    commitments = "  - {owner: karin, area: school, text: Skicka närvaron, due: 2026-11-27T12:00}"
    async with make_env(db, clock) as env:
        await env.load(plan(commitments=commitments))
        await run_until(env, local(2026, 11, 27, 14, 10), step=timedelta(minutes=30))
        assert any("Skicka närvaron" in m.text for m in env.tg.messages_to(3001))
        assert any("Karin" in m.text for m in env.tg.messages_to(2001))
        async with env.db.session() as session:
            commitment = (await session.exec(select(Commitment))).one()
        assert commitment.status == "missed"


async def test_two_misses_in_a_week_propose_a_meeting(db: Database, clock: FakeClock) -> None:
    """Two 'can't come' within seven days: the coordinator is told to call a meeting."""
    appointments = (
        "  - {key: a, who: noah, what: BUP, at: 2026-11-26T10:00}\n"
        "  - {key: b, who: noah, what: Jobbtorg, at: 2026-11-30T10:00}"
    )
    async with make_env(db, clock) as env:
        await env.load(plan(appointments=appointments))
        answered: set[int] = set()
        while clock.now() < local(2026, 11, 30, 9, 0):
            await env.cycle()
            for row in await sent(env, "appointment_reminder"):
                if row.id not in answered and row.params["what"] in ("BUP", "Jobbtorg"):
                    answered.add(row.id or 0)
                    await press(env, row, "nej")
            clock.advance(timedelta(minutes=30))
        async with env.db.session() as session:
            reasons = [e.reason for e in await session.exec(select(Escalation))]
        assert reasons.count("cannot_come") == 2
        assert "two_misses" in reasons
