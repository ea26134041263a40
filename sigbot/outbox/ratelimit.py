"""Send-rate limits: an overall rate per channel and a minimum gap per address.

Telegram allows about 30 messages a second overall and one a second per chat; Twilio numbers
have their own throughput. A 429 from a provider pauses the whole channel for as long as asked.
Time and sleep are parameters so tests need not wait.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class RateLimiter:
    """Spaces sends: at most ``rate`` per second overall, ``per_address_gap`` between two sends
    to the same address. ``rate=None`` turns the overall limit off."""

    def __init__(
        self,
        rate: float | None,
        *,
        per_address_gap: float = 0.0,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._interval = 1.0 / rate if rate else 0.0
        self._gap = per_address_gap
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._last_by_address: dict[str, float] = {}
        self._lock = asyncio.Lock()

    async def acquire(self, address: str) -> None:
        """Wait until a message to ``address`` may go out, and book that moment."""
        async with self._lock:
            now = self._monotonic()
            at = max(now, self._next_slot, self._paused_until)
            last = self._last_by_address.get(address)
            if last is not None and self._gap:
                at = max(at, last + self._gap)
            self._next_slot = at + self._interval
            self._last_by_address[address] = at
            if len(self._last_by_address) > 10_000:
                horizon = now - self._gap
                self._last_by_address = {
                    a: t for a, t in self._last_by_address.items() if t > horizon
                }
        delay = at - now
        if delay > 0:
            await self._sleep(delay)

    def address_wait(self, address: str) -> float:
        """Seconds until ``address`` may get another message (0 when it may now)."""
        last = self._last_by_address.get(address)
        if last is None or not self._gap:
            return 0.0
        return max(0.0, last + self._gap - self._monotonic())

    def pause(self, seconds: float) -> None:
        """Hold every send for ``seconds`` (the provider said 429 retry_after)."""
        self._paused_until = max(self._paused_until, self._monotonic() + seconds)
