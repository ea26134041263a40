"""A new case from the workspace: a coordinator uploads the plan file of the first network
meeting. The same checks as ``sigbot import``, and one more: the account must be able to see
the case it creates (be its coordinator or backup, or its team lead), so nobody files a case
into someone else's list by mistake.
"""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.clock import Clock
from sigbot.domain.access import case_for, journal_access
from sigbot.journal import UnknownCase
from sigbot.models import Account, Case
from sigbot.planfile.importer import import_plan
from sigbot.planfile.loader import PlanError, PlanProblem, parse_plan_text

SOURCE = "new case"


async def create_case_from_plan(
    session: AsyncSession, *, account: Account, text: str, clock: Clock, default_timezone: str
) -> Case:
    """Import ``text`` as a new case; raises :class:`PlanError` naming the problem.

    The caller commits on success and rolls back on an error, so a refused file writes nothing.
    """
    plan = parse_plan_text(text, source=SOURCE, default_timezone=default_timezone)
    taken = await session.exec(select(Case.id).where(Case.ref == plan.ref))
    if taken.first() is not None:
        problem = PlanProblem("case.ref", f"{plan.ref} is in use; choose another reference")
        raise PlanError(SOURCE, [problem])
    await import_plan(session=session, plan=plan, clock=clock)
    try:
        case = await case_for(session, account, plan.ref)
    except UnknownCase:
        problem = PlanProblem(
            "case.coordinator",
            f"you would not see this case: name yourself ({account.username}) as its "
            "coordinator or backup, with account: if your member key differs",
        )
        raise PlanError(SOURCE, [problem]) from None
    journal_access(
        session, case=case, account=account, what="case created", now=clock.now(), changed=True
    )
    return case
