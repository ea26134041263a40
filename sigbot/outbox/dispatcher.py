"""The outbox dispatcher: claim due rows, send each once, record what happened.

Every attempt is journaled. Temporary failures (5xx, time-outs, 429) are retried with backoff;
permanent ones are not: the address is marked unusable, the message falls back to the person's
other channel when there is one, and the coordinator is told.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.channels.base import Channel, Outgoing, SendError
from sigbot.clock import Clock
from sigbot.db import Database
from sigbot.domain.consent import may_receive_now
from sigbot.journal import record
from sigbot.models import Case, CaseStatus, ContactAddress, Member, OutboxMessage, OutboxState, Role
from sigbot.outbox.messenger import Messenger
from sigbot.outbox.ratelimit import RateLimiter
from sigbot.outbox.store import Route, claim_due

log = structlog.get_logger(__name__)

# Kinds that only make sense while a case runs; pausing or closing a case holds them back.
FOLLOW_UP_KINDS = frozenset({"appointment_reminder", "meeting_reminder", "check_in"})
REMINDER_KINDS = frozenset({"appointment_reminder", "meeting_reminder"})


@dataclass(frozen=True)
class DispatchPolicy:
    batch_size: int = 50
    lease: timedelta = timedelta(seconds=120)
    max_attempts: int = 6
    base_backoff: timedelta = timedelta(seconds=10)
    max_backoff: timedelta = timedelta(minutes=30)

    def backoff(self, attempts: int) -> timedelta:
        """Exponential: 10 s, 20 s, 40 s ... capped."""
        factor = 1 << min(max(attempts - 1, 0), 20)
        return min(self.base_backoff * factor, self.max_backoff)


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
            self._journal(session, row, member, self.clock.now(), "message.failed", row.last_error)
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
        async with self.db.session() as session:
            row = await session.get(OutboxMessage, outbox_id)
            if row is None or row.state != OutboxState.CLAIMED or row.claimed_by != self.worker_id:
                return
            now = self.clock.now()
            case = await session.get(Case, row.case_id) if row.case_id else None
            member = await session.get(Member, row.member_id) if row.member_id else None
            reason = await self._why_not(session, row, case, member, now)
            if reason is not None:
                state, why = reason
                row.state = state
                row.last_error = why
                session.add(row)
                self._journal(session, row, member, now, f"message.{state}", why)
                await session.commit()
                return
            channel = self.channels.get(row.channel)
            if channel is None:
                await self._give_up(session, row, case, member, now, f"{row.channel} is off")
                await session.commit()
                return
        # The send happens outside any transaction: no database lock is held while waiting.
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
        error: SendError | None = None
        try:
            result = await channel.send(Outgoing(row.address, row.body, buttons))
        except SendError as exc:
            error = exc
        async with self.db.session() as session:
            row = await session.get(OutboxMessage, outbox_id)
            assert row is not None
            now = self.clock.now()
            case = await session.get(Case, row.case_id) if row.case_id else None
            member = await session.get(Member, row.member_id) if row.member_id else None
            if error is None:
                self.failures_in_a_row[row.channel] = 0
                row.state = OutboxState.SENT
                row.provider_id = result.provider_id
                row.provider_status = result.provider_status
                row.sent_at = now
                row.lease_until = None
                session.add(row)
                self._journal(session, row, member, now, "message.sent", None)
                log.info("sent", outbox_id=row.id, channel=row.channel, kind=row.kind)
            else:
                if error.retryable:
                    self.failures_in_a_row[row.channel] = (
                        self.failures_in_a_row.get(row.channel, 0) + 1
                    )
                await self._failed(session, row, case, member, now, error)
            await session.commit()

    async def _why_not(
        self,
        session: AsyncSession,
        row: OutboxMessage,
        case: Case | None,
        member: Member | None,
        now: datetime,
    ) -> tuple[str, str] | None:
        """A reason not to send this row now, or None to go ahead."""
        if row.not_after is not None and now > row.not_after:
            return OutboxState.DROPPED, "too late to be useful"
        if row.kind in REMINDER_KINDS and row.subject_id is not None:
            later = await session.exec(
                select(OutboxMessage.id).where(
                    OutboxMessage.kind == row.kind,
                    OutboxMessage.subject_type == row.subject_type,
                    OutboxMessage.subject_id == row.subject_id,
                    OutboxMessage.member_id == row.member_id,
                    col(OutboxMessage.state).in_([OutboxState.PENDING, OutboxState.CLAIMED]),
                    col(OutboxMessage.due_at) > row.due_at,
                    col(OutboxMessage.due_at) <= now,
                )
            )
            if later.first() is not None:
                # After downtime: only the latest of several overdue reminders is useful.
                return OutboxState.DROPPED, "a later reminder of the same event is due"
        if case is not None and member is not None:
            if row.kind in FOLLOW_UP_KINDS and case.status != CaseStatus.ACTIVE:
                return OutboxState.CANCELLED, f"case is {case.status}"
            if not await may_receive_now(session, case, member, row.topic, now):
                return OutboxState.CANCELLED, f"no consent covers {row.topic} any more"
        return None

    async def _failed(
        self,
        session: AsyncSession,
        row: OutboxMessage,
        case: Case | None,
        member: Member | None,
        now: datetime,
        error: SendError,
    ) -> None:
        row.last_error = error.reason
        row.lease_until = None
        log.warning(
            "send failed",
            outbox_id=row.id,
            channel=row.channel,
            retryable=error.retryable,
            code=error.code,
        )
        if error.retry_after and row.channel in self.limiters:
            self.limiters[row.channel].pause(error.retry_after)
        if error.unreachable is not None:
            # Never retried on this address: mark it, then fail over to the other channel.
            await self._mark_unusable(session, row, error, now)
            await self._give_up(session, row, case, member, now, error.reason)
            return
        if error.retryable and row.attempts < self.policy.max_attempts:
            delay = (
                timedelta(seconds=error.retry_after)
                if error.retry_after
                else self.policy.backoff(row.attempts)
            )
            row.state = OutboxState.PENDING
            row.due_at = now + delay
            session.add(row)
            self._journal(
                session,
                row,
                member,
                now,
                "message.retry",
                f"{error.reason}; attempt {row.attempts}, next in {int(delay.total_seconds())} s",
            )
            return
        await self._give_up(session, row, case, member, now, error.reason)

    async def _give_up(
        self,
        session: AsyncSession,
        row: OutboxMessage,
        case: Case | None,
        member: Member | None,
        now: datetime,
        reason: str,
    ) -> None:
        row.state = OutboxState.FAILED
        row.last_error = reason
        session.add(row)
        self._journal(session, row, member, now, "message.failed", reason)
        await self._fall_back(session, row, case, member, now, reason)

    async def _fall_back(
        self,
        session: AsyncSession,
        row: OutboxMessage,
        case: Case | None,
        member: Member | None,
        now: datetime,
        reason: str,
    ) -> None:
        """Try the person's other channel and tell the coordinator the first one failed."""
        if case is None or member is None:
            return
        new_id = await self.messenger.to_member(
            session,
            case=case,
            member=member,
            kind=row.kind,
            topic=row.topic,
            params=dict(row.params or {}),
            key=f"{row.idempotency_key}|via-{'sms' if row.channel == 'telegram' else 'telegram'}",
            due_at=now,
            now=now,
            not_after=row.not_after,
            reply_by=row.reply_by,
            subject=(row.subject_type, row.subject_id)
            if row.subject_type and row.subject_id is not None
            else None,
            exclude=frozenset({Route(row.channel, row.address)}),
            fallback_of=row.id,
        )
        if new_id is not None:
            self._journal(
                session, row, member, now, "message.fallback", f"trying another channel ({new_id})"
            )
        is_own_coordinator = member.role == Role.COORDINATOR
        if not is_own_coordinator:
            await self.messenger.to_coordinators(
                session,
                case=case,
                kind="delivery_failed",
                params={
                    "who": member.name,
                    "channel": row.channel,
                    "reason": reason,
                    "fallback": new_id is not None,
                },
                key=f"delivery-failed|{row.id}",
                now=now,
            )

    async def _mark_unusable(
        self, session: AsyncSession, row: OutboxMessage, error: SendError, now: datetime
    ) -> None:
        assert error.unreachable is not None
        await mark_address(
            session,
            channel=row.channel,
            address=row.address,
            unusable=True,
            reason=error.unreachable.value,
            now=now,
        )

    @staticmethod
    def _journal(
        session: AsyncSession,
        row: OutboxMessage,
        member: Member | None,
        now: datetime,
        kind: str,
        detail: str | None,
    ) -> None:
        if row.case_id is None:
            return
        who = member.name if member else ("the team lead" if "team_lead" in row.kind else "?")
        verb = {
            "message.sent": "sent to",
            "message.retry": "not yet delivered to",
            "message.failed": "could not be sent to",
            "message.dropped": "dropped for",
            "message.cancelled": "cancelled for",
            "message.fallback": "falling back for",
        }.get(kind, kind)
        summary = f"{row.kind} {verb} {who} via {row.channel}"
        if kind == "message.sent":
            summary += f": {row.body}"
        elif detail:
            summary += f" ({detail})"
        record(
            session,
            case_id=row.case_id,
            at=now,
            kind=kind,
            member_key=member.key if member else None,
            summary=summary,
            data={
                "outbox_id": row.id,
                "channel": row.channel,
                "kind": row.kind,
                "attempt": row.attempts,
                "provider_id": row.provider_id,
                "detail": detail,
            },
        )


async def mark_address(
    session: AsyncSession,
    *,
    channel: str,
    address: str,
    unusable: bool,
    reason: str | None,
    now: datetime,
) -> None:
    """Record that an address may (not) be used: STOP/START, blocked bot, invalid number."""
    row = (
        await session.exec(
            select(ContactAddress).where(
                ContactAddress.channel == channel, ContactAddress.address == address
            )
        )
    ).first()
    if row is None:
        row = ContactAddress(channel=channel, address=address)
    row.unusable = unusable
    row.unusable_reason = reason if unusable else None
    row.unusable_since = now if unusable else None
    row.updated_at = now
    session.add(row)
    await session.flush()
