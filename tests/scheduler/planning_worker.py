"""One planner process for the multi-process tests: ``python -m tests.scheduler.planning_worker
URL`` reads a moment (ISO time) per line from stdin, plans once at that moment and answers with
a line of JSON saying what it did; an empty line ends it."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import datetime

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.messages.composer import MessageComposer, SourceCatalog
from sigbot.outbox.messenger import Messenger
from sigbot.scheduler.planner import Planner


async def serve(url: str) -> None:
    db = Database.from_url(url)
    try:
        messenger = Messenger(MessageComposer(SourceCatalog()), frozenset({"telegram", "sms"}))
        while line := sys.stdin.readline().strip():
            moment = datetime.fromisoformat(line)
            planner = Planner(db=db, messenger=messenger, clock=FakeClock(moment))
            stats = await planner.tick()
            done = {"cases": stats.cases, "queued": stats.queued, "failed": stats.failed_cases}
            print(json.dumps(done), flush=True)
    finally:
        await db.dispose()


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1]))
