"""Words that may mean danger: the coordinator and the backup hear at once, at any hour, with
the words; the writer gets 112 and the helplines at once; a stranger gets the helplines only."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.inbound import Incoming
from sigbot.journal import read_journal
from sigbot.messages.sms_segments import segments
from sigbot.models import Escalation, EscalationLevel
from tests.sigbot.env import EXAMPLE, make_env

NIGHT = datetime(2026, 11, 26, 2, 30, tzinfo=UTC)  # 03:30 in Stockholm: quiet hours for all
HELPLINES = ("112", "116 111", "90101")


async def test_a_young_person_in_danger_reaches_coordinator_and_backup_at_night(
    db: Database, clock: FakeClock
) -> None:
    async with make_env(db, clock) as env:
        await env.load()
        clock.set(NIGHT)
        words = "orkar inte mer, jag vill inte leva längre"
        await env.inbound.handle(Incoming("telegram", "1001", words, provider_id="tg-1"))
        await env.dispatcher.drain()
        to_noah = env.tg.messages_to(1001)[-1].text
        assert all(number in to_noah for number in HELPLINES) and "Maja" in to_noah
        for chat in (2001, 2002):  # Maja the coordinator and Jonas the backup, both at once
            alert = env.tg.messages_to(chat)[-1]
            assert "ST-2026-014" in alert.text and words in alert.text and "Noah" in alert.text
            assert alert.reply_markup is not None  # acknowledge from the alert
        async with db.session() as session:
            escalation = (await session.exec(select(Escalation))).one()
            lines = await read_journal(session, "ST-2026-014")
        assert escalation.reason == "danger" and escalation.level == EscalationLevel.BACKUP
        assert "reply.danger" in [line.kind for line in lines]


async def test_a_parent_by_sms_gets_the_helplines_in_their_language(
    db: Database, clock: FakeClock
) -> None:
    async with make_env(db, clock) as env:
        await env.load()
        await env.inbound.handle(
            Incoming("sms", "+46701234568", "he hits me and says he will kill me", "SMd1")
        )
        await env.dispatcher.drain()
        answer = env.tw.messages_to("+46701234568")[-1].body
        assert all(number in answer for number in HELPLINES)
        assert "contact person" in answer  # Leila reads English; an SMS names nobody
        assert segments(answer) <= 2
        assert "kill me" in env.tg.messages_to(2001)[-1].text


async def test_a_stranger_gets_the_helplines_and_nobody_hears_of_it(
    db: Database, clock: FakeClock
) -> None:
    async with make_env(db, clock) as env:
        await env.load()
        await env.inbound.handle(Incoming("sms", "+46709999999", "jag vill dö", "SMd2"))
        await env.dispatcher.drain()
        (answer,) = env.tw.messages_to("+46709999999")
        assert all(number in answer.body for number in HELPLINES)
        for secret in ("ST-2026-014", "Noah", "Maja"):
            assert secret not in answer.body
        assert env.tg.messages_to(2001) == [] and env.tg.messages_to(2002) == []


async def test_a_figure_of_speech_is_ordinary_free_text(db: Database, clock: FakeClock) -> None:
    async with make_env(db, clock) as env:
        await env.load()
        await env.inbound.handle(Incoming("telegram", "1001", "haha jag dör av skratt", "tg-2"))
        await env.dispatcher.drain()
        assert env.tg.messages_to(2002) == []  # no urgent alert to the backup
        async with db.session() as session:
            assert (await session.exec(select(Escalation))).first() is None


async def test_someone_no_consent_covers_still_gets_the_helplines(
    db: Database, clock: FakeClock
) -> None:
    """Leila is in no consent's share_with: she is told nothing of the case, but her words
    about danger still reach the coordinator and she still gets the numbers."""
    async with make_env(db, clock) as env:
        plan = EXAMPLE.read_text(encoding="utf-8").replace(
            "share_with: [maja, jonas, leila, karin]", "share_with: [maja, jonas, karin]"
        )
        await env.load(plan)
        await env.cycle()
        assert env.tw.messages_to("+46701234568") == []  # nothing about the case reaches her
        await env.inbound.handle(
            Incoming("sms", "+46701234568", "han slår mig och hotar att döda mig", "SMd3")
        )
        await env.dispatcher.drain()
        (answer,) = env.tw.messages_to("+46701234568")
        assert all(number in answer.body for number in HELPLINES)
        assert "hotar att döda mig" in env.tg.messages_to(2001)[-1].text
