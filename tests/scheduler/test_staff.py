"""Staff of a case (docs/plan-file.md, "Roles"): the team lead is a member who gets the ladder's
last step and acknowledges it; quiet hours hold the ladder's clock too; only the case's active
staff acknowledge; a hand-over moves open alerts and tells the family."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.inbound import Incoming
from sigbot.models import Escalation, OutboxMessage
from tests.fakes.telegram_api import SentMessage
from tests.handlers.support import PTBApp, bot_app, feed
from tests.scheduler.flow import TZ, journal, local, run_until
from tests.scheduler.plans import TEAM_LEAD, plan
from tests.sigbot.env import Env, make_env

DAILY = "  - {owner: noah, area: school, text: Gå till skolan, check_in: daily}"
MAJA = "  - {key: maja,  role: coordinator, name: Maja,  language: sv, telegram_chat_id: 2001}\n"
BUTTONS = ["Kvittera", "Jag ringer", "Kalla till möte"]


def buttons(message: SentMessage) -> list[str]:
    markup: Any = message.reply_markup
    return [b["text"] for b in markup["inline_keyboard"][0]]


async def press(env: Env, app: PTBApp, chat: int, message: SentMessage, index: int = 0) -> str:
    """Press one of an alert's buttons in ``chat``; returns what the bot answered ("✓", "?")."""
    markup: Any = message.reply_markup
    data = markup["inline_keyboard"][0][index]["callback_data"]
    await feed(app, env.tg.push_callback(chat, data, message.message_id))
    answers = [p for method, p in env.tg.requests if method == "answerCallbackQuery"]
    return str(answers[-1]["text"])


async def escalations(env: Env) -> list[Escalation]:
    async with env.db.session() as session:
        return list(await session.exec(select(Escalation).order_by(Escalation.id)))  # type: ignore[arg-type]  # SQLModel column


async def sent_at(env: Env, chat: int) -> list[str]:
    """Local send times of the alerts that went to a Telegram chat."""
    async with env.db.session() as session:
        rows = await session.exec(
            select(OutboxMessage).where(
                OutboxMessage.address == str(chat),
                OutboxMessage.sent_at.is_not(None),  # type: ignore[union-attr]  # SQLModel column
            )
        )
        return [f"{r.sent_at.astimezone(TZ):%d %H:%M}" for r in rows if r.sent_at]


async def test_team_lead_member_gets_the_last_step_and_acknowledges(
    db: Database, clock: FakeClock
) -> None:
    """Neither Maja nor Jonas answers: Tove (team_lead, in no consent) gets it with buttons."""
    async with make_env(db, clock) as env, bot_app(env) as app:
        await env.load(plan(commitments=DAILY, extra_members=TEAM_LEAD))
        await run_until(env, local(2026, 11, 26, 3, 5), step=timedelta(minutes=10))
        (alert,) = env.tg.messages_to(5001)
        assert "T-1" in alert.text and "Gå till skolan" in alert.text
        assert buttons(alert) == BUTTONS
        assert await sent_at(env, 5001) == ["26 03:00"]
        assert await press(env, app, 5001, alert) == "✓"
        (escalation,) = await escalations(env)
        assert (escalation.acknowledged_by, escalation.action) == ("tove", "ack")
        assert (await journal(env))[-1] == (
            "escalation.acknowledged",
            "Tove acknowledged: Gå till skolan",
        )


async def test_the_ladder_waits_while_staff_keep_quiet_hours(
    db: Database, clock: FakeClock
) -> None:
    """Quiet hours for staff: the backup hears at 08:00, the team lead at 12:00, not at 03:00."""
    async with make_env(db, clock) as env:
        env.messenger.coordinator_alerts_in_quiet_hours = False
        await env.load(plan(commitments=DAILY, extra_members=TEAM_LEAD))
        await run_until(env, local(2026, 11, 26, 11, 55), step=timedelta(minutes=10))
        assert await sent_at(env, 2001) == ["25 19:00"]  # Maja, when the check-in was missed
        assert await sent_at(env, 2002) == ["26 08:00"]  # Jonas, the backup
        assert env.tg.messages_to(5001) == []
        await run_until(env, local(2026, 11, 26, 12, 5), step=timedelta(minutes=10))
        assert await sent_at(env, 5001) == ["26 12:00"]


async def test_help_goes_at_once_even_when_staff_keep_quiet_hours(
    db: Database, clock: FakeClock
) -> None:
    """'I need help' at 23:00 is urgent: Maja hears at once whatever the hour."""
    async with make_env(db, clock) as env:
        env.messenger.coordinator_alerts_in_quiet_hours = False
        await env.load(plan())
        clock.set(local(2026, 11, 25, 23, 0))
        await env.inbound.handle(Incoming("sms", "+46701234568", "HJÄLP", "SMnight"))
        await env.dispatcher.drain()
        (alert,) = env.tg.messages_to(2001)
        assert "Leila" in alert.text
        (escalation,) = await escalations(env)
        assert escalation.escalate_after == local(2026, 11, 26, 3, 0)


async def test_a_team_lead_by_sms_gets_no_welcome_sms(db: Database, clock: FakeClock) -> None:
    """The welcome SMS is for the family and professionals, not for staff."""
    tove = '  - {key: tove, role: team_lead, name: Tove, phone: "+46701234599", channel: sms}\n'
    async with make_env(db, clock) as env:
        await env.load(plan(extra_members=tove))
        await env.cycle()
        assert env.tw.messages_to("+46701234599") == []
        assert len(env.tw.messages_to("+46701234568")) == 1  # Leila's welcome


@pytest.mark.parametrize("still_member", [False, True], ids=["removed", "no-longer-coordinator"])
async def test_an_old_coordinators_button_does_nothing(
    db: Database, clock: FakeClock, still_member: bool
) -> None:
    """After a hand-over Maja's old button answers '?' and the alert stays open for Jonas."""
    async with make_env(db, clock) as env, bot_app(env) as app:
        await env.load(plan())
        await env.inbound.handle(Incoming("sms", "+46701234568", "HJÄLP", "SMh1"))
        await env.dispatcher.drain()
        (old_alert,) = env.tg.messages_to(2001)
        handed = plan(coordinator="jonas", backup="null")
        await env.load(handed if still_member else handed.replace(MAJA, ""))
        assert await press(env, app, 2001, old_alert) == "?"
        (escalation,) = await escalations(env)
        assert escalation.acknowledged_at is None


async def test_a_hand_over_moves_open_alerts_and_tells_the_family(
    db: Database, clock: FakeClock
) -> None:
    """Jonas takes over: he gets Maja's open alert, and Noah and Leila learn who he is."""
    async with make_env(db, clock) as env, bot_app(env) as app:
        await env.load(plan())
        await env.inbound.handle(Incoming("sms", "+46701234568", "HJÄLP", "SMh2"))
        await env.cycle()
        clock.advance(timedelta(minutes=5))
        await env.load(plan(coordinator="jonas", backup="null").replace(MAJA, ""))
        await env.cycle()
        (alert,) = env.tg.messages_to(2002)
        assert "Leila" in alert.text and buttons(alert) == BUTTONS
        told = [m.text for m in env.tg.messages_to(1001) if "kontaktperson" in m.text]
        assert told == ["Din kontaktperson är nu Jonas. Hen hör av sig snart."]
        assert env.tw.messages_to("+46701234568")[-1].body == (
            "Du har fått en ny kontaktperson. Hen hör av sig snart."
        )
        assert (
            "case.handed_over",
            "coordinator maja → jonas: 1 open alerts moved, 2 family members told",
        ) in await journal(env)
        assert await press(env, app, 2002, alert) == "✓"
        (escalation,) = await escalations(env)
        assert escalation.acknowledged_by == "jonas"
        await env.cycle()
        assert len(env.tg.messages_to(2002)) == 1  # moved once, not again on the next pass
