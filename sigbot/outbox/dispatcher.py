"""The outbox dispatcher: claim due rows, send each once, record what happened.

The send happens outside any transaction, so no database lock is held while a provider
answers; what became of it is recorded by ``sigbot.outbox.attempts``. Just before each send the
address is checked again (docs/architecture.md, "The path of one reminder", step 4): nothing
goes to an address that opted out, nothing to a member who left, and a member's message goes
to the number or chat they have now.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta

import structlog
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.channels.base import Channel, Outgoing, SendError, SendResult
from sigbot.clock import Clock
from sigbot.db import Database
from sigbot.domain.consent import may_receive_now
from sigbot.models import (
    EVENT_REMINDERS,
    HELD_WHILE_PAUSED,
    Case,
    CaseStatus,
    JournalKind,
    Member,
    MessageKind,
    OutboxMessage,
    OutboxState,
    Unreachable,
)
from sigbot.outbox.attempts import Attempts, DispatchPolicy, journal_attempt
from sigbot.outbox.messenger import Messenger
from sigbot.outbox.ratelimit import RateLimiter
from sigbot.outbox.store import (
    Route,
    claim_due,
    later_reminder_query,
    member_routes,
    route_now,
    unusable_reasons,
)

__all__ = ["DispatchPolicy", "Dispatcher"]

log = structlog.get_logger(__name__)

# Answers to what the person just did in that chat (confirming /stop, refusing a /start code)
# go even to an address that opted out; nothing else does.
ANSWERS_TO_OPT_OUT = frozenset(
    {MessageKind.STOPPED_HERE, MessageKind.LINK_INVALID, MessageKind.LINK_PRIVATE_ONLY}
)


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
        self.attempts = Attempts(messenger, self.policy, self.limiters)
        self.worker_id = worker_id or f"w-{uuid.uuid4().hex[:8]}"
        self.stopping = False
        # Per channel: sends that failed in a row (for /healthz; reset by any success).
        self.failures_in_a_row: dict[str, int] = {}

    async def run_once(self) -> int:
        """Claim one batch of due rows and handle each; returns how many were handled."""
        now = self.clock.now()
        async with self.db.session() as session:
            ids = await claim_due(
                session,
                now=now,
                worker=self.worker_id,
                lease=self.policy.lease,
                limit=self.policy.batch_size,
            )
            await session.commit()
        for n, outbox_id in enumerate(ids):
            if self.stopping:
                # Shutting down: hand the rest of the batch back at once instead of waiting
                # for the lease to run out.
                await self._release(ids[n:])
                return n
            try:
                await self._handle(outbox_id)
            except Exception as exc:
                # A row that breaks our own code must not block the queue or loop forever.
                log.exception("dispatch failed", outbox_id=outbox_id)
                await self._poisoned(outbox_id, exc)
        return len(ids)

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

    async def _handle(self, outbox_id: int) -> None:
        row = await self._prepare(outbox_id)
        if row is None:
            return
        limiter = self.limiters.get(row.channel)
        if limiter is not None:
            wait = limiter.address_wait(row.address)
            if wait > 0:
                # This chat just got a message: put the row back a moment instead of holding
                # up every other chat in the batch.
                await self._release([outbox_id], delay=timedelta(seconds=wait))
                return
            await limiter.acquire(row.address)
        buttons = self.messenger.composer.buttons(
            row.kind, row.channel, row.language, outbox_id, dict(row.params or {})
        )
        try:
            result: SendResult | SendError = await self.channels[row.channel].send(
                Outgoing(row.address, row.body, buttons, self.messenger.composer.attachment(row))
            )
        except SendError as exc:
            result = exc
        await self._record(outbox_id, result)

    async def _prepare(self, outbox_id: int) -> OutboxMessage | None:
        """The claimed row if it should go now; otherwise it is settled here and None returned."""
        async with self.db.session() as session:
            row = await session.get(OutboxMessage, outbox_id)
            if row is None or row.state != OutboxState.CLAIMED or row.claimed_by != self.worker_id:
                return None
            now = self.clock.now()
            case = await session.get(Case, row.case_id) if row.case_id else None
            member = await session.get(Member, row.member_id) if row.member_id else None
            reason = await self._why_not(session, row, case, member, now)
            if reason is None:
                reason = await self._address_now(session, row, member, now)
            if reason is not None:
                state, why = reason
                row.state = state
                row.last_error = why
                session.add(row)
                journal_attempt(session, row, member, now, JournalKind(f"message.{state}"), why)
            elif row.channel not in self.channels:
                reason = (OutboxState.FAILED, f"{row.channel} is off")
                await self.attempts.give_up(session, row, case, member, now, reason[1])
            await session.commit()
            return None if reason is not None else row

    async def _record(self, outbox_id: int, result: SendResult | SendError) -> None:
        async with self.db.session() as session:
            row = await session.get(OutboxMessage, outbox_id)
            assert row is not None
            now = self.clock.now()
            member = await session.get(Member, row.member_id) if row.member_id else None
            if isinstance(result, SendResult):
                self.failures_in_a_row[row.channel] = 0
                row.state = OutboxState.SENT
                row.provider_id = result.provider_id
                row.provider_status = result.provider_status
                row.sent_at = now
                row.lease_until = None
                session.add(row)
                journal_attempt(session, row, member, now, JournalKind.MESSAGE_SENT, None)
                log.info("sent", outbox_id=row.id, channel=row.channel, kind=row.kind)
            else:
                if result.retryable:
                    failing = self.failures_in_a_row.get(row.channel, 0)
                    self.failures_in_a_row[row.channel] = failing + 1
                case = await session.get(Case, row.case_id) if row.case_id else None
                await self.attempts.failed(session, row, case, member, now, result)
            await session.commit()

    async def _why_not(
        self,
        session: AsyncSession,
        row: OutboxMessage,
        case: Case | None,
        member: Member | None,
        now: datetime,
    ) -> tuple[OutboxState, str] | None:
        """A reason not to send this row now, or None to go ahead."""
        if row.not_after is not None and now > row.not_after:
            return OutboxState.DROPPED, "too late to be useful"
        if row.kind in EVENT_REMINDERS and await self._later_reminder_due(session, row, now):
            # After downtime: only the latest of several overdue reminders is useful.
            return OutboxState.DROPPED, "a later reminder of the same event is due"
        if member is not None and not member.active:
            return OutboxState.CANCELLED, "no longer in the case"
        if case is not None and member is not None:
            if row.kind in HELD_WHILE_PAUSED and case.status != CaseStatus.ACTIVE:
                return OutboxState.CANCELLED, f"case is {case.status}"
            if not await may_receive_now(session, case, member, row.topic, now):
                return OutboxState.CANCELLED, f"no consent covers {row.topic} any more"
        return None

    async def _address_now(
        self, session: AsyncSession, row: OutboxMessage, member: Member | None, now: datetime
    ) -> tuple[OutboxState, str] | None:
        """Check the address at send time (docs/architecture.md, "The path of one reminder"):
        an address that opted out gets nothing; a member who left gets nothing; a member's row
        goes to their address as it is now, or is cancelled when they have none."""
        queued = Route(row.channel, row.address)
        # One query for the queued address and the member's own (set-based, not one each).
        routes = [queued, *(member_routes(member) if member is not None else [])]
        bad = await unusable_reasons(session, routes)
        problem = bad.get(queued)
        if problem is not None and row.kind in ANSWERS_TO_OPT_OUT:
            return None
        if problem == Unreachable.OPTED_OUT:
            return OutboxState.CANCELLED, f"the {row.channel} address opted out"
        if row.member_id is None:
            return None if problem is None else (OutboxState.CANCELLED, f"address {problem}")
        if member is None:
            return OutboxState.CANCELLED, "no longer in the case"
        route = route_now(member, queued, set(bad))
        if route is None:
            return OutboxState.CANCELLED, "no usable address any more"
        if route != queued:
            self._readdress(session, row, member, route, now)
        return None

    def _readdress(
        self, session: AsyncSession, row: OutboxMessage, member: Member, route: Route, now: datetime
    ) -> None:
        """Point the row at the member's current address; another channel gets its own text."""
        if route.channel == row.channel:
            detail = f"the {row.channel} address changed; sending to the current one"
        else:
            detail = f"no longer reachable by {row.channel}"
            params = dict(row.params or {})
            row.body = self.messenger.composer.render(row.kind, route.channel, row.language, params)
        row.channel, row.address = route.channel, route.address
        session.add(row)
        journal_attempt(session, row, member, now, JournalKind.MESSAGE_REROUTED, detail)

    @staticmethod
    async def _later_reminder_due(session: AsyncSession, row: OutboxMessage, now: datetime) -> bool:
        if row.subject_id is None:
            return False
        return (await session.exec(later_reminder_query(row, now))).first() is not None

    async def _poisoned(self, outbox_id: int, exc: Exception) -> None:
        async with self.db.session() as session:
            row = await session.get(OutboxMessage, outbox_id)
            if row is None:
                return
            row.state = OutboxState.FAILED
            row.last_error = f"internal error: {type(exc).__name__}"
            row.lease_until = None
            session.add(row)
            member = await session.get(Member, row.member_id) if row.member_id else None
            now = self.clock.now()
            journal_attempt(session, row, member, now, JournalKind.MESSAGE_FAILED, row.last_error)
            await session.commit()

    async def _release(self, ids: list[int], *, delay: timedelta | None = None) -> None:
        """Hand claimed rows back unsent (no attempt counted), now or after ``delay``."""
        async with self.db.session() as session:
            for outbox_id in ids:
                row = await session.get(OutboxMessage, outbox_id)
                if row is not None and row.claimed_by == self.worker_id:
                    row.state = OutboxState.PENDING
                    row.attempts = max(row.attempts - 1, 0)
                    row.lease_until = None
                    row.claimed_by = None
                    if delay is not None:
                        row.due_at = self.clock.now() + delay
                    session.add(row)
            await session.commit()
