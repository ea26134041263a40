"""What an account does to a case's course (a workspace form): pause, resume, close, hand over
to another coordinator, make a Telegram invitation link for a member.

Each checks what a person typed (a refusal names its field: ``until``, ``backup``), then calls
the domain operation every other client uses (``cases``, ``invites``), and writes who did it
(``account.changed``). The planner does the rest: a paused case's reminders wait, a closed
case's are cancelled, a new coordinator gets the open alerts and the family is told.
"""

from __future__ import annotations

import datetime as dt
from typing import get_args

from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain import cases
from sigbot.domain.event_actions import FieldProblems
from sigbot.domain.invites import UnknownMember, create_invite
from sigbot.domain.plan_actions import active_members, changed_by, checked_text
from sigbot.journal import UnknownCase
from sigbot.models import Account, Case, Member
from sigbot.models.enums import STAFF_ROLES
from sigbot.planfile.resolved import PlanProblem
from sigbot.planfile.schema import CaseSection
from sigbot.planfile.values import day_start
from sigbot.timeutil import zone

# The outcomes a plan file may give a closed case (``case.outcome``), in its order.
OUTCOMES: tuple[str, ...] = get_args(get_args(CaseSection.model_fields["outcome"].annotation)[0])
REASON_LIMIT = 200


class UnknownMemberKey(UnknownCase):
    """No active member with that key in the case: not found, as an unseen case."""


def _reason(value: str | None, problems: list[PlanProblem], *, needed: bool) -> str | None:
    text = (value or "").strip()
    if needed or text:
        checked_text(text, "reason", problems, REASON_LIMIT)
    return text or None


async def pause_case(
    session: AsyncSession,
    *,
    account: Account,
    case: Case,
    until: str,
    reason: str,
    now: dt.datetime,
) -> None:
    """Hold reminders and check-ins until the local day ``until`` (``2027-01-15``) begins."""
    problems: list[PlanProblem] = []
    tz = zone(case.timezone)
    end = None
    try:
        end = day_start(dt.date.fromisoformat(until.strip()), tz)
    except ValueError:
        problems.append(PlanProblem("until", "a date like 2027-01-15 is needed"))
    if end is not None and end <= now:
        problems.append(PlanProblem("until", "must be after today"))
    why = _reason(reason, problems, needed=True)
    if problems:
        raise FieldProblems(problems)
    await cases.pause(session, case=case, now=now, until=end, reason=why)
    changed_by(session, account, case, f"paused until {until.strip()}", now)


async def resume_case(
    session: AsyncSession, *, account: Account, case: Case, now: dt.datetime, reason: str = ""
) -> None:
    """Make the case active again: reminders and check-ins go on."""
    problems: list[PlanProblem] = []
    why = _reason(reason, problems, needed=False)
    if problems:
        raise FieldProblems(problems)
    await cases.resume(session, case=case, now=now, reason=why)
    changed_by(session, account, case, "resumed", now)


async def close_case(
    session: AsyncSession,
    *,
    account: Account,
    case: Case,
    now: dt.datetime,
    outcome: str = "",
    reason: str = "",
) -> None:
    """Close the case with an outcome (one of :data:`OUTCOMES`, or none given)."""
    problems: list[PlanProblem] = []
    if outcome and outcome not in OUTCOMES:
        problems.append(PlanProblem("outcome", "choose an outcome"))
    why = _reason(reason, problems, needed=False)
    if problems:
        raise FieldProblems(problems)
    await cases.close(session, case=case, now=now, outcome=outcome or None, reason=why)
    changed_by(session, account, case, f"closed ({outcome or 'no outcome given'})", now)


async def hand_over_case(
    session: AsyncSession,
    *,
    account: Account,
    case: Case,
    coordinator: str,
    backup: str | None,
    now: dt.datetime,
) -> list[str]:
    """Another coordinator and/or backup, both staff of the case; the planner moves the open
    alerts to them and tells the family who their contact is now. No ``backup`` (or "")
    leaves the case without one."""
    backup = backup or None
    staff = {k for k, m in (await active_members(session, case)).items() if m.role in STAFF_ROLES}
    problems: list[PlanProblem] = []
    if coordinator not in staff:
        problems.append(PlanProblem("coordinator", "choose a coordinator of this case"))
    if backup is not None and backup not in staff:
        problems.append(PlanProblem("backup", "choose a coordinator of this case"))
    elif backup is not None and backup == coordinator:
        problems.append(PlanProblem("backup", "the backup must be another coordinator"))
    if problems:
        raise FieldProblems(problems)
    changed = await cases.hand_over(
        session, case=case, now=now, coordinator_key=coordinator, backup_key=backup
    )
    if not changed:
        raise FieldProblems([PlanProblem("coordinator", "they coordinate the case already")])
    changed_by(session, account, case, f"handed over to {coordinator}, backup {backup or '-'}", now)
    return changed


async def make_invite(
    session: AsyncSession, *, account: Account, case: Case, member_key: str, now: dt.datetime
) -> tuple[Member, str]:
    """A fresh one-time Telegram code for the member (older unused ones stop working)."""
    try:
        member, code = await create_invite(session, ref=case.ref, member_key=member_key, now=now)
    except UnknownMember:
        raise UnknownMemberKey(member_key) from None
    changed_by(session, account, case, f"invitation link made for {member.key}", now)
    return member, code
