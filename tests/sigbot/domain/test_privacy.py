"""A person's rights (docs/privacy.md): export of a case and of one person, and erasure of one
person in every case that has their number or chat, on a case that has lived a little."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import inspect
from sqlmodel import SQLModel, col, select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.inbound import Incoming
from sigbot.domain.rights import ERASED, erase_member, export_case, export_member
from sigbot.journal import read_journal
from sigbot.models import Commitment, Member, OutboxMessage, OutboxState
from tests.scheduler.flow import local, run_until
from tests.sigbot.env import EXAMPLE, Env, make_env

REF, OTHER = "ST-2026-014", "ST-2026-099"
PHONE, CHAT = "+46701234567", "987654321"
WORDS = "Jag mår inte bra, kan någon ringa mig efter skolan"
SECRETS = ("Noah", PHONE, CHAT, WORDS)
# The same young person in a second case, under another key, found by the phone number.
SECOND = f"""
case: {{ref: {OTHER}, coordinator: maja, status: active}}
members:
  - {{key: noa, role: youth, name: Noah, phone: "{PHONE}", channel: sms}}
  - {{key: maja, role: coordinator, name: Maja, telegram_chat_id: 2001}}
consent:
  - {{given_by: [noa], share_with: [maja], topics: [reminders], valid_until: 2027-05-31}}
appointments:
  - {{who: noa, what: Tandläkare, at: 2026-12-09T10:00}}
"""


@pytest.fixture
async def lived(db: Database, clock: FakeClock) -> AsyncIterator[Env]:
    """Two cases with Noah; a reminder went out, Noah wrote freely and asked for help."""
    async with make_env(db, clock) as env:
        await env.load(EXAMPLE.read_text(encoding="utf-8").replace("1001", CHAT))
        await env.load(SECOND)
        await run_until(env, local(2026, 11, 25, 18, 30), step=timedelta(hours=1))
        await env.inbound.handle(Incoming("sms", PHONE, WORDS, "SM-free"))
        await env.inbound.handle(Incoming("telegram", CHAT, "HJÄLP", "tg-help"))
        await env.inbound.handle(Incoming("sms", "+46709999999", "vem är detta", "SM-unknown"))
        await env.cycle()
        yield env


async def _dump(db: Database) -> str:
    """Every row of every table as text: what a search of the database would find."""
    import sigbot.models  # noqa: F401

    lines = []
    async with db.engine.connect() as conn:
        present = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        for table in SQLModel.metadata.sorted_tables:
            if table.name in present:
                lines += [str(tuple(row)) for row in await conn.execute(table.select())]
    return "\n".join(lines)


async def _outbox(env: Env, key: str) -> list[OutboxMessage]:
    async with env.db.session() as session:
        return list(
            await session.exec(
                select(OutboxMessage)
                .join(Member, col(Member.id) == col(OutboxMessage.member_id))
                .where(Member.key == key)
            )
        )


async def _erase(env: Env, ref: str = REF, key: str = "noah") -> Any:
    async with env.db.session() as session:
        report = await erase_member(session, ref=ref, key=key, now=env.clock.now())
        await session.commit()
    return report


async def test_before_erasure_the_database_holds_noahs_data(lived: Env) -> None:
    """The check below means something: name, number, chat and words are stored at first."""
    text = await _dump(lived.db)
    assert all(secret in text for secret in SECRETS)
    assert any(r.state == OutboxState.PENDING for r in await _outbox(lived, "noah"))


async def test_erasure_leaves_no_trace_of_the_person_in_any_table(lived: Env) -> None:
    """After erasure no table holds Noah's name, number, chat or words; others keep theirs."""
    report = await _erase(lived)
    assert (report.cases, report.already) == (2, False)
    text = await _dump(lived.db)
    assert [secret for secret in SECRETS if secret in text] == []
    assert "Leila" in text and "+46701234568" in text and "Maja" in text
    # Only the message quoting Noah's words lost its text; the same wording to others stays.
    blanked = sorted(r.kind for r in await _outbox(lived, "maja") if r.body == ERASED)
    # Noah's own words reach both of his cases, and the help alert quotes them as context.
    assert blanked == ["escalation", "reply_attention", "reply_attention"]
    async with lived.db.session() as session:
        texts = list(await session.exec(select(Commitment.text)))
    assert f"Ring skolan om {ERASED} är borta" in texts


async def test_erasure_cancels_what_was_queued_for_them(lived: Env) -> None:
    """Queued messages to the person (in both cases) are cancelled, sent ones keep no text."""
    pending = [r.id for r in await _outbox(lived, "noah") if r.state == OutboxState.PENDING]
    pending += [r.id for r in await _outbox(lived, "noa") if r.state == OutboxState.PENDING]
    report = await _erase(lived)
    rows = await _outbox(lived, "noah") + await _outbox(lived, "noa")
    assert report.cancelled == len(pending) > 0
    assert {r.id for r in rows if r.state == OutboxState.CANCELLED} >= set(pending)
    assert {(r.body, r.address) for r in rows} == {(ERASED, ERASED)}
    await lived.cycle()
    assert not [r for r in await _outbox(lived, "noah") if r.state == OutboxState.PENDING]


async def test_journal_keeps_the_events_with_the_person_shown_as_erased(lived: Env) -> None:
    """Each case's journal keeps every line and adds one member.erased line naming nothing."""
    async with lived.db.session() as session:
        before = {ref: len(await read_journal(session, ref)) for ref in (REF, OTHER)}
    await _erase(lived)
    async with lived.db.session() as session:
        after = {ref: await read_journal(session, ref) for ref in (REF, OTHER)}
    for ref, member in ((REF, "noah"), (OTHER, "noa")):
        lines = after[ref]
        assert len(lines) == before[ref] + 1
        assert (lines[-1].kind, lines[-1].member) == ("member.erased", member)
        assert "queued message(s) cancelled" in lines[-1].summary
    added = next(line for line in after[REF] if line.kind == "member.added")
    assert added.summary == f"{ERASED} added as youth"
    assert any(
        line.kind == "reply.received" and line.summary.startswith(f"{ERASED} wrote")
        for line in after[REF]
    )


async def test_a_second_erasure_is_harmless(lived: Env) -> None:
    """Erasing again finds nothing left, writes nothing and says so."""
    await _erase(lived)
    before = await _dump(lived.db)
    again = await _erase(lived)
    assert again.already is True
    assert "erased already" in again.summary()
    assert await _dump(lived.db) == before


async def test_export_of_one_person_holds_every_message_to_or_from_them(lived: Env) -> None:
    """The member export has Noah's details and every message to or from him, nobody else's."""
    noah_out = {r.id for r in await _outbox(lived, "noah")}
    async with lived.db.session() as session:
        data = await export_member(session, REF, "noah")
    assert data["member"]["name"] == "Noah" and data["member"]["phone"] == PHONE
    assert data["other_cases"] == [OTHER]
    assert {m["id"] for m in data["messages_out"]} == noah_out
    assert WORDS in [m["body"] for m in data["messages_in"]]
    assert {a["what"] for a in data["appointments"]} == {"BUP", "Jobbtorg"}
    assert [c["text"] for c in data["commitments"]] == ["Gå till skolan varje dag"]
    assert all(e["member_key"] == "noah" for e in data["journal"])
    assert data["escalations"] and "events" not in data["escalations"][0]["detail"]
    text = str(data)
    assert all(other not in text for other in ("Leila", "+46701234568", "Erik", "3001"))


async def test_export_of_a_case_holds_everything_of_it(lived: Env) -> None:
    """The case export lists the case, its people, plans, messages and journal."""
    async with lived.db.session() as session:
        data = await export_case(session, REF)
        journal = await read_journal(session, REF)
    assert data["case"]["ref"] == REF
    assert {m["key"] for m in data["members"]} == {
        "noah",
        "leila",
        "maja",
        "jonas",
        "erik",
        "karin",
    }
    assert len(data["journal"]) == len(journal)
    assert len(data["meetings"]) == 2 and data["meeting_invitations"]
    assert WORDS in [m["body"] for m in data["messages_in"]]
    assert all("code_hash" not in code for code in data["invite_codes"])
