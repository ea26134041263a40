"""A small case built through the domain operations themselves, and the journal as a user reads
it (``sigbot journal``): kind, member and summary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.cases import CaseSettings, create_case
from sigbot.domain.members import MemberDetails, add_member
from sigbot.journal import read_journal
from sigbot.models import Case, Member

REF = "ST-2026-100"
PEOPLE = {
    "noah": MemberDetails("youth", "Noah", phone="+46701234567", channel="sms"),
    "leila": MemberDetails("guardian", "Leila", language="en", phone="+46701234568"),
    "maja": MemberDetails("coordinator", "Maja", telegram_chat_id=2001),
    "jonas": MemberDetails("coordinator", "Jonas", telegram_chat_id=2002),
    "erik": MemberDetails("police", "Erik", organisation="LPO Järva", phone="+46701234569"),
}


@dataclass
class Seeded:
    case: Case
    people: dict[str, Member]


async def seed(session: AsyncSession, now: datetime, *, status: str = "active") -> Seeded:
    """Case ST-2026-100 coordinated by Maja, with Noah, Leila, Jonas and Erik."""
    case = await create_case(
        session,
        ref=REF,
        coordinator_key="maja",
        status=status,
        settings=CaseSettings(timezone="Europe/Stockholm"),
        now=now,
    )
    people = {
        key: await add_member(session, case=case, key=key, details=details, now=now)
        for key, details in PEOPLE.items()
    }
    return Seeded(case, people)


async def journal(session: AsyncSession, *, since: int = 0) -> list[tuple[str, str | None, str]]:
    """The case's journal from entry ``since`` on, as (kind, member, summary)."""
    lines = await read_journal(session, REF)
    return [(line.kind, line.member, line.summary) for line in lines[since:]]


SEEDED_ENTRIES = 1 + len(PEOPLE)  # case.created and one member.added each
