"""Send pacing: overall rate, one message a second per chat, and a pause after a 429."""

from __future__ import annotations

from sigbot.outbox.ratelimit import RateLimiter


class FakeTime:
    """A monotonic clock that moves only when something sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


async def test_overall_rate_spaces_sends() -> None:
    """At 30 messages a second, the 31st waits until a second has passed."""
    t = FakeTime()
    limiter = RateLimiter(30, monotonic=t.monotonic, sleep=t.sleep)
    for i in range(31):
        await limiter.acquire(f"chat{i}")
    assert round(t.now - 100.0, 6) == 1.0


async def test_one_message_a_second_per_chat() -> None:
    """Three messages to one chat take two seconds; other chats are not held up."""
    t = FakeTime()
    limiter = RateLimiter(None, per_address_gap=1.0, monotonic=t.monotonic, sleep=t.sleep)
    for _ in range(3):
        await limiter.acquire("1001")
    assert t.now == 102.0
    await limiter.acquire("2002")
    assert t.now == 102.0


async def test_429_pauses_everything() -> None:
    """After retry_after=5 every send waits five seconds."""
    t = FakeTime()
    limiter = RateLimiter(None, monotonic=t.monotonic, sleep=t.sleep)
    limiter.pause(5)
    await limiter.acquire("x")
    assert t.sleeps == [5.0]
