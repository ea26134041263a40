"""Erasure on request (``sigbot erase REF --member KEY``): one person, in every case that has
their number or chat, with one ``member.erased`` line in each case's journal that names nothing
erased (docs/privacy.md, "Erasure")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.rights.engine import Scope, erase_people
from sigbot.domain.rights.people import find_member, same_person
from sigbot.domain.rights.scrub import ERASED
from sigbot.journal import find_case, record
from sigbot.models import JournalKind, Member


@dataclass(frozen=True)
class ErasureReport:
    """What an erasure did: in how many cases, how many queued messages it cancelled."""

    ref: str
    key: str
    cases: int
    cancelled: int
    already: bool = False

    def summary(self) -> str:
        """One line for the operator (no name, no number)."""
        if self.already:
            return f"{self.ref}: {self.key} was erased already; nothing to do"
        return (
            f"{self.ref}: {self.key} erased in {self.cases} case(s); "
            f"{self.cancelled} queued message(s) cancelled"
        )


async def person(session: AsyncSession, *, ref: str, key: str) -> list[Member]:
    """Member ``key`` of case ``ref`` first, then the same person's rows in other cases.
    Raises ``UnknownCase`` or ``UnknownMember``."""
    case = await find_case(session, ref)
    member = await find_member(session, case, key)
    return await same_person(session, member)


def erased(member: Member) -> bool:
    """Whether nothing is left to erase of this member row."""
    return (
        member.name == ERASED
        and member.phone is None
        and member.telegram_chat_id is None
        and not member.active
    )


async def erase_member(
    session: AsyncSession, *, ref: str, key: str, now: datetime
) -> ErasureReport:
    """Erase member ``key`` of case ``ref`` everywhere (the caller commits). A second erasure
    finds nothing left and writes nothing."""
    people = await person(session, ref=ref, key=key)
    if all(erased(p) for p in people):
        return ErasureReport(ref, key, cases=0, cancelled=0, already=True)
    scope = Scope(people, frozenset(p.case_id for p in people), everywhere=True)
    cancelled = await erase_people(session, scope, now)
    total = sum(cancelled.values())
    for member in people:
        count = cancelled.pop(member.case_id, 0)
        record(
            session,
            case_id=member.case_id,
            at=now,
            kind=JournalKind.MEMBER_ERASED,
            member_key=member.key,
            summary=f"{ERASED}: personal data erased on request; "
            f"{count} queued message(s) cancelled",
            data={"cancelled": count},
        )
    await session.flush()
    return ErasureReport(ref, key, cases=len(scope.case_ids), cancelled=total)
