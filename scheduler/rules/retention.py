"""Retention: which cases' personal data is due for erasure, and the hourly job that erases it
(docs/privacy.md, "Retention").

A case's personal data goes ``SIGBOT_RETENTION_DAYS`` after its resting period ended
(``sig_case.resting_until``), texts that matched no case after 30 days. The rule is a function of
(cases, now, retention) with no I/O; the job loads, decides and calls the domain's erasure, one
case per transaction. Running it again erases nothing twice: an erased case is journaled
``case.erased`` and left alone after that.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlmodel import col, select

from sigbot.clock import Clock
from sigbot.db import Database
from sigbot.domain.rights import erase_case_data, erase_unmatched_inbound
from sigbot.domain.rights.retention import erased_cases
from sigbot.models import Case, CaseStatus

log = structlog.get_logger(__name__)

RETENTION_EVERY_S = 3600
UNMATCHED_KEPT = timedelta(days=30)
# Only a case that ended: a reopened case keeps its data whatever its old resting date says.
ENDED = frozenset({CaseStatus.RESTING, CaseStatus.CLOSED})


@dataclass(frozen=True)
class Kept:
    """What the rule needs to know of one case."""

    case_id: int
    status: str
    resting_until: datetime | None
    erased: bool = False


def due(cases: Iterable[Kept], now: datetime, retention: timedelta) -> list[int]:
    """The ids of the cases whose personal data is to be erased now, oldest end first."""
    ready = [
        c
        for c in cases
        if not c.erased
        and c.status in ENDED
        and c.resting_until is not None
        and c.resting_until + retention <= now
    ]
    return [c.case_id for c in sorted(ready, key=lambda c: (c.resting_until, c.case_id))]


def unmatched_before(now: datetime) -> datetime:
    """Texts that matched no case and came in before this moment are erased."""
    return now - UNMATCHED_KEPT


@dataclass(frozen=True)
class RetentionStats:
    cases: int
    unmatched: int


class RetentionJob:
    """The scheduler's retention job (registered in ``sigbot.app.service``)."""

    def __init__(self, *, db: Database, clock: Clock, retention_days: int) -> None:
        self.db = db
        self.clock = clock
        self.retention = timedelta(days=retention_days)

    async def run(self) -> RetentionStats:
        """Erase what is due now; each case in its own transaction."""
        now = self.clock.now()
        async with self.db.session() as session:
            erased = await erased_cases(session)
            cases = [
                Kept(c.id, c.status, c.resting_until, c.id in erased)
                for c in await session.exec(
                    select(Case).where(col(Case.resting_until).is_not(None))
                )
                if c.id is not None
            ]
        done = 0
        for case_id in due(cases, now, self.retention):
            async with self.db.session() as session:
                case = await session.get(Case, case_id)
                if case is not None and await erase_case_data(session, case=case, now=now):
                    done += 1
                await session.commit()
        async with self.db.session() as session:
            unmatched = await erase_unmatched_inbound(
                session, before=unmatched_before(now), now=now
            )
            await session.commit()
        if done or unmatched:
            log.info("retention", cases=done, unmatched=unmatched)
        return RetentionStats(done, unmatched)
