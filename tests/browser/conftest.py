"""Browser fixtures: the real HTTP app under uvicorn on 127.0.0.1 and Debian's Chromium.

Without Chromium (or, for the accessibility check, axe-core) these tests skip with a reason,
except under ``CI=true``, where CI installs both first and a missing one fails the run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import NoReturn

import pytest

from sigbot.clock import FakeClock
from sigbot.db import Database
from tests.browser.live import AXE_JS, ROOT, Live, chromium, serving
from tests.handlers.workspace.support import workspace

IN_CI = os.environ.get("CI", "").lower() == "true"


def _missing(reason: str) -> NoReturn:
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium (Playwright's own browser downloads are not used)."""
    path = shutil.which("chromium")
    if path is None:
        _missing("no chromium on PATH (apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def axe_js() -> Path:
    """axe-core's script, installed by CI before the tests (never fetched by them)."""
    if not AXE_JS.is_file():
        _missing(
            f"axe-core not at {AXE_JS.relative_to(ROOT)} "
            "(npm install --prefix .axe --no-save axe-core)"
        )
    return AXE_JS


@pytest.fixture
def database_url(tmp_path: Path, sqlite_template: Path) -> str:
    """SQLite only: these tests look at pages; both stores are tested under tests/handlers."""
    path = tmp_path / "sigbot.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
async def live(db: Database, clock: FakeClock, chromium_path: str) -> AsyncIterator[Live]:
    """The example case (ST-2026-014, coordinator maja, backup jonas) served to a Chromium."""
    async with workspace(db, clock) as ws:
        await ws.env.load()
        async with serving(ws.app) as base_url, chromium(chromium_path) as browser:
            yield Live(ws=ws, base_url=base_url, browser=browser)
