"""The SQLite database file and its -wal/-shm companions are readable by their owner only."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from sigbot.db import Database, migrate


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask that lets everyone read new files, as on many servers."""
    old = os.umask(0o022)
    yield
    os.umask(old)


async def test_new_database_files_are_private(tmp_path: Path, open_umask: None) -> None:
    """sigbot.db, sigbot.db-wal and sigbot.db-shm are created 0600 even under umask 022."""
    path = tmp_path / "sigbot.db"
    db = Database.from_url(f"sqlite+aiosqlite:///{path}")
    try:
        await migrate(db)
        async with db.engine.connect() as conn:
            await conn.execute(text("SELECT count(*) FROM sig_case"))
            companions = [Path(f"{path}-wal"), Path(f"{path}-shm")]
            assert all(p.exists() for p in companions)
            modes = {p.name: _mode(p) for p in [path, *companions]}
    finally:
        await db.dispose()
    assert modes == {"sigbot.db": 0o600, "sigbot.db-wal": 0o600, "sigbot.db-shm": 0o600}


async def test_existing_readable_database_is_made_private(tmp_path: Path, open_umask: None) -> None:
    """A database file others could read (made by an older sigbot) loses those bits at start."""
    path = tmp_path / "sigbot.db"
    path.touch(mode=0o644)
    path.chmod(0o644)
    db = Database.from_url(f"sqlite+aiosqlite:///{path}")
    try:
        await migrate(db)
    finally:
        await db.dispose()
    assert _mode(path) == 0o600


async def test_memory_database_creates_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An in-memory SQLite URL leaves the working directory empty."""
    monkeypatch.chdir(tmp_path)
    db = Database.from_url("sqlite+aiosqlite:///:memory:")
    try:
        async with db.engine.connect() as conn:
            assert (await conn.execute(text("SELECT 1"))).scalar() == 1
    finally:
        await db.dispose()
    assert os.listdir(tmp_path) == []
