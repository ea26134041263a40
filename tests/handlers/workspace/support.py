"""A workspace under test: the real HTTP app (webhooks + workspace, as ``sigbot run`` mounts it)
over a real database, with the fake Telegram and Twilio servers behind it, and a client per
person so cookies never mix."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.accounts import AccountDetails, add_account, create_api_token
from sigbot.domain.delivery import StatusRecorder
from sigbot.domain.web_sessions import SessionPolicy
from sigbot.handlers.http import HttpDeps, build_http_app
from sigbot.handlers.workspace.app import build_workspace
from sigbot.handlers.workspace.deps import WorkspaceDeps
from sigbot.journal import read_journal
from sigbot.models import Account
from tests.cheap_hashing import CHEAP_HASHER
from tests.sigbot.env import Env, make_env

SECRET = "test-secret-key-for-workspace-sessions-0123456789"
PASSWORD = "correct horse battery"
BASE = "http://testserver"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Workspace:
    """The app, the environment behind it, and a way to act as each account."""

    env: Env
    app: Any
    policy: SessionPolicy
    changes: list[str] = field(default_factory=list)
    _stack: AsyncExitStack = field(default_factory=AsyncExitStack)

    async def account(
        self,
        username: str,
        role: str = "coordinator",
        *,
        team: str | None = None,
        language: str = "en",
        name: str | None = None,
    ) -> Account:
        """Create an account with :data:`PASSWORD`."""
        details = AccountDetails(
            username=username,
            role=role,
            name=name or username.title(),
            language=language,
            team=team,
        )
        async with self.env.db.session() as session:
            account = await add_account(
                session,
                details=details,
                password=PASSWORD,
                now=self.env.clock.now(),
                hasher=CHEAP_HASHER,
            )
            await session.commit()
        return account

    async def client(self) -> httpx.AsyncClient:
        """A fresh client (its own cookie jar), closed with the workspace; its browser asks for
        English, so pages shown before login (which follow the browser) read as the tests do."""
        transport = httpx.ASGITransport(app=self.app)
        client = httpx.AsyncClient(
            transport=transport, base_url=BASE, headers={"Accept-Language": "en"}
        )
        return await self._stack.enter_async_context(client)

    async def logged_in(self, username: str, password: str = PASSWORD) -> Browser:
        """A client logged in as ``username`` through the login form."""
        client = await self.client()
        response = await client.post(
            "/login", data={"username": username, "password": password, "next": "/"}
        )
        assert response.status_code == 303, response.text
        return Browser(client, await self._csrf(client))

    async def _csrf(self, client: httpx.AsyncClient) -> str:
        page = await client.get("/")
        found = CSRF_INPUT.search(page.text)
        assert found, "the page carries no CSRF token"
        return found.group(1)

    async def token(self, username: str) -> httpx.AsyncClient:
        """A client that calls the API with a fresh bearer token of ``username``."""
        async with self.env.db.session() as session:
            token = await create_api_token(session, username=username, now=self.env.clock.now())
            await session.commit()
        client = await self.client()
        client.headers["Authorization"] = f"Bearer {token}"
        return client

    async def journal_kinds(self, ref: str) -> list[str]:
        async with self.env.db.session() as session:
            return [line.kind for line in await read_journal(session, ref)]


@dataclass
class Browser:
    """A logged-in client and its session's CSRF token (for forms and cookie API calls)."""

    client: httpx.AsyncClient
    csrf: str

    async def submit(self, path: str, data: dict[str, Any]) -> httpx.Response:
        """POST a form as the page would, CSRF token included."""
        return await self.client.post(path, data={"csrf_token": self.csrf, **data})


@asynccontextmanager
async def workspace(db: Database, clock: FakeClock) -> AsyncIterator[Workspace]:
    """The example case imported, the workspace mounted as ``sigbot run`` mounts it."""
    async with make_env(db, clock) as env:
        policy = SessionPolicy(secret_key=SECRET)
        ws_changes: list[str] = []

        async def changed() -> None:
            ws_changes.append("changed")

        app = build_http_app(
            HttpDeps(
                public_url="http://testserver",
                inbound=env.inbound,
                status=StatusRecorder(db=env.db, clock=env.clock, messenger=env.messenger),
                health=_healthy,
                workspace=build_workspace(
                    WorkspaceDeps(
                        db=env.db,
                        clock=env.clock,
                        sessions=policy,
                        bot_username=lambda: "sigbot_test_bot",
                        changed=changed,
                    )
                ),
            )
        )
        ws = Workspace(env=env, app=app, policy=policy, changes=ws_changes)
        async with ws._stack:
            yield ws


async def _healthy() -> dict[str, Any]:
    return {"database": {"ok": True}}
