"""An account acknowledges an alert from the workspace (the alerts page, the day page, the API).

The acknowledgement itself is :func:`sigbot.domain.escalations.acknowledge`, the same
compare-and-set and journal line as a Telegram button or an SMS ``1``; this finds the staff
member the account is in the case and adds who did it and their note (``account.changed``).
A team lead sees the cases of their team without being a member of each (docs/workspace.md,
"Who sees what"); they acknowledge as a stand-in team-lead member keyed by their username, so
the escalation row and the journal name them as they log in.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain import escalations
from sigbot.domain.access import case_for, journal_access, member_for
from sigbot.domain.cases import RuleBroken
from sigbot.domain.consent import is_case_staff
from sigbot.journal import UnknownCase
from sigbot.models import Account, Case, Escalation, EscalationAction, Member, Role

NOTE_LIMIT = 1000
VIA = "workspace"


class UnknownAlert(UnknownCase):
    """An alert id that does not exist or whose case the account may not see: not found."""


async def visible_escalation(
    session: AsyncSession, account: Account, escalation_id: int
) -> tuple[Escalation, Case]:
    """The escalation and its case if the account may see the case, open or acknowledged;
    raises :class:`UnknownAlert` otherwise, so a stranger's id reads as one that never was."""
    escalation = await session.get(Escalation, escalation_id)
    case = await session.get(Case, escalation.case_id) if escalation is not None else None
    if escalation is None or case is None:
        raise UnknownAlert(str(escalation_id))
    try:
        return escalation, await case_for(session, account, case.ref)
    except UnknownCase:
        raise UnknownAlert(str(escalation_id)) from None


def check_note(note: str | None) -> str | None:
    """The note trimmed (empty is None); refused when longer than :data:`NOTE_LIMIT`."""
    text = (note or "").strip()
    if len(text) > NOTE_LIMIT:
        raise RuleBroken(f"note: at most {NOTE_LIMIT} characters")
    return text or None


async def _acting_member(session: AsyncSession, case: Case, account: Account) -> Member:
    """Who the account is in the case: its own staff member, or for a team lead who sees the
    case through their team, a stand-in team-lead member that is never stored."""
    member = await member_for(session, case, account)
    if member is not None and is_case_staff(case, member):
        return member
    assert case.id is not None
    return Member(
        case_id=case.id,
        key=account.username,
        account=account.username,
        role=Role.TEAM_LEAD,
        name=account.name,
        active=True,
    )


async def acknowledge_as(
    session: AsyncSession,
    *,
    account: Account,
    escalation_id: int,
    note: str | None,
    now: datetime,
    action: str = EscalationAction.ACK,
    via: str = VIA,
) -> Escalation:
    """Acknowledge an alert of a case the account may see; the caller commits.

    An alert acknowledged already (by anyone, any way) comes back unchanged and writes
    nothing, so a form sent twice records one acknowledgement.

    Raises:
        UnknownAlert: no such alert, or its case is not the account's to see (404).
        RuleBroken: the note is too long.
    """
    escalation, case = await visible_escalation(session, account, escalation_id)
    text = check_note(note)
    if escalation.acknowledged_at is not None:
        return escalation
    by = await _acting_member(session, case, account)
    done = await escalations.acknowledge(
        session,
        escalation_id=escalation_id,
        by=by,
        action=action,
        now=now,
        via=via,
    )
    if done is None:  # not theirs to answer after all: as unseen
        raise UnknownAlert(str(escalation_id))
    if (done.acknowledged_by, done.acknowledged_at) != (by.key, now):
        return done  # someone else's press won the race a moment ago
    what = f"acknowledged alert {escalation_id} ({done.detail.get('what') or done.reason})"
    journal_access(
        session,
        case=case,
        account=account,
        what=f"{what}; note: {text}" if text else what,
        now=now,
        changed=True,
        data={"escalation_id": escalation_id, "note": text},
    )
    return done


async def acknowledge_from_account_chat(
    session: AsyncSession, *, escalation_id: int, chat_id: int, action: str, now: datetime
) -> Escalation | None:
    """A staff account's Telegram button (``/alerts``) when its chat is not the case member's
    chat, e.g. a team lead who sees the case through their team; None if the chat is no active
    account's or the alert is not one it may see."""
    query = select(Account).where(Account.telegram_chat_id == chat_id, col(Account.active))
    account = (await session.exec(query)).first()
    if account is None:
        return None
    try:
        return await acknowledge_as(
            session,
            account=account,
            escalation_id=escalation_id,
            note=None,
            now=now,
            action=action,
            via="telegram",
        )
    except UnknownCase:
        return None
