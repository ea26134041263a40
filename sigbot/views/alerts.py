"""Open alerts: escalations nobody has acknowledged yet, of the cases an account may see.

The day page, ``/alerts``, ``GET /api/v1/alerts`` and Telegram's ``/alerts`` list the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.access import visible_case_ids
from sigbot.models import Account, Case, Escalation, Member


@dataclass(frozen=True)
class AlertRow:
    """One open escalation as a coordinator reads it.

    ``what`` is what it is about ("BUP 2026-11-26 10:00", a commitment's words), ``answer``
    what the person said ("can't come", "no answer"), ``member`` their name if the alert is
    about one person.
    """

    id: int
    case_ref: str
    level: str
    reason: str
    created_at: datetime
    what: str
    answer: str | None
    member: str | None
    member_key: str | None
    timezone: str


def _open(*where: ColumnElement[bool]) -> Any:
    return (
        select(Escalation, Case, Member)
        .join(Case, col(Case.id) == col(Escalation.case_id))
        .outerjoin(Member, col(Member.id) == col(Escalation.member_id))
        .where(col(Escalation.acknowledged_at).is_(None), *where)
        .order_by(col(Escalation.created_at).desc(), col(Escalation.id).desc())
    )


def _row(escalation: Escalation, case: Case, member: Member | None) -> AlertRow:
    assert escalation.id is not None
    detail = escalation.detail or {}
    who = member.name if member is not None else detail.get("who")
    return AlertRow(
        id=escalation.id,
        case_ref=case.ref,
        level=escalation.level,
        reason=escalation.reason,
        created_at=escalation.created_at,
        what=str(detail.get("what") or ""),
        answer=detail.get("answer"),
        member=who,
        member_key=member.key if member is not None else None,
        timezone=case.timezone,
    )


async def open_alerts(session: AsyncSession, account: Account) -> list[AlertRow]:
    """Every open alert of every case the account may see, newest first."""
    query = _open(col(Escalation.case_id).in_(visible_case_ids(account)))
    return [_row(*found) for found in await session.exec(query)]


async def open_alert_for(session: AsyncSession, account: Account, id: int) -> AlertRow | None:
    """The open alert ``id`` if the account may see its case; None otherwise (a 404, whether
    it does not exist, is acknowledged already or belongs to another coordinator's case)."""
    query = _open(col(Escalation.id) == id, col(Escalation.case_id).in_(visible_case_ids(account)))
    found = (await session.exec(query)).first()
    return _row(*found) if found is not None else None


async def case_alerts(session: AsyncSession, case_id: int) -> list[AlertRow]:
    """The open alerts of one case (already shown to be visible by the caller), newest first."""
    return [_row(*found) for found in await session.exec(_open(col(Escalation.case_id) == case_id))]
