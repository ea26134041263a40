"""Who sees which case (docs/workspace.md, "Who sees what").

A coordinator sees the cases where they are coordinator or backup; a team lead every case
whose coordinator or backup is in their team, and any case that names them as its team lead;
an admin manages accounts and sees no case. A case the account may not see is reported as
unknown (404), exactly as one that does not exist, so nothing leaks about other cases.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, or_
from sqlalchemy.sql import CompoundSelect, Select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.journal import UnknownCase, record
from sigbot.models import Account, AccountRole, Case, JournalKind, Member, Role
from sigbot.models.enums import STAFF_ROLES

# The username a staff member logs in with: ``account:`` in the plan file, else the key.
MEMBER_ACCOUNT = func.coalesce(Member.account, Member.key)


def _holds_case(usernames: Any) -> Select[Any]:
    """Cases where an active staff member linked to one of ``usernames`` is coordinator,
    backup or team lead."""
    query: Select[Any] = (
        select(Member.case_id)
        .join(Case, col(Case.id) == Member.case_id)
        .where(
            col(Member.active),
            col(Member.role).in_(STAFF_ROLES),
            MEMBER_ACCOUNT.in_(usernames),
            or_(
                col(Member.key) == col(Case.coordinator_key),
                col(Member.key) == col(Case.backup_key),
                col(Member.role) == Role.TEAM_LEAD,
            ),
        )
    )
    return query


def visible_case_ids(account: Account) -> Select[Any] | CompoundSelect[Any]:
    """A subquery of the ids of every case ``account`` may see (none for an admin)."""
    if not account.active or account.role == AccountRole.ADMIN:
        return select(Case.id).where(col(Case.id).is_(None))
    own = _holds_case([account.username])
    if account.role != AccountRole.TEAM_LEAD or not account.team:
        return own
    team = select(Account.username).where(Account.team == account.team)
    return own.union(_holds_case(team))


async def visible_cases(session: AsyncSession, account: Account) -> list[Case]:
    """Every case the account may see, by reference."""
    query = select(Case).where(col(Case.id).in_(visible_case_ids(account))).order_by(col(Case.ref))
    return list(await session.exec(query))


async def case_for(session: AsyncSession, account: Account, ref: str) -> Case:
    """The case ``ref`` if the account may see it; raises :class:`UnknownCase` otherwise."""
    query = select(Case).where(Case.ref == ref, col(Case.id).in_(visible_case_ids(account)))
    case = (await session.exec(query)).first()
    if case is None:
        raise UnknownCase(ref)
    return case


async def member_for(session: AsyncSession, case: Case, account: Account) -> Member | None:
    """The account's active staff member in ``case`` (None for a team lead seeing it by team)."""
    query = select(Member).where(
        Member.case_id == case.id,
        col(Member.active),
        col(Member.role).in_(STAFF_ROLES),
        account.username == MEMBER_ACCOUNT,
    )
    return (await session.exec(query)).first()


def journal_access(
    session: AsyncSession,
    *,
    case: Case,
    account: Account,
    what: str,
    now: datetime,
    changed: bool = False,
    data: dict[str, Any] | None = None,
) -> None:
    """Write who read or changed the case, and how, into its journal (the caller commits)."""
    verb = "changed" if changed else "read"
    record(
        session,
        case_id=case.id,
        at=now,
        kind=JournalKind.ACCOUNT_CHANGED if changed else JournalKind.ACCOUNT_READ,
        summary=f"{account.name} ({account.username}) {verb}: {what}",
        data={"account": account.username, "what": what, "name": account.name, **(data or {})},
    )
