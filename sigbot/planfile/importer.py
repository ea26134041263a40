"""Write a resolved plan into the database: create the case, or update it in place.

The importer is one client of the domain operations (``sigbot.domain``), like a form or a
Telegram command: it compares the plan with the database and asks the operations for each
difference, so the validation and journal entries are the same whoever changes a case.
Re-importing the same file is a no-op (the file's digest is kept on the case). Entries missing
from the file are not deleted: future meetings and appointments are cancelled, consents
withdrawn, members made inactive, so the journal keeps its references (docs/plan-file.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.clock import Clock
from sigbot.domain import cases, members
from sigbot.journal import record
from sigbot.models import Case, CaseStatus, JournalKind, Member
from sigbot.planfile.resolved import PlanError, PlanProblem, ResolvedPlan
from sigbot.planfile.sync import (
    ImportRun,
    sync_appointments,
    sync_consents,
    sync_meetings,
    sync_plan_version,
)
from sigbot.planfile.warnings import account_warnings


@dataclass
class ImportReport:
    """What an import did, for the CLI to print."""

    ref: str
    created: bool = False
    unchanged: bool = False
    changes: list[str] = field(default_factory=list)
    plan_version: int | None = None
    # What works but will not reach someone: staff who cannot log in (planfile/warnings.py).
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line: "ST-2026-014: created, action plan version 1", "...: unchanged"."""
        if self.unchanged:
            return f"{self.ref}: unchanged"
        if self.created:
            version = f", action plan version {self.plan_version}" if self.plan_version else ""
            return f"{self.ref}: created{version}"
        return f"{self.ref}: updated: " + "; ".join(self.changes)


async def import_plan(*, session: AsyncSession, plan: ResolvedPlan, clock: Clock) -> ImportReport:
    """Create or update the case described by ``plan`` in the caller's transaction.

    Raises :class:`PlanError` when the database refuses a change the file alone could not show
    to be wrong (the caller rolls back: nothing is written).
    """
    report = ImportReport(ref=plan.ref, warnings=await account_warnings(session, plan))
    case = (await session.exec(select(Case).where(Case.ref == plan.ref))).first()
    if case is not None and case.plan_digest == plan.digest:
        report.unchanged = True
        return report
    try:
        await _import(session, plan, case, clock.now(), report)
    except cases.RuleBroken as exc:
        raise PlanError(plan.ref, [PlanProblem("", str(exc))]) from None
    return report


async def _import(
    session: AsyncSession,
    plan: ResolvedPlan,
    case: Case | None,
    now: datetime,
    report: ImportReport,
) -> None:
    settings = cases.CaseSettings(
        plan.timezone, plan.quiet_hours, plan.no_reply_after, plan.ack_within
    )
    mark = 0  # where the hand-over's changes go in the report: after the status, before settings
    if case is None:
        case = await cases.create_case(
            session,
            ref=plan.ref,
            coordinator_key=plan.coordinator,
            backup_key=plan.backup,
            status=plan.status,
            settings=settings,
            reason=plan.status_reason,
            paused_until=plan.paused_until,
            outcome=plan.outcome,
            now=now,
        )
        report.created = True
        work = ImportRun(session, plan, case, now)
    else:
        work = ImportRun(session, plan, case, now)
        settings_changes = await cases.change_settings(
            session, case=case, settings=settings, now=now
        )
        work.changes += await _sync_status(work)
        mark = len(work.changes)
        work.changes += settings_changes
    people = await _sync_members(work)
    handed = await cases.hand_over(
        session, case=case, now=now, coordinator_key=plan.coordinator, backup_key=plan.backup
    )
    if not report.created:
        work.changes[mark:mark] = handed
    await _remove_members(work, people)
    await sync_consents(work)
    await sync_meetings(work, people)
    await sync_appointments(work, people)
    report.plan_version = await sync_plan_version(work, people)
    case.plan_digest = plan.digest
    case.updated_at = now
    session.add(case)
    if not report.created:
        report.changes = work.changes
        record(
            session,
            case_id=cases.row_id(case),
            at=now,
            kind=JournalKind.PLAN_IMPORTED,
            summary="plan file re-imported: " + ("; ".join(work.changes) or "no visible change"),
            data={"changes": list(work.changes), "tz": case.timezone},
        )
    await session.flush()


async def _sync_status(work: ImportRun) -> list[str]:
    case, plan = work.case, work.plan
    if plan.status == CaseStatus.CLOSED and case.status == CaseStatus.RESTING:
        return []  # closing moved the case to the resting list; the file still says closed
    if case.status == plan.status:
        if plan.paused_until is not None and await cases.set_pause_end(
            work.session, case=case, until=plan.paused_until, now=work.now
        ):
            return ["pause end changed"]
        return []
    previous = case.status
    await cases.change_status(
        work.session,
        case=case,
        status=plan.status,
        now=work.now,
        reason=plan.status_reason,
        planned_end=plan.paused_until,
        outcome=plan.outcome,
    )
    planned_end = case.paused_until if plan.status == CaseStatus.PAUSED else None
    summary = cases.status_summary(
        previous,
        plan.status,
        reason=plan.status_reason,
        planned_end=planned_end,
        tz_name=case.timezone,
    )
    return [summary]


async def _sync_members(work: ImportRun) -> dict[str, Member]:
    """Add and update the file's people; returns everyone in the case by key."""
    people = await members.case_members(work.session, case=work.case)
    for rm in work.plan.members:
        details = members.MemberDetails(
            role=rm.role,
            name=rm.name,
            language=rm.language,
            phone=rm.phone,
            telegram_chat_id=rm.telegram_chat_id,
            channel=rm.channel,
            organisation=rm.organisation,
            account=rm.account,
        )
        member = people.get(rm.key)
        if member is None:
            people[rm.key] = await members.add_member(
                work.session, case=work.case, key=rm.key, details=details, now=work.now
            )
            work.changes.append(f"member {rm.key} added")
            continue
        if rm.telegram_chat_id is None:
            # A chat linked through an invitation link is kept when the file names none.
            details = replace(
                details,
                telegram_chat_id=member.telegram_chat_id,
                channel=member.channel if rm.channel is None else rm.channel,
            )
        if await members.update_member(
            work.session, member=member, details=details, now=work.now, rejoin=True
        ):
            work.changes.append(f"member {rm.key} updated")
    return people


async def _remove_members(work: ImportRun, people: dict[str, Member]) -> None:
    named = {rm.key for rm in work.plan.members}
    for key, member in people.items():
        if key not in named and await members.remove_member(
            work.session, case=work.case, member=member, now=work.now
        ):
            work.changes.append(f"member {key} removed")
