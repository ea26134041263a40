"""A case over its life end to end: meeting cadence, consent running out, pause, closing,
a revised plan, and one broken case among many.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.models import Case, OutboxMessage
from tests.scheduler.flow import BUP, journal, local, run_until, sent
from tests.scheduler.plans import plan
from tests.sigbot.env import make_env


async def test_no_meeting_within_four_weeks_tells_the_coordinator(
    db: Database, clock: FakeClock
) -> None:
    """A week before 28 days since the last network meeting run out with no next one planned,
    the coordinator hears once."""
    meetings = "  - {key: m1, kind: network, at: 2026-11-20T15:00, invite: [noah], status: held}"
    async with make_env(db, clock) as env:
        await env.load(plan(meetings=meetings))
        await env.cycle()
        assert env.tg.messages_to(2001) == []  # 18 December is more than a week away
        clock.set(local(2026, 12, 11, 15, 0))
        await env.cycle()
        alerts = [m.text for m in env.tg.messages_to(2001)]
        assert len(alerts) == 1 and "fyra veckor" in alerts[0] and "2026-12-18" in alerts[0]
        await env.cycle()
        assert len(env.tg.messages_to(2001)) == 1  # said once


async def test_consent_warnings_and_expiry(db: Database, clock: FakeClock) -> None:
    """Warned 30 and 7 days before; after expiry the guardian receives nothing more."""
    commitments = "  - {owner: leila, area: family, text: Ring skolan, check_in: P1D}"
    async with make_env(db, clock) as env:
        await env.load(plan(commitments=commitments, valid_until="2026-12-31"))
        await run_until(env, local(2026, 12, 2, 12, 0), step=timedelta(hours=6))
        warnings = [m.text for m in env.tg.messages_to(2001) if "samtycke går ut" in m.text]
        assert len(warnings) == 1 and "30 dagar" in warnings[0]
        await run_until(env, local(2026, 12, 25, 12, 0), step=timedelta(hours=6))
        warnings = [m.text for m in env.tg.messages_to(2001) if "samtycke går ut" in m.text]
        assert len(warnings) == 2 and "7 dagar" in warnings[1]
        await run_until(env, local(2027, 1, 3, 12, 0), step=timedelta(hours=6))
        async with env.db.session() as session:
            late = list(
                await session.exec(
                    select(OutboxMessage).where(
                        OutboxMessage.address == "+46701234568",
                        col(OutboxMessage.sent_at) >= local(2027, 1, 1, 0, 0),
                    )
                )
            )
            check_ins = list(
                await session.exec(
                    select(OutboxMessage).where(
                        OutboxMessage.kind == "check_in",
                        col(OutboxMessage.sent_at) < local(2027, 1, 1, 0, 0),
                    )
                )
            )
        assert late == [] and len(check_ins) > 30


async def test_pause_stops_and_resumes(db: Database, clock: FakeClock) -> None:
    """Paused: no check-ins (journaled); after the planned end they come back."""
    commitments = "  - {owner: noah, area: school, text: Gå till skolan, check_in: daily}"
    async with make_env(db, clock) as env:
        await env.load(plan(commitments=commitments))
        await run_until(env, local(2026, 11, 26, 9, 0), step=timedelta(hours=1))
        assert len(await sent(env, "check_in")) == 1
        paused = plan(commitments=commitments, status="paused").replace(
            "  status: paused",
            "  status: paused\n  paused_until: 2026-12-01\n  status_reason: utredning",
        )
        await env.load(paused)
        await run_until(env, local(2026, 11, 30, 20, 0), step=timedelta(hours=1))
        assert len(await sent(env, "check_in")) == 1
        await run_until(env, local(2026, 12, 1, 18, 0), step=timedelta(hours=1))
        assert len(await sent(env, "check_in")) == 2
        summaries = [s for k, s in await journal(env) if k == "case.status"]
        assert any("utredning" in s for s in summaries)
        assert any("pause over" in s for s in summaries)


async def test_closing_moves_to_resting_list_with_monthly_check_in(
    db: Database, clock: FakeClock
) -> None:
    """Closed: pending messages cancelled, resting list, a light check-in once a month."""
    commitments = "  - {owner: noah, area: school, text: Gå till skolan, check_in: daily}"
    async with make_env(db, clock) as env:
        await env.load(plan(commitments=commitments, appointments=BUP))
        await env.cycle()
        await env.load(
            plan(commitments=commitments, appointments=BUP, status="closed").replace(
                "  status: closed", "  status: closed\n  outcome: goals_met"
            )
        )
        await env.cycle()
        async with env.db.session() as session:
            case = (await session.exec(select(Case))).one()
        assert case.status == "resting" and case.resting_until is not None
        await run_until(env, local(2027, 2, 1, 18, 0), step=timedelta(hours=12))
        assert await sent(env, "appointment_reminder") == []
        assert await sent(env, "check_in") == []
        assert len(await sent(env, "resting_check_in")) == 2  # late December, late January


async def test_revised_plan_sends_each_member_their_commitments(
    db: Database, clock: FakeClock
) -> None:
    """After the network meeting a new plan version: each owner gets their own commitments."""
    meetings = "  - {key: m1, kind: network, at: 2026-11-25T10:00, invite: [noah, leila]}"
    first = "  - {owner: noah, area: school, text: Gå till skolan}"
    revised = (
        "  - {owner: noah, area: school, text: Gå till skolan och fritids}\n"
        "  - {owner: leila, area: family, text: Följ med till BUP}\n"
        "  - {owner: karin, area: school, text: Ring Leila varje fredag}"
    )
    async with make_env(db, clock) as env:
        await env.load(plan(meetings=meetings, commitments=first))
        await env.cycle()
        clock.set(local(2026, 11, 25, 12, 0))
        await env.load(plan(meetings=meetings, commitments=revised))
        await env.cycle()
        notices = await sent(env, "plan_notice")
        latest = {r.address: r.body for r in notices[1:]}
        assert "Gå till skolan och fritids" in latest["1001"]
        assert "Ring Leila" in latest["3001"] and "Gå till skolan" not in latest["3001"]
        assert latest["+46701234568"].startswith("Du har en ny plan")  # discreet SMS
        versions = [s for k, s in await journal(env) if k == "plan.version"]
        assert versions[-1].startswith("action plan version 2")


async def test_one_broken_case_does_not_stop_the_others(db: Database, clock: FakeClock) -> None:
    """A case whose stored data cannot be planned is skipped (logged); other cases go on."""
    async with make_env(db, clock) as env:
        await env.load(plan(appointments=BUP).replace("ref: T-1", "ref: T-0"))
        await env.load(plan(appointments=BUP))
        async with env.db.session() as session:
            broken = (await session.exec(select(Case).where(Case.ref == "T-0"))).one()
            broken.timezone = "Mars/Olympus"
            session.add(broken)
            await session.commit()
        stats = await env.planner.tick()
        assert (stats.cases, stats.failed_cases) == (1, 1)
        await env.dispatcher.drain()
        assert env.tw.messages_to("+46701234568"), "T-1's welcome SMS still goes out"
