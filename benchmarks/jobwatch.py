"""What the jobs of a benchmark did while it ran, and how late the event loop was."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any


class Watched:
    """A job that records how often it ran, how long it took, and a run still going."""

    def __init__(self, work: Callable[[], Awaitable[object]]) -> None:
        self.work, self.runs, self.seconds, self.longest = work, 0, 0.0, 0.0
        self.began: float | None = None

    async def __call__(self) -> object:
        self.began = time.perf_counter()
        try:
            return await self.work()
        finally:
            took = time.perf_counter() - self.began
            self.runs, self.seconds, self.began = self.runs + 1, self.seconds + took, None
            self.longest = max(self.longest, took)

    def figures(self) -> dict[str, Any]:
        going = time.perf_counter() - self.began if self.began is not None else 0.0
        return {"runs": self.runs, "seconds": round(self.seconds, 2), "still_running_s":
                round(going, 2), "longest_s": round(self.longest, 2)}  # fmt: skip


async def guard(name: str, work: Callable[[], Awaitable[object]]) -> None:
    try:
        await work()
    except Exception as exc:  # a failing job must not end the measurement
        print(f"{name} failed: {exc!r}", file=sys.stderr)


class LoopLag:
    """How late a 100 ms sleep wakes up: what any job waits for the event loop."""

    def __init__(self) -> None:
        self.lags: list[float] = []
        self.task = asyncio.create_task(self._watch())

    async def _watch(self) -> None:
        while True:
            began = time.perf_counter()
            await asyncio.sleep(0.1)
            self.lags.append(time.perf_counter() - began - 0.1)

    def figures(self) -> dict[str, Any]:
        self.task.cancel()
        lags = sorted(self.lags) or [0.0]
        p50, p99 = lags[len(lags) // 2], lags[len(lags) * 99 // 100]
        return {"p50_s": round(p50, 3), "p99_s": round(p99, 3), "max_s": round(lags[-1], 3)}
