"""The database: one async engine per process, sessions handed out explicitly, schema by Alembic."""

from __future__ import annotations

import os
import stat
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Table, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.planning_marks import MarkingSession

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


# Owner only: the file holds names, numbers and what children and parents wrote.
PRIVATE_MODE = 0o600


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """Create the async engine; SQLite gets foreign keys, WAL and a busy timeout, and a file
    only its owner can read. Errors never quote bound parameters (numbers, texts): see
    docs/architecture.md, "Privacy"."""
    kwargs.setdefault("hide_parameters", True)
    private_sqlite_file(url)
    engine = create_async_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()

    return engine


def private_sqlite_file(url: str) -> None:
    """Create a SQLite database file readable by its owner only, before SQLite opens it.

    SQLite gives its -wal and -shm files the main file's permissions, so they follow. An
    existing file that others can read loses those bits too.
    """
    parsed = make_url(url)
    path = parsed.database
    if parsed.get_backend_name() != "sqlite" or not path or path == ":memory:":
        return
    if path.startswith("file:") or parsed.query.get("uri"):
        return  # a URI filename (shared memory or options): SQLite's own business
    try:
        fd = os.open(path, os.O_CREAT | os.O_RDONLY, PRIVATE_MODE)
    except OSError:
        return  # a missing directory or no right: SQLite reports it when it connects
    try:
        mode = stat.S_IMODE(os.fstat(fd).st_mode)
        if mode & 0o077:
            os.fchmod(fd, mode & 0o700)
    except OSError:
        pass  # not our file to change; it stays as its owner made it
    finally:
        os.close(fd)


class Database:
    """The engine and a session factory; passed to whatever needs the database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(
            engine, class_=AsyncSession, expire_on_commit=False, sync_session_class=MarkingSession
        )

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(make_engine(url))

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session whose transaction the caller commits; rolled back if anything raises."""
        async with self._sessions() as session:
            try:
                yield session
            except BaseException:
                await session.rollback()
                raise

    async def dispose(self) -> None:
        await self.engine.dispose()


def alembic_config() -> Config:
    """Alembic configured from the package itself, so an installed sigbot can migrate."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


async def migrate(db: Database, revision: str = "head") -> None:
    """Create or upgrade the schema to ``revision``; running it twice changes nothing."""

    def _upgrade(connection: Connection) -> None:
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)

    async with db.engine.begin() as conn:
        await conn.run_sync(_upgrade)


async def current_revision(db: Database) -> str | None:
    """The schema revision the database is at, or None when it was never initialised."""
    from alembic.runtime.migration import MigrationContext

    def _read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with db.engine.connect() as conn:
        return await conn.run_sync(_read)


async def insert_once(
    session: AsyncSession, table: Table, values: dict[str, Any], unique: list[str]
) -> int | None:
    """``INSERT ... ON CONFLICT (unique) DO NOTHING RETURNING id`` on SQLite and PostgreSQL:
    the new row's id, or None when a row with the same unique values exists (an "at most once"
    rule that two processes cannot break)."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert_fn: Any = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert_fn(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=unique)
        .returning(table.c.id)
    )
    row = (await (await session.connection()).execute(stmt)).first()
    return int(row[0]) if row is not None else None
