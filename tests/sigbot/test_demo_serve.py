"""`sigbot demo --serve` leaves the workspace open on the played case, logged in as Maja."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import httpx

from sigbot.app.core import Core
from sigbot.demo import run_demo
from sigbot.demo.serve import serve_workspace
from sigbot.messages.translator import Translator


async def test_demo_serve_opens_the_workspace_logged_in(tmp_path: Path) -> None:
    """The printed link logs the browser in as the demo coordinator once; the day page and the
    case list show the demo case; the link does not work a second time."""
    lines: list[str] = []
    seen: dict[str, int] = {}

    printed = asyncio.Event()

    def out(line: str) -> None:
        lines.append(line)
        printed.set()

    async def then(core: Core) -> None:
        stop = asyncio.Event()
        server = asyncio.create_task(serve_workspace(core, port=0, out=out, stop=stop))
        try:
            await asyncio.wait_for(printed.wait(), 10)
            link = re.search(r"http://\S+/demo-login\?key=\S+", "\n".join(lines))
            assert link is not None
            async with httpx.AsyncClient(trust_env=False) as client:
                entered = await client.get(link.group(0))
                seen["entered"] = entered.status_code
                base = link.group(0).split("/demo-login")[0]
                seen["day"] = (await client.get(f"{base}/")).status_code
                cases = await client.get(f"{base}/cases", follow_redirects=False)
                seen["cases"] = cases.status_code
                seen["listed"] = int("DEMO-2026-001" in cases.text)
            async with httpx.AsyncClient(trust_env=False) as other:
                seen["again"] = (await other.get(link.group(0))).status_code
        finally:
            stop.set()
            await server

    await run_demo(
        catalog=Translator(), out=lambda _: None, database_path=tmp_path / "demo.db", then=then
    )
    assert seen == {"entered": 303, "day": 200, "cases": 200, "listed": 1, "again": 403}
    assert any("user maja, password " in line for line in lines)
