"""The workspace served over real HTTP on 127.0.0.1, and Debian's Chromium to look at it.

Shared by the browser tests and ``tools/screenshots.py``. Nothing here reaches the network:
uvicorn listens on a free loopback port in the caller's event loop, Playwright drives the
system Chromium (browser downloads are not used), and axe-core is read from the folder CI
installs it into.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn
from playwright.async_api import Browser, ConsoleMessage, Page, async_playwright

from sigbot.domain.inbound import Incoming
from tests.handlers.workspace.support import PASSWORD, Workspace

ROOT = Path(__file__).resolve().parents[2]
# `npm install --prefix .axe axe-core` (as .ci/run does) puts it here; the folder is git-ignored.
AXE_JS = ROOT / ".axe" / "node_modules" / "axe-core" / "axe.min.js"
WIDTH = 1280


class _QuietServer(uvicorn.Server):
    """uvicorn without its own signal handlers: whoever started it stops it."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@asynccontextmanager
async def serving(app: Any) -> AsyncIterator[str]:
    """Serve ``app`` on a free 127.0.0.1 port in this event loop; yields the base URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(
        app, log_level="warning", log_config=None, access_log=False, lifespan="off"
    )
    server = _QuietServer(config)
    task = asyncio.create_task(server.serve(sockets=[listener]))
    try:
        # uvicorn offers no "started" event to wait on; poll its flag briefly.
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("uvicorn stopped before it started")
            await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.gather(task, return_exceptions=True)
        listener.close()


@asynccontextmanager
async def chromium(executable: str) -> AsyncIterator[Browser]:
    """A headless Chromium from ``executable`` (the system's), closed afterwards."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable)
        try:
            yield browser
        finally:
            await browser.close()


@dataclass(repr=False)
class Live:
    """A served workspace (``ws``: the example case and the fakes behind it) and a browser."""

    ws: Workspace
    base_url: str
    browser: Browser
    csp_violations: list[str] = field(default_factory=list)

    def __repr__(self) -> str:  # short in pytest's failure reports
        return f"Live({self.base_url})"

    async def page(self, *, bypass_csp: bool = False, locale: str = "en-GB") -> Page:
        """A page in a fresh context (its own cookies), 1280 wide, English by default.

        ``bypass_csp`` only for injecting axe-core: the workspace allows no foreign scripts.
        """
        context = await self.browser.new_context(
            base_url=self.base_url,
            viewport={"width": WIDTH, "height": 900},
            locale=locale,
            bypass_csp=bypass_csp,
        )
        context.set_default_timeout(10_000)
        page = await context.new_page()
        page.on("console", self._note_csp)
        return page

    def _note_csp(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.csp_violations.append(message.text)

    async def logged_in(self, username: str, *, bypass_csp: bool = False) -> Page:
        """A page logged in as ``username`` through the login form (inputs named by contract)."""
        page = await self.page(bypass_csp=bypass_csp)
        await log_in(page, username)
        return page


async def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Fill in /login as a person would and wait for the day page."""
    await page.goto("/login")
    await page.locator("input[name=username]").fill(username)
    await page.locator("input[name=password]").fill(password)
    async with page.expect_navigation():
        await page.locator("form[action='/login'] [type=submit]").click()
    if page.url.endswith("/login"):
        raise AssertionError(f"login as {username} failed: {await page.inner_text('main')}")


async def noah_asks_for_help(ws: Workspace, message_id: int = 1) -> None:
    """Noah writes "hjälp" on Telegram: an open alert for the coordinator, as in real life."""
    await ws.env.inbound.handle(Incoming("telegram", "1001", "hjälp", f"tg:1001:{message_id}"))
