"""Two planners (two ``sigbot run`` processes) on PostgreSQL ticking the same cases at once: every
"once" rule holds (docs/architecture.md, "Planning rules") — one escalation per miss, one alert
per person and step, one journal line per escalation opened and raised."""

from __future__ import annotations

import asyncio
from collections import Counter

from sqlalchemy import text
from sqlmodel import select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.messages.composer import MessageComposer, SourceCatalog
from sigbot.models import Escalation, JournalEntry, MessageKind, OutboxMessage
from sigbot.outbox.messenger import Messenger
from sigbot.planfile.importer import import_plan
from sigbot.planfile.loader import parse_plan_text
from sigbot.scheduler.planner import Planner
from tests.conftest import _truncate_all_sql
from tests.scheduler.flow import local, mark_due_sent
from tests.scheduler.plans import TEAM_LEAD, plan

CASES = 12
ALERTS = frozenset({MessageKind.ESCALATION, MessageKind.ESCALATION_TEAM_LEAD})
DAILY = "  - {owner: noah, area: school, text: Gå till skolan, check_in: daily}"


async def _seed(db: Database, clock: FakeClock) -> None:
    async with db.session() as session:
        for i in range(CASES):
            text_ = plan(commitments=DAILY, extra_members=TEAM_LEAD).replace(
                "ref: T-1", f"ref: T-{i}"
            )
            resolved = parse_plan_text(text_, source="p.yaml", default_timezone="Europe/Stockholm")
            await import_plan(session=session, plan=resolved, clock=clock)
        await session.commit()


async def test_two_planners_open_and_raise_each_escalation_once(
    pg_database: str, clock: FakeClock
) -> None:
    """Misses, escalations and the ladder, planned by two processes at once, happen once."""
    first, second = Database.from_url(pg_database), Database.from_url(pg_database)
    async with first.engine.begin() as conn:
        await conn.execute(text(_truncate_all_sql()))
    messenger = Messenger(MessageComposer(SourceCatalog()), frozenset({"telegram", "sms"}))
    planners = [Planner(db=db, messenger=messenger, clock=clock) for db in (first, second)]
    await _seed(first, clock)
    for hour in ((25, 9, 0), (25, 17, 0), (25, 19, 5), (25, 23, 5), (26, 3, 5)):
        clock.set(local(2026, 11, *hour))
        await asyncio.gather(*(p.tick() for p in planners))
        await mark_due_sent(first, clock.now())
    async with first.session() as session:
        escalations = list(await session.exec(select(Escalation)))
        rows = list(await session.exec(select(OutboxMessage)))
        entries = list(await session.exec(select(JournalEntry)))
    await first.dispose()
    await second.dispose()
    assert len(escalations) == CASES
    assert {e.level for e in escalations} == {"team_lead"}
    alerts = Counter((r.member_id, r.kind, r.subject_id) for r in rows if r.kind in ALERTS)
    assert sum(alerts.values()) == 3 * CASES and max(alerts.values()) == 1
    journaled = Counter(e.kind for e in entries)
    assert journaled["escalation.opened"] == CASES
    assert journaled["escalation.raised"] == 2 * CASES
    assert journaled["commitment.missed"] + journaled["reminder.unanswered"] == CASES
