"""One number in several cases (a parent of two children in SIG, a counsellor in many): what it
writes is never filed in one case by chance (docs/architecture.md, "The path of one reply").

Free text that names none of the sender's young people is held and the sender is asked which
young person it is about (by SMS without naming anyone); each case's coordinator hears that a
message waits, never what it says, until the sender names the young person.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.inbound import Incoming
from sigbot.journal import read_journal
from sigbot.models import Escalation, InboundMessage, JournalKind
from tests.sigbot.env import Env, make_env

PARENT = "+46701234568"
CASE = """
case:
  ref: {ref}
  coordinator: {coord}
  status: active
  quiet_hours: "none"
  escalation: {{no_reply_after: PT2H, ack_within: PT4H}}
members:
  - {{key: {youth}, role: youth, name: {name}, telegram_chat_id: {youth_chat}, channel: telegram}}
  - {{key: {parent}, role: guardian, name: Leila, language: sv, phone: "{phone}", channel: sms}}
  - {{key: {coord}, role: coordinator, name: {coord_name}, language: sv, telegram_chat_id: {chat}}}
consent:
  - given_by: [{youth}, {parent}]
    share_with: [{parent}]
    topics: [meetings, plan, reminders, escalations]
    valid_until: 2027-06-30
meetings: []
appointments: {appointments}
commitments: []
"""
BUP = "[{who: noah, what: BUP, at: 2026-11-26T10:00, place: BUP Järva, remind: [P1D]}]"


def _case(ref: str, youth: str, name: str, coord: str, chat: int, appointments: str = "[]") -> str:
    return CASE.format(
        ref=ref,
        youth=youth,
        name=name,
        youth_chat=chat - 1000,
        parent=f"leila_{youth}",
        phone=PARENT,
        coord=coord,
        coord_name=coord.title(),
        chat=chat,
        appointments=appointments,
    )


async def _two_cases(env: Env, appointments: str = "[]") -> None:
    """Leila's number in Noah's case (Maja, chat 2001) and in Sara's (Omar, chat 2101)."""
    await env.load(_case("A-1", "noah", "Noah", "maja", 2001, appointments))
    await env.load(_case("B-1", "sara", "Sara", "omar", 2101))


async def _journal(env: Env, ref: str) -> str:
    async with env.db.session() as session:
        return "\n".join(line.summary for line in await read_journal(session, ref))


async def test_free_text_from_a_shared_number_is_held_and_the_sender_asked(
    db: Database, clock: FakeClock
) -> None:
    """No coordinator reads the text until Leila names the young person; then only Sara's does."""
    text = "Hon var inte i skolan i dag, jag är orolig"
    async with make_env(db, clock) as env:
        await _two_cases(env)
        await env.inbound.handle(Incoming("sms", PARENT, text, "SMx1"))
        await env.dispatcher.drain()
        question = env.tw.messages_to(PARENT)[-1].body
        assert "förnamn" in question and "Noah" not in question and "Sara" not in question
        for chat in (2001, 2101):
            notices = [m.text for m in env.tg.messages_to(chat)]
            assert len(notices) == 1 and text not in notices[0] and "Leila" in notices[0]
        assert text not in await _journal(env, "A-1") + await _journal(env, "B-1")

        clock.advance(timedelta(minutes=5))
        await env.inbound.handle(Incoming("sms", PARENT, "Sara", "SMx2"))
        await env.dispatcher.drain()
        assert any(text in m.text for m in env.tg.messages_to(2101))
        assert not any(text in m.text for m in env.tg.messages_to(2001))
        assert text in await _journal(env, "B-1")
        assert text not in await _journal(env, "A-1")
        assert env.tw.messages_to(PARENT)[-1].body.startswith("Tack")


async def test_free_text_naming_one_young_person_goes_to_that_case_only(
    db: Database, clock: FakeClock
) -> None:
    """Leila writes about Sara by name: Omar reads it, Maja hears nothing, nothing is held."""
    text = "sara är sjuk i dag"
    async with make_env(db, clock) as env:
        await _two_cases(env)
        await env.inbound.handle(Incoming("sms", PARENT, text, "SMn1"))
        await env.dispatcher.drain()
        assert any(text in m.text for m in env.tg.messages_to(2101))
        assert env.tg.messages_to(2001) == []
        async with db.session() as session:
            row = (await session.exec(select(InboundMessage))).one()
        assert row.case_id is not None
        assert text in await _journal(env, "B-1")
        assert text not in await _journal(env, "A-1")


async def test_help_from_a_shared_number_alerts_every_case_at_once(
    db: Database, clock: FakeClock
) -> None:
    """'HJÄLP' with nothing open cannot wait for sorting: both coordinators are alerted."""
    async with make_env(db, clock) as env:
        await _two_cases(env)
        await env.inbound.handle(Incoming("sms", PARENT, "HJÄLP", "SMh1"))
        await env.dispatcher.drain()
        assert env.tg.messages_to(2001) and env.tg.messages_to(2101)
        async with db.session() as session:
            escalations = list(await session.exec(select(Escalation)))
        assert len(escalations) == 2 and {e.reason for e in escalations} == {"help"}
        assert len(env.tw.messages_to(PARENT)) == 1  # one answer, not one per case


async def test_answer_to_an_open_reminder_goes_to_its_case(db: Database, clock: FakeClock) -> None:
    """'1' to the reminder of Noah's appointment is recorded in Noah's case, nothing held."""
    bup = BUP.replace("who: noah", "who: leila_noah")
    async with make_env(db, clock) as env:
        await _two_cases(env, bup)
        clock.advance(timedelta(hours=1, minutes=1))
        await env.cycle()
        assert env.tw.messages_to(PARENT), "Leila gets the reminder by SMS"
        await env.inbound.handle(Incoming("sms", PARENT, "1", "SMy1"))
        await env.dispatcher.drain()
        async with db.session() as session:
            lines = await read_journal(session, "A-1")
            row = (await session.exec(select(InboundMessage))).one()
        assert row.in_reply_to is not None
        assert any(line.kind == JournalKind.ANSWER_RECORDED for line in lines)
        assert env.tg.messages_to(2101) == []


async def test_young_person_in_two_cases_writing_reaches_both(
    db: Database, clock: FakeClock
) -> None:
    """Noah's own number in two of his cases: what he writes is about him, so both hear it."""
    text = "Jag mår inte bra"
    second = _case("B-1", "noa", "Noah", "omar", 2101).replace("chat_id: 1101,", "chat_id: 1001,")
    async with make_env(db, clock) as env:
        await env.load(_case("A-1", "noah", "Noah", "maja", 2001))
        await env.load(second)
        await env.inbound.handle(Incoming("telegram", "1001", text, "tg-1"))
        await env.dispatcher.drain()
        assert any(text in m.text for m in env.tg.messages_to(2001))
        assert any(text in m.text for m in env.tg.messages_to(2101))
        assert text in await _journal(env, "A-1") and text in await _journal(env, "B-1")
        assert len(env.tg.messages_to(1001)) == 1  # one receipt
