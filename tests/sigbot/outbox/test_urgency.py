"""A time-critical message is never stuck behind a bulk: when more is due than one batch, the
dispatcher takes alerts and answers first, then what is tied to a time, then bulk notices."""

from __future__ import annotations

from datetime import timedelta

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.models import MessageKind
from sigbot.models.kinds import BULK, TIMED, URGENT_FIRST, priority_of
from sigbot.outbox.dispatcher import DispatchPolicy
from sigbot.outbox.store import Route
from tests.sigbot.env import make_env


def test_each_kind_has_its_place_in_line() -> None:
    assert priority_of(MessageKind.ESCALATION_URGENT) == URGENT_FIRST
    assert priority_of(MessageKind.ACK_HELP) == URGENT_FIRST
    assert priority_of(MessageKind.APPOINTMENT_REMINDER) == TIMED
    assert priority_of(MessageKind.PLAN_NOTICE) == BULK


async def test_a_reminder_due_now_goes_before_a_burst_of_plan_notices(
    db: Database, clock: FakeClock
) -> None:
    async with make_env(db, clock, policy=DispatchPolicy(batch_size=20)) as env:
        async with env.db.session() as session:
            for n in range(200):  # a district imports its cases: 200 plan notices at once
                await env.messenger.to_address(
                    session,
                    route=Route("telegram", str(700000 + n)),
                    language="sv",
                    kind=MessageKind.PLAN_NOTICE,
                    params={"items": ["Gå till skolan"]},
                    key=f"bulk|{n}",
                    now=clock.now() - timedelta(minutes=1),
                )
            await env.messenger.to_address(
                session,
                route=Route("telegram", "1001"),
                language="sv",
                kind=MessageKind.APPOINTMENT_REMINDER,
                params={"what": "BUP", "when_utc": clock.now().isoformat()},
                key="reminder-due-now",
                now=clock.now(),
            )
            await session.commit()
        assert await env.dispatcher.run_once() == 20
        assert env.tg.sent[0].chat_id == 1001  # first of the first batch, not 201st
        assert len(env.tg.sent) == 20


def test_the_welcome_sms_is_not_held_back_behind_reminders() -> None:
    """A number's first SMS explains who writes; it must not come after the first reminder."""
    assert priority_of(MessageKind.WELCOME_SMS) == priority_of(MessageKind.MEETING_INVITATION)
