"""Screenshots of the workspace's pages in every language it speaks, for a person to look at.

Starts the workspace exactly as the browser tests do (tests/browser/live.py): the example case
on a throwaway SQLite file, the fake Telegram and Twilio servers, a day of reminders, replies
and an alert for help; then Debian's Chromium, 1280 wide, saves every page whole as
``<language>-<page>.png``. Run by hand from the repository root:

    .venv/bin/python -m tools.screenshots [FOLDER]      # default /tmp/sigbot-shots
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import select

from sigbot.clock import FakeClock
from sigbot.db import Database, migrate
from sigbot.domain.inbound import Incoming
from sigbot.models import Account
from tests.browser.live import Live, chromium, log_in, noah_asks_for_help, serving
from tests.handlers.workspace.support import Workspace, workspace

START = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)  # Wednesday 09:00 in Stockholm
END = datetime(2026, 11, 26, 13, 0, tzinfo=UTC)  # Thursday 14:00, after Noah's BUP at 10:00
PAGES = {
    "login": "/login",
    "day": "/",
    "cases": "/cases",
    "case": "/cases/ST-2026-014",
    "alerts": "/alerts",
    "reports": "/reports",
    "case-report": "/cases/ST-2026-014/report",
    "case-summary": "/cases/ST-2026-014/summary",
    "not-found": "/cases/ST-0000-000",
}
LOCALES = {"en": "en-GB", "sv": "sv-SE", "ar": "ar-SE", "so": "so-SO"}


async def some_activity(ws: Workspace) -> None:
    """A day and a half: reminders go out, Noah answers them, goes to BUP on Thursday, says
    so when asked, and asks for help; Leila writes something the bot cannot read."""
    await ws.env.cycle()
    replies = 0
    while ws.env.clock.now() < END:
        ws.env.clock.advance(timedelta(hours=1, minutes=30))
        await ws.env.cycle()
        replies += 1
        await ws.env.inbound.handle(Incoming("telegram", "1001", "1", f"tg:1001:{replies}"))
    await noah_asks_for_help(ws, message_id=100)
    await ws.env.inbound.handle(Incoming("sms", "+46701234568", "Tack, vi kommer", "SMshot1"))
    await ws.env.cycle()


async def set_language(ws: Workspace, username: str, language: str) -> None:
    """Switch the account's language (the pages follow it at the next request)."""
    async with ws.env.db.session() as session:
        account = (await session.exec(select(Account).where(Account.username == username))).one()
        account.language = language
        session.add(account)
        await session.commit()


async def shoot(live: Live, folder: Path, language: str) -> list[Path]:
    """Every page of :data:`PAGES` as maja sees it in ``language``."""
    await set_language(live.ws, "maja", language)
    page = await live.page(locale=LOCALES[language])
    saved = []
    for name, path in PAGES.items():
        if name == "day":  # the first page after the login form
            await log_in(page, "maja")
        response = await page.goto(path)
        status = response.status if response else "-"
        target = folder / f"{language}-{name}.png"
        await page.screenshot(path=str(target), full_page=True)
        print(f"{target}  ({path}: {status})")
        saved.append(target)
    await page.context.close()
    return saved


async def main(folder: Path) -> int:
    executable = shutil.which("chromium")
    if executable is None:
        print("no chromium on PATH (apt-get install chromium)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="sigbot-shots-") as tmp:
        db = Database.from_url(f"sqlite+aiosqlite:///{Path(tmp) / 'shots.db'}")
        try:
            await migrate(db)
            async with workspace(db, FakeClock(START)) as ws:
                await ws.env.load()
                await ws.account("maja", name="Maja Lind")
                await some_activity(ws)
                async with serving(ws.app) as base_url, chromium(executable) as browser:
                    live = Live(ws=ws, base_url=base_url, browser=browser)
                    for language in LOCALES:
                        await shoot(live, folder, language)
        finally:
            await db.dispose()
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=Path("/tmp/sigbot-shots"))
    out: Path = parser.parse_args().folder
    out.mkdir(parents=True, exist_ok=True)
    sys.exit(asyncio.run(main(out)))
