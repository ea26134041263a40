"""What the workspace's routes need, built once by the app wiring (``request.app.state``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Request

from sigbot.clock import Clock
from sigbot.db import Database
from sigbot.domain.web_sessions import SessionPolicy


@dataclass(frozen=True)
class WorkspaceDeps:
    """The database, the clock, the session rules, and two hooks into the running service."""

    db: Database
    clock: Clock
    sessions: SessionPolicy
    secure_cookies: bool = False
    # Times in a plan file without an offset or a zone of their own (SIGBOT_TIMEZONE).
    default_timezone: str = "Europe/Stockholm"
    # The Telegram bot's username, for invite links (None while Telegram is off).
    bot_username: Callable[[], str | None] = lambda: None
    # Called after a change so the planner looks at it now rather than at its next pass.
    changed: Callable[[], Awaitable[None]] | None = None

    async def after_change(self) -> None:
        if self.changed is not None:
            await self.changed()


def deps_of(request: Request) -> WorkspaceDeps:
    """The deps the app was built with."""
    deps: WorkspaceDeps = request.app.state.deps
    return deps
