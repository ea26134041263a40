"""Shared fixtures: every database test runs on SQLite and again on PostgreSQL.

PostgreSQL is reached at 127.0.0.1:5432 (database ``test`` for administration); a throwaway
database is created per test session. Without a server the PostgreSQL half skips with a reason,
except under ``CI=true`` where a missing server fails the run.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel

from sigbot.clock import FakeClock
from sigbot.db import Database, migrate

os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
os.environ["no_proxy"] = os.environ["NO_PROXY"]
# python-telegram-bot 22 warns about int retry_after unless opted in to timedelta.
os.environ["PTB_TIMEDELTA"] = "true"

PG_ADMIN_URL = os.environ.get(
    "SIGBOT_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() == "true"


async def _pg_available() -> str | None:
    import asyncpg

    try:
        conn = await asyncpg.connect(
            PG_ADMIN_URL.replace("postgresql+asyncpg", "postgresql"), timeout=3
        )
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        return f"PostgreSQL at 127.0.0.1:5432 not reachable: {exc}"
    await conn.close()
    return None


async def _admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN_URL.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _migrate_url(url: str) -> None:
    db = Database.from_url(url)
    try:
        await migrate(db)
    finally:
        await db.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating takes longer than copying)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    asyncio.run(_migrate_url(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test session."""
    reason = asyncio.run(_pg_available())
    if reason is not None:
        if IN_CI:
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    name = f"sigbot_test_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    asyncio.run(_migrate_url(url))
    yield url
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _truncate_all_sql() -> str:
    import sigbot.models  # noqa: F401

    names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    return f"TRUNCATE {names} RESTART IDENTITY CASCADE"


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[str]:
    """A URL to an empty, migrated database: SQLite file or a truncated PostgreSQL database."""
    if request.param == "sqlite":
        path = tmp_path / "sigbot.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    url: str = request.getfixturevalue("pg_database")

    async def _clean() -> None:
        db = Database.from_url(url)
        try:
            async with db.engine.begin() as conn:
                await conn.execute(text(_truncate_all_sql()))
        finally:
            await db.dispose()

    asyncio.run(_clean())
    yield url


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """A connected :class:`Database` on an empty schema."""
    database = Database.from_url(database_url)
    yield database
    await database.dispose()


@pytest.fixture
def clock() -> FakeClock:
    """A fake clock at Wednesday 2026-11-25 09:00 Stockholm time."""
    return FakeClock(datetime(2026, 11, 25, 8, 0, tzinfo=UTC))


EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "case.yaml"


@pytest.fixture
def example_plan_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")
