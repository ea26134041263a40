"""Erasure when the retention period is over (docs/privacy.md, "Retention"): the personal data
of a whole case once its resting period ended ``SIGBOT_RETENTION_DAYS`` ago, and texts from
unknown senders after 30 days. The scheduler decides when (``scheduler/rules/retention.py``)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.cases import row_id
from sigbot.domain.rights.engine import Scope, erase_people
from sigbot.domain.rights.scrub import ERASED
from sigbot.journal import record
from sigbot.models import (
    FINAL_STATES,
    Case,
    InboundMessage,
    JournalEntry,
    JournalKind,
    Member,
    OutboxMessage,
)


async def erased_cases(session: AsyncSession) -> set[int]:
    """The cases whose personal data the retention rule erased already."""
    rows = await session.exec(
        select(JournalEntry.case_id).where(JournalEntry.kind == JournalKind.CASE_ERASED)
    )
    return {case_id for case_id in rows if case_id is not None}


async def erase_case_data(session: AsyncSession, *, case: Case, now: datetime) -> bool:
    """Erase every member of ``case`` within this case only (the same person in a running case
    keeps their details there); journaled ``case.erased``. False if it was done already."""
    if row_id(case) in await erased_cases(session):
        return False
    people = list(await session.exec(select(Member).where(Member.case_id == case.id)))
    scope = Scope(people, frozenset({row_id(case)}), everywhere=False)
    cancelled = sum((await erase_people(session, scope, now)).values())
    record(
        session,
        case_id=case.id,
        at=now,
        kind=JournalKind.CASE_ERASED,
        summary=f"retention period over: personal data of {len(people)} member(s) erased",
        data={"members": len(people), "cancelled": cancelled},
    )
    await session.flush()
    return True


async def erase_unmatched_inbound(session: AsyncSession, *, before: datetime, now: datetime) -> int:
    """Erase texts that matched no case, received before ``before``, and the number they came
    from on the neutral answers sent back; journaled once (``inbound.erased``, no case)."""
    rows = await session.exec(
        select(InboundMessage).where(
            col(InboundMessage.case_id).is_(None),
            InboundMessage.received_at < before,
            InboundMessage.body != ERASED,
        )
    )
    count = 0
    for row in rows:
        row.body, row.address = ERASED, ERASED
        session.add(row)
        count += 1
    answers = await session.exec(
        select(OutboxMessage).where(
            col(OutboxMessage.case_id).is_(None),
            col(OutboxMessage.member_id).is_(None),
            col(OutboxMessage.state).in_(FINAL_STATES),
            OutboxMessage.created_at < before,
            OutboxMessage.address != ERASED,
        )
    )
    for answer in answers:
        answer.address, answer.idempotency_key = ERASED, f"erased|{answer.id}"
        session.add(answer)
    if count:
        record(
            session,
            case_id=None,
            at=now,
            kind=JournalKind.INBOUND_ERASED,
            summary=f"{count} text(s) from unknown senders received before "
            f"{before.date().isoformat()} erased",
            data={"count": count, "before": before.date().isoformat()},
        )
    await session.flush()
    return count
