"""The planner: the rules in order for each case whose time has come or that changed, then the
ladder and the morning overview.

Each pass is idempotent: every message it plans has a key derived from what it is about and when
(a moved appointment gets new keys, so its old reminders are cancelled and new ones planned), so
running it twice, or in two processes, or after a crash, never queues anything twice. Future
reminders are rows, not in-memory jobs: memory does not grow with their number and a restart
loses nothing. See docs/architecture.md for the path of a reminder through these files.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

import structlog

from sigbot.clock import Clock
from sigbot.db import Database
from sigbot.domain.escalations import TeamLead
from sigbot.models import CaseStatus
from sigbot.outbox.messenger import Messenger
from sigbot.planning_marks import PLANNER_SESSION, PLANNER_WROTE
from sigbot.scheduler import leases
from sigbot.scheduler.apply import Applier, TickStats
from sigbot.scheduler.decisions import Decision
from sigbot.scheduler.next_look import next_look
from sigbot.scheduler.rules import (
    check_ins,
    commitments_due,
    consent_watch,
    event_reminders,
    ladder,
    life_cycle,
    meeting_cadence,
    misses,
    onboarding,
    overview,
    reachability,
)
from sigbot.scheduler.state import CaseState, PlanningPolicy, load_state

__all__ = ["Planner", "PlanningPolicy", "TickStats"]

log = structlog.get_logger(__name__)

Rule = Callable[[CaseState, datetime], list[Decision]]
# What a running case is planned for, in this order: later rules see what earlier ones did.
RUNNING_RULES: tuple[Rule, ...] = (
    onboarding.welcome,
    event_reminders.appointments,
    event_reminders.meetings,
    onboarding.plan_notices,
    check_ins.plan,
    commitments_due.plan,
    misses.plan,
    meeting_cadence.plan,
    reachability.plan,
)


class Planner:
    """Plans reminders, check-ins, invitations and notices; detects misses; climbs escalations."""

    def __init__(
        self,
        *,
        db: Database,
        messenger: Messenger,
        clock: Clock,
        team_lead: TeamLead | None = None,
        policy: PlanningPolicy | None = None,
        daily_overview: bool = True,
        sweep: bool = False,
    ) -> None:
        self.db = db
        self.messenger = messenger
        self.clock = clock
        self.team_lead = team_lead or TeamLead(None)
        self.policy = policy or PlanningPolicy()
        self.daily_overview = daily_overview
        # Every running case on every tick, as before planning by change (the proof compares).
        self.sweep = sweep

    async def tick(self) -> TickStats:
        """:meth:`plan`, then the morning overviews (tests, the demo: one call does all)."""
        stats = await self.plan()
        if self.daily_overview:
            await self.morning_overview()
        return stats

    async def plan(self) -> TickStats:
        """Plan the cases whose time has come or that changed (every running case when
        ``sweep``), then climb the escalation ladder."""
        now = self.clock.now()
        stats = TickStats()
        for case_id in await self._cases_to_plan(now):
            try:
                await self._plan_one(case_id, now, stats)
            except Exception:
                # One broken case must not stop the follow-up of all the others.
                log.exception("planning failed for a case", case_id=case_id)
                stats.failed_cases += 1
        await self._across_cases("escalation ladder", self._climb(now, stats))
        return stats

    async def morning_overview(self) -> None:
        """Queue the overviews of the coordinators whose 08:00 has come (once a day each)."""
        await self._across_cases("morning overview", self._overview(self.clock.now()))

    async def _cases_to_plan(self, now: datetime) -> list[int]:
        async with self.db.session() as session:
            return list(await session.exec(leases.candidates(now, sweep=self.sweep)))

    async def _plan_one(self, case_id: int, now: datetime, stats: TickStats) -> None:
        """Plan one case under its lease, in one transaction: the rules, then its next look."""
        async with self.db.session() as session:
            session.info[PLANNER_SESSION] = True
            case = (await session.exec(leases.take(case_id, now, sweep=self.sweep))).first()
            if case is None:
                return  # another process holds it, or planned it since the list was read
            marks = list(await session.exec(leases.marks_of(case_id)))
            if case.status in leases.PLANNED:
                state = await load_state(session, case, self.policy)
                await plan_case(state, now, Applier(session, self.messenger, state, now, stats))
                await session.flush()
                wrote = bool(session.info.get(PLANNER_WROTE))
                # What this pass wrote may let a rule decide more: look again next tick.
                case.next_look_at = now if wrote else next_look(state, now)
                session.add(case)
                stats.cases += 1
            if marks:
                await (await session.connection()).execute(leases.forget_marks(marks))
            await session.commit()

    async def _climb(self, now: datetime, stats: TickStats) -> None:
        async with self.db.session() as session:
            stats.escalated += await ladder.climb(
                session, self.messenger, now=now, team_lead=self.team_lead
            )
            await session.commit()

    async def _overview(self, now: datetime) -> None:
        async with self.db.session() as session:
            await overview.send_overviews(session, self.messenger, now=now)
            await session.commit()

    @staticmethod
    async def _across_cases(step: str, work: Coroutine[Any, Any, None]) -> None:
        """A step over all cases: a failure is logged and the pass goes on."""
        try:
            await work
        except Exception:
            log.exception("planning step failed", step=step)


async def plan_case(state: CaseState, now: datetime, applier: Applier) -> None:
    """The rules for one case, each applied before the next one looks."""
    await applier.apply(life_cycle.plan(state, now))
    if state.case.status == CaseStatus.PAUSED:
        return  # a pause holds everything until it ends
    await applier.apply(consent_watch.plan(state, now))
    if state.case.status == CaseStatus.RESTING:
        await applier.apply(life_cycle.resting_check_in(state, now))
        return
    for rule in RUNNING_RULES:
        await applier.apply(rule(state, now))
