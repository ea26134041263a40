"""What an account does to a case's plan (a workspace form, the API): a whole plan file, the
network meeting's new plan version, one more commitment. The case's course (pause, resume,
close, hand over, invite links) is in ``status_actions``.

Each checks what a person typed (a refusal names its field: ``commitments[2].due``), then calls
the domain operation every other client uses (``plans``, the plan-file importer), and writes
who did it (``account.changed``). A plan file goes through exactly the checks of
``sigbot import --check``. Nothing is sent from here: the planner tells the people concerned
(their commitments in plain words), as after a plan-file import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.clock import Clock
from sigbot.domain import plans
from sigbot.domain.access import journal_access
from sigbot.domain.event_actions import FieldProblems
from sigbot.models import Account, ActionPlan, Area, Case, Commitment, Member
from sigbot.planfile.importer import import_plan
from sigbot.planfile.loader import PlanError, PlanProblem, parse_plan_text
from sigbot.planfile.values import parse_local
from sigbot.planfile.warnings import reachability_warnings
from sigbot.timeutil import zone
from sigbot.timing import parse_check_in

TEXT_LIMIT = 500  # a commitment's words, as in a plan file


@dataclass(frozen=True)
class PlanImported:
    """What a plan file did (``changes`` empty and ``unchanged`` when it was the same file), and
    the people it counts on whom sigbot cannot reach (``sigbot import`` prints these too)."""

    ref: str
    unchanged: bool
    changes: list[str] = field(default_factory=list)
    plan_version: int | None = None
    warnings: list[str] = field(default_factory=list)
    checked_only: bool = False


@dataclass(frozen=True)
class CommitmentInput:
    """One promise as a person typed it: member key, area, words, local due time, check-in;
    ``key`` is the commitment's in the current plan when the row was filled from it."""

    owner: str
    area: str
    text: str
    due: str | None = None
    check_in: str | None = None
    key: str | None = None


def changed_by(
    session: AsyncSession, account: Account, case: Case, what: str, now: dt.datetime
) -> None:
    """Journal that ``account`` changed the case (``what``: the change in a few words)."""
    journal_access(session, case=case, account=account, what=what, now=now, changed=True)


async def import_plan_file(
    session: AsyncSession,
    *,
    account: Account,
    case: Case,
    text: str,
    clock: Clock,
    check_only: bool = False,
) -> PlanImported:
    """Check ``text`` as ``sigbot import --check`` does, then (unless ``check_only``) import it.

    A time without an offset is the case's local time, unless the file names another zone.
    Raises :class:`PlanError` naming every problem, or a file for another case (``case.ref``);
    the caller rolls back, so a refused file writes nothing.
    """
    plan = parse_plan_text(text, source=case.ref, default_timezone=case.timezone)
    if plan.ref != case.ref:
        problem = PlanProblem("case.ref", f"the file is for case {plan.ref}, not {case.ref}")
        raise PlanError(case.ref, [problem])
    warnings = reachability_warnings(plan)
    now = clock.now()
    if check_only:
        journal_access(session, case=case, account=account, what="plan file checked", now=now)
        return PlanImported(case.ref, unchanged=True, warnings=warnings, checked_only=True)
    report = await import_plan(session=session, plan=plan, clock=clock)
    if report.unchanged:
        what = "plan file uploaded, the same as the last one"
        journal_access(session, case=case, account=account, what=what, now=now)
    else:
        changed_by(session, account, case, "plan file imported", now)
    return PlanImported(
        case.ref, report.unchanged, list(report.changes), report.plan_version, warnings
    )


async def active_members(session: AsyncSession, case: Case) -> dict[str, Member]:
    """The case's active members by key: whom a form may name."""
    query = select(Member).where(Member.case_id == case.id, col(Member.active))
    return {m.key: m for m in await session.exec(query)}


def checked_text(value: str | None, where: str, problems: list[PlanProblem], limit: int) -> str:
    """``value`` trimmed; empty or longer than ``limit`` is a problem at ``where``."""
    text = (value or "").strip()
    if not text:
        problems.append(PlanProblem(where, "must not be empty"))
    elif len(text) > limit:
        problems.append(PlanProblem(where, f"at most {limit} characters"))
    return text


def _draft(
    row: CommitmentInput,
    prefix: str,
    people: dict[str, Member],
    case: Case,
    now: dt.datetime,
    problems: list[PlanProblem],
) -> plans.CommitmentDraft | None:
    """The row as the domain takes it, or None with its problems (``prefix`` + field)."""
    found = len(problems)
    owner = people.get(row.owner)
    if owner is None:
        problems.append(PlanProblem(f"{prefix}owner", "choose a member of this case"))
    if row.area not in tuple(Area):
        problems.append(PlanProblem(f"{prefix}area", "choose an area"))
    text = checked_text(row.text, f"{prefix}text", problems, TEXT_LIMIT)
    due, due_text, rule_text = None, (row.due or "").strip(), (row.check_in or "").strip()
    if due_text:
        due = parse_local(due_text, zone(case.timezone), f"{prefix}due", problems)
        if due is not None and due <= now:
            problems.append(PlanProblem(f"{prefix}due", "must be in the future"))
    check_in = None
    if rule_text:
        try:
            check_in = parse_check_in(rule_text)
        except ValueError as exc:
            reason = str(exc).removeprefix("check_in: ")
            problems.append(PlanProblem(f"{prefix}check_in", reason))
    if len(problems) > found or owner is None:
        return None
    return plans.CommitmentDraft(row.key or "", owner, row.area, text, due, check_in)


async def add_commitment(
    session: AsyncSession,
    *,
    account: Account,
    case: Case,
    owner: str,
    area: str,
    text: str,
    now: dt.datetime,
    due: str | None = None,
    check_in: str | None = None,
) -> tuple[ActionPlan, Commitment]:
    """One more promise in the current plan: a new version that keeps the open ones."""
    problems: list[PlanProblem] = []
    row = CommitmentInput(owner, area, text, due, check_in)
    draft = _draft(row, "", await active_members(session, case), case, now, problems)
    if draft is None:
        raise FieldProblems(problems)
    plan, added = await plans.add_commitment(
        session,
        case=case,
        owner=draft.owner,
        area=draft.area,
        text=draft.text,
        due_at=draft.due_at,
        check_in=draft.check_in,
        now=now,
    )
    changed_by(session, account, case, f"commitment {added.key} added (plan v{plan.version})", now)
    return plan, added


async def _kept_keys(session: AsyncSession, case: Case) -> dict[str, int]:
    """The current plan's commitment keys and their owners: a row filled from one keeps its
    key (and so its check-in history) while its owner stays the same."""
    current = await plans.current_plan(session, case=case)
    if current is None:
        return {}
    return {c.key: c.owner_member_id for c in await plans.plan_commitments(session, plan=current)}


def _keyed(
    drafts: list[plans.CommitmentDraft], kept: dict[str, int]
) -> list[plans.CommitmentDraft]:
    """Keys as a plan file gives them: kept where the row came from the plan, else
    ``owner-area-N``, the first number free in this version."""
    taken = {d.key for d in drafts if kept.get(d.key) == d.owner.id}
    out: list[plans.CommitmentDraft] = []
    for d in drafts:
        key = d.key
        if kept.get(key) != d.owner.id or any(o.key == key for o in out):
            number = 1
            while (key := f"{d.owner.key}-{d.area}-{number}") in taken:
                number += 1
            taken.add(key)
        out.append(plans.CommitmentDraft(key, d.owner, d.area, d.text, d.due_at, d.check_in))
    return out


async def record_plan_version(
    session: AsyncSession,
    *,
    account: Account,
    case: Case,
    rows: Sequence[CommitmentInput],
    now: dt.datetime,
) -> ActionPlan:
    """The network meeting's plan: ``rows`` replace the current plan as its next version."""
    problems: list[PlanProblem] = []
    if not rows:
        problems.append(PlanProblem("commitments", "write at least one commitment"))
    people = await active_members(session, case)
    drafts = [
        _draft(row, f"commitments[{i}].", people, case, now, problems) for i, row in enumerate(rows)
    ]
    if problems:
        raise FieldProblems(problems)
    keyed = _keyed([d for d in drafts if d is not None], await _kept_keys(session, case))
    plan = await plans.record_plan_version(session, case=case, commitments=keyed, now=now)
    what = f"action plan version {plan.version} recorded ({len(keyed)} commitments)"
    changed_by(session, account, case, what, now)
    return plan
