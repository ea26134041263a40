"""An escalation is opened once per case and ``dedupe_key`` (a unique constraint, not a look
first), and migration 0002 fills the key of old rows from ``detail["key"]``."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlmodel import select

from sigbot.clock import FakeClock
from sigbot.db import Database, migrate
from sigbot.domain.escalations import escalate
from sigbot.messages.composer import MessageComposer, SourceCatalog
from sigbot.models import Escalation, OutboxMessage
from sigbot.outbox.messenger import Messenger
from tests.sigbot.domain.support import journal, seed

MESSENGER = Messenger(MessageComposer(SourceCatalog()), frozenset({"telegram", "sms"}))


async def test_the_same_key_opens_one_escalation(db: Database, clock: FakeClock) -> None:
    """A second escalate() with the same key is refused by the database: one row, one alert."""
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        opened = [
            await escalate(
                session,
                MESSENGER,
                case=seeded.case,
                member=seeded.people["noah"],
                reason="help",
                what="asked for help",
                answer="2",
                now=clock.now(),
                dedupe_key="help|inbound|7",
            )
            for _ in range(2)
        ]
        rows = list(await session.exec(select(Escalation)))
        alerts = list(await session.exec(select(OutboxMessage)))
        lines = [kind for kind, _, _ in await journal(session)]
    assert opened[0] is not None and opened[1] is None
    assert [r.dedupe_key for r in rows] == ["help|inbound|7"]
    assert [a.kind for a in alerts] == ["escalation"]
    assert lines.count("escalation.opened") == 1


async def test_migration_fills_the_key_from_the_detail(tmp_path: Path) -> None:
    """Old rows get detail["key"]; a row without one, or a duplicate, gets legacy|<id>."""
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        await migrate(db, "0001")
        async with db.engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO sig_case (id, ref, status, status_since, coordinator_key, "
                    "timezone, quiet_hours, no_reply_after_s, ack_within_s, plan_digest, "
                    "created_at, updated_at) VALUES (1, 'T-1', 'active', '2026-11-25 08:00', "
                    "'maja', 'Europe/Stockholm', '21:00-08:00', 7200, 14400, '', "
                    "'2026-11-25 08:00', '2026-11-25 08:00')"
                )
            )
            for detail in ('{"key": "help|1"}', '{"key": "help|1"}', "{}"):
                await conn.execute(
                    text(
                        "INSERT INTO escalation (case_id, reason, detail, level, created_at) "
                        "VALUES (1, 'help', :detail, 'coordinator', '2026-11-25 08:00')"
                    ),
                    {"detail": detail},
                )
        await migrate(db)
        async with db.engine.connect() as conn:
            keys = (await conn.execute(text("SELECT dedupe_key FROM escalation ORDER BY id"))).all()
    finally:
        await db.dispose()
    assert [k for (k,) in keys] == ["help|1", "legacy|2", "legacy|3"]
