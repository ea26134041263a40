"""Who may receive what about a case: the consent gate every message passes, twice.

The young person and the case's coordinators always receive what concerns them; anyone else only
while a consent that has not expired or been withdrawn names them for the message's topic
(shared/CONTRACT.md). The gate is checked when a message is queued and again just before it is
sent, so a withdrawal stops messages already waiting.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.models import Case, Consent, Member, Role


def always_informed(case: Case, member: Member) -> bool:
    """The young person and the case's own coordinators need no consent to hear about it."""
    if member.role == Role.YOUTH:
        return True
    return member.role == Role.COORDINATOR and member.key in (case.coordinator_key, case.backup_key)


def may_receive(
    case: Case, member: Member, topic: str, consents: Sequence[Consent], at: datetime
) -> bool:
    """True if ``member`` may receive a message about ``topic`` in ``case`` at ``at``."""
    if not member.active:
        return False
    if always_informed(case, member):
        return True
    return any(c.covers(member.key, topic, at) for c in consents)


async def load_consents(session: AsyncSession, case_id: int) -> list[Consent]:
    return list(await session.exec(select(Consent).where(Consent.case_id == case_id)))


async def may_receive_now(
    session: AsyncSession, case: Case, member: Member, topic: str, at: datetime
) -> bool:
    """:func:`may_receive` with the case's consents read from the database."""
    assert case.id is not None
    return may_receive(case, member, topic, await load_consents(session, case.id), at)
