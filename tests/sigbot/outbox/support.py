"""Queue and read outbox rows for the dispatcher tests."""

from __future__ import annotations

from sigbot.journal import read_journal
from sigbot.models import Case, OutboxMessage
from tests.sigbot.env import Env


async def queue(env: Env, case: Case, member_key: str, key: str, kind: str = "ack_yes") -> int:
    member = await env.member(member_key)
    async with env.db.session() as session:
        new = await env.messenger.to_member(
            session,
            case=case,
            member=member,
            kind=kind,
            topic="reminders",
            params={"coordinator": "Maja"},
            key=key,
            due_at=env.clock.now(),
            now=env.clock.now(),
        )
        await session.commit()
    assert new is not None
    return new


async def read_row(env: Env, outbox_id: int) -> OutboxMessage:
    async with env.db.session() as session:
        row = await session.get(OutboxMessage, outbox_id)
        assert row is not None
        return row


async def journal_kinds(env: Env) -> list[str]:
    async with env.db.session() as session:
        return [line.kind for line in await read_journal(session, "ST-2026-014")]
