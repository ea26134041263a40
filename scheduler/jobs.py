"""The APScheduler jobs: short periodic work in memory (planning every 2 s, dispatching every
second, the morning overview every minute). Future reminders are rows in the database, never
jobs, so a restart loses nothing and two processes can share the work
(docs/architecture.md)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

Work = Callable[[], Awaitable[object]]
Guard = Callable[[str, Work], Awaitable[None]]

# A tick plans only the cases whose next look came or that changed (cheap when idle), so a
# reply's consequences are planned within seconds.
PLAN_EVERY_S = 2
DISPATCH_EVERY_S = 1
OVERVIEW_EVERY_S = 60


def start_jobs(jobs: Mapping[str, tuple[Work, int]], guard: Guard) -> AsyncIOScheduler:
    """Start one interval job per entry (name -> (work, seconds)); ``guard`` runs each time.

    A job never overlaps itself (``max_instances=1``); a late run is merged (``coalesce``).
    """
    scheduler = AsyncIOScheduler(timezone="UTC")
    for name, (work, seconds) in jobs.items():
        scheduler.add_job(
            guard,
            "interval",
            seconds=seconds,
            args=[name, work],
            id=name,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=30,
            next_run_time=datetime.now(UTC),  # first run at start, not one interval later
        )
    scheduler.start()
    return scheduler
