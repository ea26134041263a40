"""Answers that come after ``no_reply_after``: the question was marked unanswered and escalated,
then the person answers after all (docs/architecture.md, "The path of one reply and one
escalation"). A late "yes" closes the alert it would have prevented and the coordinator is told;
a late "no" or "help" is recorded and escalates as usual.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.models import (
    Answer,
    Appointment,
    Commitment,
    Escalation,
    EscalationReason,
    JournalKind,
    MessageKind,
    OutboxMessage,
)
from tests.scheduler.flow import BUP, journal, local, press, run_until, sent
from tests.scheduler.plans import plan
from tests.sigbot.env import Env, make_env


async def _unanswered_reminder(env: Env) -> OutboxMessage:
    """Noah's 18:00 reminder of BUP goes unanswered: marked no answer and escalated at 20:00."""
    await env.load(plan(appointments=BUP))
    await run_until(env, local(2026, 11, 25, 20, 30), step=timedelta(minutes=10))
    (reminder,) = await sent(env, MessageKind.APPOINTMENT_REMINDER)
    assert reminder.answer == Answer.NONE
    async with env.db.session() as session:
        (escalation,) = await session.exec(select(Escalation))
    assert escalation.reason == EscalationReason.NO_REPLY and escalation.acknowledged_at is None
    return reminder


async def _escalations(env: Env) -> list[Escalation]:
    async with env.db.session() as session:
        return list(await session.exec(select(Escalation).order_by(col(Escalation.id))))


async def test_late_yes_closes_the_no_reply_alert_and_tells_the_coordinator(
    db: Database, clock: FakeClock
) -> None:
    """Noah presses 'I'm coming' at 20:40: recorded, the alert closed, Maja told it came late."""
    async with make_env(db, clock) as env:
        reminder = await _unanswered_reminder(env)
        alerts_before = len(env.tg.messages_to(2001))
        clock.advance(timedelta(minutes=10))
        await press(env, reminder, "ja")
        await env.dispatcher.drain()
        (escalation,) = await _escalations(env)
        assert escalation.acknowledged_at == clock.now()
        assert escalation.action == "answered_late"
        async with env.db.session() as session:
            row = await session.get(OutboxMessage, reminder.id)
            bup = (await session.exec(select(Appointment))).one()
        assert row is not None and row.answer == Answer.YES
        assert bup.answer == Answer.YES
        told = env.tg.messages_to(2001)[alerts_before:]
        assert len(told) == 1 and "Noah" in told[0].text and "BUP" in told[0].text
        kinds = [kind for kind, _ in await journal(env)]
        assert JournalKind.ANSWER_RECORDED in kinds
        assert kinds[-1] == JournalKind.ESCALATION_ACKNOWLEDGED or (
            JournalKind.ESCALATION_ACKNOWLEDGED in kinds
        )
        # Closed: the ladder does not take it to the backup later.
        await run_until(env, local(2026, 11, 26, 2, 0), step=timedelta(minutes=30))
        assert env.tg.messages_to(2002) == []


async def test_late_no_is_recorded_and_escalates_as_usual(db: Database, clock: FakeClock) -> None:
    """A late 'can't come' marks BUP missed and opens its own alert (one miss, not two)."""
    async with make_env(db, clock) as env:
        reminder = await _unanswered_reminder(env)
        clock.advance(timedelta(minutes=10))
        await press(env, reminder, "nej")
        no_reply, cannot_come = await _escalations(env)
        assert no_reply.reason == EscalationReason.NO_REPLY
        assert cannot_come.reason == EscalationReason.CANNOT_COME
        async with env.db.session() as session:
            bup = (await session.exec(select(Appointment))).one()
        assert (bup.status, bup.answer) == ("missed", Answer.NO)


async def test_late_done_counts_the_check_in_as_kept(db: Database, clock: FakeClock) -> None:
    """A check-in answered 'done' the morning after: kept, not missed, and the alert closed."""
    commitments = "  - {owner: noah, area: school, text: Gå till skolan, check_in: daily}"
    async with make_env(db, clock) as env:
        await env.load(plan(commitments=commitments))
        await run_until(env, local(2026, 11, 25, 19, 30), step=timedelta(minutes=10))
        (check_in,) = await sent(env, MessageKind.CHECK_IN)
        clock.set(local(2026, 11, 26, 8, 15))
        await press(env, check_in, "ja")
        (escalation,) = await _escalations(env)
        assert escalation.action == "answered_late"
        async with env.db.session() as session:
            commitment = (await session.exec(select(Commitment))).one()
        assert (commitment.outcomes, commitment.kept_streak) == ([True], 1)
