"""The lots engine end to end: real channels against the fake servers, an injected clock.

Each test says who received what and when, and what the journal shows.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.inbound import Incoming
from sigbot.journal import read_journal
from sigbot.models import Case, Commitment, Escalation, OutboxMessage, OutboxState
from tests.sigbot.engine.plans import plan
from tests.sigbot.env import Env, make_env

TZ = ZoneInfo("Europe/Stockholm")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ).astimezone(UTC)  # type: ignore[misc]


async def run_until(env: Env, end: datetime, step: timedelta = timedelta(minutes=15)) -> None:
    """Let the scheduler's work happen at every multiple of ``step`` (on the clock) until
    ``end``, as a scheduler ticking all the time would, only coarser."""
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    while env.clock.now() < end:
        await env.cycle()
        now = env.clock.now()
        next_tick = epoch + ((now - epoch) // step + 1) * step
        env.clock.set(min(next_tick, end))
    await env.cycle()


async def sent(env: Env, kind: str | None = None) -> list[OutboxMessage]:
    """Messages that went out, oldest first."""
    async with env.db.session() as session:
        query = select(OutboxMessage).where(
            col(OutboxMessage.state).in_([OutboxState.SENT, OutboxState.DELIVERED])
        )
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        return list(await session.exec(query.order_by(col(OutboxMessage.sent_at))))


async def journal(env: Env, ref: str = "T-1") -> list[tuple[str, str]]:
    async with env.db.session() as session:
        return [(line.kind, line.summary) for line in await read_journal(session, ref)]


async def press(env: Env, row: OutboxMessage, answer: str) -> None:
    """The member answers a prompt (a Telegram button or an SMS word)."""
    from sigbot.messages.replies import parse_reply

    assert row.id is not None
    if row.channel == "telegram":
        incoming = Incoming(
            "telegram", row.address, "", f"cb-{row.id}-{answer}", (parse_reply(answer), row.id)
        )
    else:
        incoming = Incoming("sms", row.address, answer, f"SM-{row.id}-{answer}")
    await env.inbound.handle(incoming)


BUP = "  - {who: noah, what: BUP, at: 2026-11-26T10:00, place: BUP Järva}"


async def test_default_reminders_day_before_and_two_hours_before(
    db: Database, clock: FakeClock
) -> None:
    """Without `remind`: 18:00 the day before and 2 hours before, on Telegram with buttons."""
    async with make_env(db, clock) as env:
        await env.load(plan(appointments=BUP))
        await run_until(env, local(2026, 11, 25, 17, 55))
        assert await sent(env, "appointment_reminder") == []
        await run_until(env, local(2026, 11, 26, 9, 30))
        reminders = await sent(env, "appointment_reminder")
        assert [r.sent_at for r in reminders] == [
            local(2026, 11, 25, 18, 0),
            local(2026, 11, 26, 8, 0),
        ]
        texts = [m.text for m in env.tg.messages_to(1001) if "BUP" in m.text]
        assert texts[0] == "Påminnelse: BUP tors 26 nov. 10:00, BUP Järva. Kommer du?"
        assert env.tg.messages_to(1001)[-1].reply_markup is not None


async def test_moving_an_appointment_reschedules_and_tells(db: Database, clock: FakeClock) -> None:
    """A reminder already went out: moving the time sends a notice and re-plans reminders."""
    async with make_env(db, clock) as env:
        await env.load(plan(appointments=BUP))
        await run_until(env, local(2026, 11, 25, 18, 5))
        assert len(await sent(env, "appointment_reminder")) == 1
        await env.load(plan(appointments=BUP.replace("2026-11-26T10:00", "2026-11-27T14:00")))
        await env.cycle()
        moved = await sent(env, "appointment_moved")
        assert len(moved) == 1 and "fre 27 nov. 14:00" in moved[0].body
        await run_until(env, local(2026, 11, 27, 13, 0), step=timedelta(minutes=30))
        reminders = await sent(env, "appointment_reminder")
        assert [r.due_at for r in reminders][1:] == [
            local(2026, 11, 26, 18, 0),
            local(2026, 11, 27, 12, 0),
        ]
        kinds = [k for k, _ in await journal(env)]
        assert "message.cancelled" in kinds  # the old 08:00 reminder


async def test_cancelling_an_appointment_cancels_reminders_and_tells(
    db: Database, clock: FakeClock
) -> None:
    """Removed from the plan after a reminder: no more reminders, a cancellation notice."""
    async with make_env(db, clock) as env:
        await env.load(plan(appointments=BUP))
        await run_until(env, local(2026, 11, 25, 18, 5))
        await env.load(plan())
        await run_until(env, local(2026, 11, 26, 10, 0), step=timedelta(minutes=30))
        assert len(await sent(env, "appointment_reminder")) == 1
        assert len(await sent(env, "appointment_cancelled")) == 1


async def test_quiet_hours_move_or_drop(db: Database, clock: FakeClock) -> None:
    """A 2-hours-before reminder at 06:00 moves to 08:00; one for a 07:30 event is dropped."""
    appointments = (
        "  - {key: a, who: noah, what: Tandläkare, at: 2026-11-26T09:00, remind: [PT3H]}\n"
        "  - {key: b, who: noah, what: Buss, at: 2026-11-26T07:30, remind: [PT2H]}"
    )
    async with make_env(db, clock) as env:
        await env.load(plan(appointments=appointments))
        await run_until(env, local(2026, 11, 26, 9, 0), step=timedelta(minutes=15))
        reminders = await sent(env, "appointment_reminder")
        assert [(r.params["what"], r.sent_at) for r in reminders] == [
            ("Tandläkare", local(2026, 11, 26, 8, 0))
        ]
        dropped = [s for k, s in await journal(env) if k == "message.dropped"]
        assert len(dropped) == 1 and "quiet hours" in dropped[0]


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
        buttons = [b["text"] for b in alerts[0].reply_markup["inline_keyboard"][0]]  # type: ignore[index]
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
        assert env.tw.messages_to("+46701234568")[-1].body.startswith("Vi har sagt till Maja")


async def test_coordinators_can_keep_quiet_hours(db: Database, clock: FakeClock) -> None:
    """With alerts in quiet hours switched off, a 23:00 help request reaches Maja at 08:00."""
    async with make_env(db, clock) as env:
        env.messenger.coordinators_keep_quiet_hours = True
        await env.load(plan())
        clock.set(local(2026, 11, 25, 23, 0))
        await env.inbound.handle(Incoming("sms", "+46701234568", "2", "SMnight"))
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


async def test_meetings_reach_only_whom_consent_allows(db: Database, clock: FakeClock) -> None:
    """Network meeting: invitees the consent covers; the police officer without consent gets
    nothing. Officials' meeting: never the family. Reminders go to the family."""
    meetings = (
        "  - {key: prep, kind: officials, at: 2026-12-01T14:00, invite: [maja, karin, erik]}\n"
        "  - {key: net, kind: network, at: 2026-12-01T15:00, place: Tensta träff,"
        " invite: [noah, leila, maja, karin, erik]}"
    )
    async with make_env(db, clock) as env:
        await env.load(plan(meetings=meetings))
        await run_until(env, local(2026, 12, 1, 14, 30), step=timedelta(hours=1))
        assert env.tg.messages_to(4001) == []  # Erik: no consent covers him
        invites = await sent(env, "meeting_invitation")
        assert {r.address for r in invites} == {"1001", "+46701234568", "2001", "3001"}
        officials = await sent(env, "officials_invitation")
        assert {r.address for r in officials} == {"2001", "3001"}
        reminders = await sent(env, "meeting_reminder")
        assert {r.address for r in reminders} == {"1001", "+46701234568"}
        withheld = [s for k, s in await journal(env) if k == "message.withheld"]
        assert len(withheld) == 2 and all("Erik" in s for s in withheld)


async def test_no_meeting_within_four_weeks_tells_the_coordinator(
    db: Database, clock: FakeClock
) -> None:
    """After a network meeting with no next one planned within 28 days, the coordinator hears."""
    meetings = "  - {key: m1, kind: network, at: 2026-11-20T15:00, invite: [noah], status: held}"
    async with make_env(db, clock) as env:
        await env.load(plan(meetings=meetings))
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
        warnings = [m.text for m in env.tg.messages_to(2001) if "samtycke" in m.text]
        assert len(warnings) == 1 and "30 dagar" in warnings[0]
        await run_until(env, local(2026, 12, 25, 12, 0), step=timedelta(hours=6))
        warnings = [m.text for m in env.tg.messages_to(2001) if "samtycke" in m.text]
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


async def test_reminders_across_daylight_saving(db: Database) -> None:
    """P1D before 10:00 on 2026-03-29 is 10:00 on the 28th; default 18:00 on 2026-10-24."""
    clock = FakeClock(local(2026, 3, 27, 12, 0))
    appointments = (
        "  - {key: s, who: noah, what: BUP, at: 2026-03-29T10:00, remind: [P1D]}\n"
        "  - {key: a, who: noah, what: Skola, at: 2026-10-25T10:00}"
    )
    async with make_env(db, clock) as env:
        await env.load(plan(appointments=appointments))
        await run_until(env, local(2026, 3, 29, 11, 0), step=timedelta(minutes=30))
        spring = await sent(env, "appointment_reminder")
        assert [r.sent_at for r in spring] == [datetime(2026, 3, 28, 9, 0, tzinfo=UTC)]
        clock.set(local(2026, 10, 24, 12, 0))
        await run_until(env, local(2026, 10, 25, 11, 0), step=timedelta(minutes=30))
        autumn = [r for r in await sent(env, "appointment_reminder") if r.params["what"] == "Skola"]
        assert [r.sent_at for r in autumn] == [
            datetime(2026, 10, 24, 16, 0, tzinfo=UTC),  # 18:00 CEST
            datetime(2026, 10, 25, 7, 0, tzinfo=UTC),  # 08:00 CET, 2 hours before 10:00 CET
        ]


async def test_restart_after_downtime_sends_useful_and_drops_stale(
    db: Database, clock: FakeClock
) -> None:
    """Down from 17:30 to 09:30 the next day: of the two overdue reminders only the later
    (08:00, event still ahead) is sent; the 18:00 one is dropped and journaled."""
    async with make_env(db, clock) as env:
        await env.load(plan(appointments=BUP))
        await run_until(env, local(2026, 11, 25, 17, 30))
        clock.set(local(2026, 11, 26, 9, 30))  # the process was down all night
        await env.cycle()
        reminders = await sent(env, "appointment_reminder")
        assert [r.due_at for r in reminders] == [local(2026, 11, 26, 8, 0)]
        assert [m.text for m in env.tg.messages_to(1001)][-1].startswith("Påminnelse: BUP")
        dropped = [s for k, s in await journal(env) if k == "message.dropped"]
        assert len(dropped) == 1 and "later reminder" in dropped[0]
        clock.set(local(2026, 11, 26, 10, 30))  # after the event nothing more goes out
        await env.cycle()
        assert len(await sent(env, "appointment_reminder")) == 1


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
