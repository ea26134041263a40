"""The ``ws`` fixture: a workspace over the example case, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from sigbot.clock import FakeClock
from sigbot.db import Database
from tests.handlers.workspace.support import Workspace, workspace


@pytest.fixture
async def ws(db: Database, clock: FakeClock) -> AsyncIterator[Workspace]:
    """The example case (ST-2026-014, coordinator maja, backup jonas) behind the workspace."""
    async with workspace(db, clock) as built:
        await built.env.load()
        yield built
