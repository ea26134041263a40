"""Sending a prepared batch: several sends in flight at once, never two to one address.

The rows of a batch are grouped by address (channel and address) in the order they were
claimed; each group goes out one message after the other, and up to ``in_flight`` groups at a
time. The rate limiters stay the ceiling: the overall rate and a provider's 429 pause hold
every send of the channel, and a second message to an address that just got one is handed
back with a delay instead of holding up the others (docs/architecture.md, "The path of one
reminder", step 4). Nothing here touches the database: the dispatcher records the outcomes.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

import structlog

from sigbot.channels.base import Channel, Outgoing, SendError, SendResult
from sigbot.models import OutboxMessage
from sigbot.outbox.messenger import Composer
from sigbot.outbox.ratelimit import RateLimiter

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Held:
    """Not sent: handed back unsent, due again now or after ``delay``. ``stopping``: because
    the process is shutting down (such rows do not count as handled)."""

    delay: timedelta | None = None
    stopping: bool = False


# What became of one row: the provider's answer, its error, our own bug, or not sent.
Outcome = SendResult | SendError | Exception | Held


def by_address(rows: Sequence[OutboxMessage]) -> list[list[OutboxMessage]]:
    """The rows grouped by channel and address, groups and rows in claim order."""
    groups: dict[tuple[str, str], list[OutboxMessage]] = {}
    for row in rows:
        groups.setdefault((row.channel, row.address), []).append(row)
    return list(groups.values())


class BatchSender:
    """Sends the rows of one batch concurrently within the limits, collecting outcomes."""

    def __init__(
        self,
        *,
        channels: Mapping[str, Channel],
        composer: Composer,
        limiters: Mapping[str, RateLimiter],
        in_flight: int,
        stopping: Callable[[], bool],
    ) -> None:
        self.channels = channels
        self.composer = composer
        self.limiters = limiters
        self.in_flight = max(1, in_flight)
        self.stopping = stopping

    async def send_all(
        self, rows: Sequence[OutboxMessage], outcomes: MutableMapping[int, Outcome]
    ) -> None:
        """Send ``rows``, putting each outcome in ``outcomes`` (by row id) as it comes.

        When the process is going down (``SystemExit``, ``KeyboardInterrupt``, a kill in a
        test) in one send, the sends in flight finish, no new one starts, and it is raised here
        once they have: the caller can record what did go. A row that was not started keeps
        its claim until the lease runs out. Cancelled, the sends in flight are cancelled.
        """
        todo = deque(by_address(rows))
        dying: list[BaseException] = []

        async def worker() -> None:
            while todo and not dying:
                group = todo.popleft()
                for n, row in enumerate(group):
                    if dying:
                        return
                    if self.stopping():
                        # Shutting down: hand the rest back at once instead of waiting for
                        # the lease to run out.
                        outcomes.update({r.id or 0: Held(stopping=True) for r in group[n:]})
                        break
                    try:
                        outcome: Outcome = await self._send(row)
                    except asyncio.CancelledError:
                        raise
                    except Exception as exc:
                        # A row that breaks our own code must not block the queue or loop
                        # forever: it alone is failed.
                        log.exception("dispatch failed", outbox_id=row.id)
                        outcome = exc
                    except BaseException as exc:  # the process is going down: see above
                        dying.append(exc)
                        return
                    outcomes[row.id or 0] = outcome
                    if isinstance(outcome, SendError) and outcome.unreachable is not None:
                        # This address is now marked unusable: the rest for it goes back, to be
                        # re-addressed or cancelled by the next batch's check, as one at a time.
                        outcomes.update({r.id or 0: Held() for r in group[n + 1 :]})
                        break

        workers = [asyncio.create_task(worker()) for _ in range(min(self.in_flight, len(todo)))]
        await asyncio.gather(*workers)
        if dying:
            raise dying[0]

    async def _send(self, row: OutboxMessage) -> Outcome:
        """One send within the limits; a ``SendError`` is returned, not raised."""
        limiter = self.limiters.get(row.channel)
        if limiter is not None:
            wait = limiter.address_wait(row.address)
            if wait > 0:
                # This chat just got a message: put the row back a moment instead of holding
                # up every other chat in the batch.
                return Held(delay=timedelta(seconds=wait))
            await limiter.acquire(row.address)
        try:
            params = dict(row.params or {})
            kind, channel, language = row.kind, row.channel, row.language
            buttons = self.composer.buttons(kind, channel, language, row.id or 0, params)
            message = Outgoing(row.address, row.body, buttons, self.composer.attachment(row))
            result: SendResult = await self.channels[row.channel].send(message)
        except SendError as exc:
            if exc.retry_after and limiter is not None:
                limiter.pause(exc.retry_after)  # at once: the other sends in flight obey it too
            return exc
        return result
