"""The outbox dispatcher: claim due rows, send each once, record what happened, in batches.

One batch takes three transactions however many rows it holds: the claim; the check just
before sending (``sigbot.outbox.checks``: docs/architecture.md, "The path of one reminder",
step 4), which settles the rows that must not go (dropped, cancelled) and re-addresses others;
and, after the sends, the record of every outcome (``sigbot.outbox.attempts``: sent, retried,
failed with a fallback and a word to the coordinator, handed back). The sends happen outside
any transaction, so no database lock is held while a provider answers, and several are in
flight at once (``sigbot.outbox.sending``: never two to one address, within the rate limits).

Because a batch is recorded after all its sends, a hard crash between sending and recording
(power cut, ``kill -9``) can send the messages of that one batch again once their lease runs
out. A graceful stop finishes the batch first: sends in flight complete, rows not yet started
are handed back, and all of it is recorded before ``run_once`` returns.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

import structlog

from sigbot.channels.base import Channel, SendError, SendResult
from sigbot.clock import Clock
from sigbot.db import Database
from sigbot.models import Case, Member, OutboxMessage
from sigbot.outbox.attempts import (
    Attempts,
    DispatchPolicy,
    hand_back,
    record_broken,
    record_sent,
)
from sigbot.outbox.checks import address_now, load_batch, settle, why_not
from sigbot.outbox.messenger import Messenger
from sigbot.outbox.ratelimit import RateLimiter
from sigbot.outbox.sending import BatchSender, Held, Outcome
from sigbot.outbox.store import by_id, claim_due

__all__ = ["DispatchPolicy", "Dispatcher"]

log = structlog.get_logger(__name__)


class Dispatcher:
    """Sends due outbox rows. Several can run on PostgreSQL; on SQLite run one."""

    def __init__(
        self,
        *,
        db: Database,
        channels: Mapping[str, Channel],
        messenger: Messenger,
        clock: Clock,
        limiters: Mapping[str, RateLimiter] | None = None,
        policy: DispatchPolicy | None = None,
        worker_id: str | None = None,
    ) -> None:
        self.db = db
        self.channels = dict(channels)
        self.messenger = messenger
        self.clock = clock
        self.limiters = dict(limiters or {})
        self.policy = policy or DispatchPolicy()
        self.attempts = Attempts(messenger, self.policy)
        self.sender = BatchSender(
            channels=self.channels,
            composer=messenger.composer,
            limiters=self.limiters,
            in_flight=self.policy.in_flight,
            stopping=lambda: self.stopping,
        )
        self.worker_id = worker_id or f"w-{uuid.uuid4().hex[:8]}"
        self.stopping = False
        # Per channel: sends that failed in a row (for /healthz; reset by any success).
        self.failures_in_a_row: dict[str, int] = {}

    async def run_once(self) -> int:
        """Claim one batch of due rows and handle it; returns how many rows were handled (not
        counting those handed back because the dispatcher is stopping)."""
        async with self.db.session() as session:
            ids = await claim_due(
                session,
                now=self.clock.now(),
                worker=self.worker_id,
                lease=self.policy.lease,
                limit=self.policy.batch_size,
            )
            await session.commit()
        if not ids:
            return 0
        if self.stopping:
            # Shutting down: hand the batch back at once instead of waiting for the lease.
            await self._record([(i, Held(stopping=True)) for i in ids])
            return 0
        going = await self._prepare(ids)
        outcomes: dict[int, Outcome] = {}
        try:
            await self.sender.send_all(going, outcomes)
        finally:
            # Also when the process is going down: what did go is recorded as sent.
            done = [(r.id, outcomes[r.id]) for r in going if r.id is not None and r.id in outcomes]
            await self._record(done)
        stopped = sum(1 for o in outcomes.values() if isinstance(o, Held) and o.stopping)
        return len(ids) - stopped

    async def drain(self, max_batches: int = 1000) -> int:
        """Run batches until nothing is due (tests, the demo, shutdown)."""
        total = 0
        for _ in range(max_batches):
            if self.stopping:
                break
            n = await self.run_once()
            total += n
            if n == 0:
                break
        return total

    async def _prepare(self, ids: Sequence[int]) -> list[OutboxMessage]:
        """The claimed rows that should go now, in claim order; the others are settled.

        All in one transaction; if our own code breaks on a row, the batch is checked again
        row by row so that only the row that breaks is failed.
        """
        try:
            return await self._check(ids)
        except Exception as exc:
            log.exception("dispatch check failed", rows=len(ids))
            if len(ids) == 1:
                await self._record([(ids[0], exc)])
                return []
        going = []
        for outbox_id in ids:
            try:
                going += await self._check([outbox_id])
            except Exception as exc:
                log.exception("dispatch failed", outbox_id=outbox_id)
                await self._record([(outbox_id, exc)])
        return going

    async def _check(self, ids: Sequence[int]) -> list[OutboxMessage]:
        async with self.db.session() as session:
            now = self.clock.now()
            batch = await load_batch(session, ids, worker=self.worker_id, now=now)
            going = []
            for row in batch.rows:
                reason = why_not(batch, row, now)
                if reason is None:
                    reason = address_now(session, batch, row, now, self.messenger.composer)
                if reason is not None:
                    settle(session, batch, row, reason, now)
                elif row.channel not in self.channels:
                    case, member = batch.case_of(row), batch.member_of(row)
                    reason_off = f"{row.channel} is off"
                    await self.attempts.give_up(session, row, case, member, now, reason_off)
                else:
                    going.append(row)
            await session.commit()
        return going

    async def _record(self, outcomes: Sequence[tuple[int, Outcome]]) -> None:
        """Record every outcome in one transaction; if our own code breaks on one, record them
        row by row so that only the row that breaks is failed."""
        if not outcomes:
            return
        try:
            await self._record_together(outcomes)
            return
        except Exception:
            if len(outcomes) == 1 and _broken(outcomes[0][1]):
                raise  # failing a broken row failed: nothing more to do here
            log.exception("dispatch record failed", rows=len(outcomes))
        for outbox_id, outcome in outcomes:
            try:
                await self._record_together([(outbox_id, outcome)])
            except Exception as exc:
                log.exception("dispatch failed", outbox_id=outbox_id)
                await self._record_together([(outbox_id, exc)])

    async def _record_together(self, outcomes: Sequence[tuple[int, Outcome]]) -> None:
        async with self.db.session() as session:
            rows = await by_id(session, OutboxMessage, [i for i, _ in outcomes])
            members = await by_id(session, Member, {r.member_id for r in rows.values()})
            failed = [rows[i].case_id for i, o in outcomes if i in rows and _fails(o)]
            cases = await by_id(session, Case, failed)
            now = self.clock.now()
            for outbox_id, outcome in outcomes:
                row = rows.get(outbox_id)
                if row is None:
                    continue
                member = members.get(row.member_id) if row.member_id else None
                if isinstance(outcome, Held):
                    hand_back(row, self.worker_id, now, outcome.delay)
                elif isinstance(outcome, SendResult):
                    record_sent(session, row, member, now, outcome)
                elif isinstance(outcome, SendError):
                    case = cases.get(row.case_id) if row.case_id else None
                    await self.attempts.failed(session, row, case, member, now, outcome)
                else:
                    record_broken(session, row, member, now, outcome)
            await session.commit()
        for outbox_id, outcome in outcomes:
            if outbox_id in rows:
                self._count(rows[outbox_id].channel, outcome)

    def _count(self, channel: str, outcome: Outcome) -> None:
        """Keep ``failures_in_a_row`` (the send's channel: the row's after any re-address)."""
        if isinstance(outcome, SendResult):
            self.failures_in_a_row[channel] = 0
        elif isinstance(outcome, SendError) and outcome.retryable:
            self.failures_in_a_row[channel] = self.failures_in_a_row.get(channel, 0) + 1


def _fails(outcome: Outcome) -> bool:
    """A failed send (its case is needed: a fallback, a word to the coordinator)."""
    return isinstance(outcome, SendError)


def _broken(outcome: Outcome) -> bool:
    """Our own code broke on the row (not the provider)."""
    return isinstance(outcome, Exception) and not isinstance(outcome, SendError)
