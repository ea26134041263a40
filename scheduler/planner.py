"""The planner: one pass over every running case, the rules in order, then the ladder and the
morning overview.

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
from sqlmodel import col, select

from sigbot.clock import Clock
from sigbot.db import Database
from sigbot.domain.escalations import TeamLead
from sigbot.models import Case, CaseStatus
from sigbot.outbox.messenger import Messenger
from sigbot.scheduler.apply import Applier, TickStats
from sigbot.scheduler.decisions import Decision
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
PLANNED = (CaseStatus.ACTIVE, CaseStatus.PAUSED, CaseStatus.CLOSED, CaseStatus.RESTING)
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
    ) -> None:
        self.db = db
        self.messenger = messenger
        self.clock = clock
        self.team_lead = team_lead or TeamLead(None)
        self.policy = policy or PlanningPolicy()
        self.daily_overview = daily_overview

    async def tick(self) -> TickStats:
        """One planning pass over every case that is not merely proposed."""
        now = self.clock.now()
        stats = TickStats()
        async with self.db.session() as session:
            ids = list(await session.exec(select(Case.id).where(col(Case.status).in_(PLANNED))))
        for case_id in ids:
            try:
                async with self.db.session() as session:
                    case = await session.get(Case, case_id)
                    if case is None:
                        continue
                    state = await load_state(session, case, self.policy)
                    await plan_case(state, now, Applier(session, self.messenger, state, now, stats))
                    await session.commit()
            except Exception:
                # One broken case must not stop the follow-up of all the others.
                log.exception("planning failed for a case", case_id=case_id)
                stats.failed_cases += 1
                continue
            stats.cases += 1
        await self._across_cases("escalation ladder", self._climb(now, stats))
        if self.daily_overview:
            await self._across_cases("morning overview", self._overview(now))
        return stats

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
