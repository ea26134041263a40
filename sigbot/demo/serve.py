"""``sigbot demo --serve``: after the simulated weeks, the workspace stays open on the demo's
database, logged in as the demo coordinator, so a newcomer can read the case in a browser.

The clock stays where the demo ended, so "today" in the workspace is the demo's last day. The
login link carries a one-time secret that starts a normal server-side session; it is only
served by the demo, never by ``sigbot run``.
"""

from __future__ import annotations

import asyncio
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass, field

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route

from sigbot.app.core import Core
from sigbot.domain.accounts import AccountDetails, add_account, find_account
from sigbot.domain.web_sessions import SessionPolicy, start_session
from sigbot.handlers.workspace.app import build_workspace
from sigbot.handlers.workspace.deps import WorkspaceDeps
from sigbot.handlers.workspace.login import set_session_cookie
from sigbot.models import AccountRole

COORDINATOR = "maja"


@dataclass
class DemoLogin:
    """One secret that, once, turns into a session cookie for the demo coordinator."""

    core: Core
    policy: SessionPolicy
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    used: bool = False

    async def enter(self, request: Request) -> Response:
        if self.used or not secrets.compare_digest(
            request.query_params.get("key", ""), self.secret
        ):
            return PlainTextResponse("This login link was used already: log in at /login.", 403)
        self.used = True
        async with self.core.db.session() as session:
            account = await find_account(session, COORDINATOR)
            started = await start_session(
                session, account=account, policy=self.policy, now=self.core.clock.now()
            )
            await session.commit()
        response = RedirectResponse("/", status_code=303)
        set_session_cookie(response, started.token, secure=False)
        return response


async def add_demo_account(core: Core) -> str:
    """The demo coordinator's account; returns its (random) password."""
    password = secrets.token_urlsafe(12)
    async with core.db.session() as session:
        await add_account(
            session,
            details=AccountDetails(
                username=COORDINATOR, role=AccountRole.COORDINATOR, name="Maja", language="sv"
            ),
            password=password,
            now=core.clock.now(),
        )
        await session.commit()
    return password


async def serve_workspace(
    core: Core, *, port: int, out: Callable[[str], None], stop: asyncio.Event | None = None
) -> None:
    """Serve the workspace on 127.0.0.1:``port`` until interrupted (or ``stop`` is set)."""
    password = await add_demo_account(core)
    policy = SessionPolicy(secret_key=secrets.token_urlsafe(48))
    login = DemoLogin(core, policy)
    workspace = build_workspace(WorkspaceDeps(db=core.db, clock=core.clock, sessions=policy))
    app = Starlette(
        routes=[Route("/demo-login", login.enter, methods=["GET"]), Mount("", app=workspace)]
    )
    listener = socket.create_server(("127.0.0.1", port))
    bound = listener.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", log_config=None, access_log=False, lifespan="off")
    )
    out(
        f"\nThe workspace is open at http://127.0.0.1:{bound}/demo-login?key={login.secret}\n"
        f"(logged in as the demo coordinator; afterwards: user {COORDINATOR}, "
        f"password {password}). Ctrl-C stops it."
    )
    task = asyncio.create_task(server.serve(sockets=[listener]))
    try:
        if stop is None:
            await task
        else:
            await stop.wait()
    finally:
        server.should_exit = True
        await asyncio.gather(task, return_exceptions=True)
        listener.close()
