"""The ``ws`` fixture: a workspace over the example case, on SQLite and on PostgreSQL.

The JSON API and the access matrix run on both databases. The page and form tests run on SQLite
only: they test what a page shows and which domain operation a form calls, and those operations
and the views' queries have their own tests on both databases (tests/sigbot/domain,
tests/sigbot/views). This keeps CI's run time down without a query going untested on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from sigbot.clock import FakeClock
from sigbot.db import Database
from tests.handlers.workspace.support import Workspace, workspace

BOTH_DATABASES = ("test_api_", "test_access_matrix")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Drop the PostgreSQL variant of page and form tests (see the module docstring)."""
    kept, dropped = [], []
    for item in items:
        here = "tests/handlers/workspace/" in item.nodeid
        module = item.nodeid.split("::")[0].rsplit("/", 1)[-1]
        on_postgres = "[postgres" in item.nodeid
        if here and on_postgres and not module.startswith(BOTH_DATABASES):
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture
async def ws(db: Database, clock: FakeClock) -> AsyncIterator[Workspace]:
    """The example case (ST-2026-014, coordinator maja, backup jonas) behind the workspace."""
    async with workspace(db, clock) as built:
        await built.env.load()
        yield built
