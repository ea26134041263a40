"""What happens after a send was tried: record it, retry it later, or give up and fall back.

Every attempt is journaled. Temporary failures (5xx, time-outs, 429) are retried with backoff;
permanent ones are not: the address is marked unusable, the message falls back to the person's
other channel when there is one, and the coordinator is told. A row that breaks our own code
is failed, and a row not sent is handed back. The dispatcher records a whole batch with these
in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.channels.base import SendError, SendResult
from sigbot.journal import record
from sigbot.models import (
    Case,
    ChannelKind,
    JournalKind,
    Member,
    MessageKind,
    OutboxMessage,
    OutboxState,
)
from sigbot.models.enums import STAFF_ROLES
from sigbot.outbox.messenger import Messenger
from sigbot.outbox.store import Route, mark_address, queued_to

log = structlog.get_logger(__name__)

VERBS = {
    JournalKind.MESSAGE_SENT: "sent to",
    JournalKind.MESSAGE_RETRY: "not yet delivered to",
    JournalKind.MESSAGE_FAILED: "could not be sent to",
    JournalKind.MESSAGE_DROPPED: "dropped for",
    JournalKind.MESSAGE_CANCELLED: "cancelled for",
    JournalKind.MESSAGE_FALLBACK: "falling back for",
    JournalKind.MESSAGE_REROUTED: "re-addressed for",
}


@dataclass(frozen=True)
class DispatchPolicy:
    """How the dispatcher works: rows claimed per batch, sends of a batch in flight at once
    (never two to one address), lease, attempts and backoff."""

    batch_size: int = 50
    in_flight: int = 16
    lease: timedelta = timedelta(seconds=120)
    max_attempts: int = 6
    base_backoff: timedelta = timedelta(seconds=10)
    max_backoff: timedelta = timedelta(minutes=30)

    def backoff(self, attempts: int) -> timedelta:
        """Exponential: 10 s, 20 s, 40 s ... capped."""
        factor = 1 << min(max(attempts - 1, 0), 20)
        return min(self.base_backoff * factor, self.max_backoff)


def journal_attempt(
    session: AsyncSession,
    row: OutboxMessage,
    member: Member | None,
    now: datetime,
    kind: JournalKind,
    detail: str | None,
) -> None:
    """One line in the case journal for what became of a message (the text when it was sent)."""
    if row.case_id is None:
        return
    who = member.name if member else ("the team lead" if "team_lead" in row.kind else "?")
    summary = f"{row.kind} {VERBS.get(kind, kind)} {who} via {row.channel}"
    if kind == JournalKind.MESSAGE_SENT:
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


async def cancel_queued(
    session: AsyncSession, route: Route, *, reason: str, now: datetime
) -> list[int]:
    """Cancel every message still waiting to go to ``route``, in every case, one journal line
    each (what was not sent, to whom, why), as for any other message that does not go out.

    Used when a person asks for no more messages there (SMS STOP, Telegram /stop); the ids are
    returned. Nothing brings them back: a START later applies to what is queued after it.
    """
    cancelled = []
    for row in await queued_to(session, route):
        row.state = OutboxState.CANCELLED
        row.last_error = reason
        session.add(row)
        member = await session.get(Member, row.member_id) if row.member_id else None
        journal_attempt(session, row, member, now, JournalKind.MESSAGE_CANCELLED, reason)
        cancelled.append(row.id or 0)
    return cancelled


def record_sent(
    session: AsyncSession,
    row: OutboxMessage,
    member: Member | None,
    now: datetime,
    result: SendResult,
) -> None:
    """The provider took the message: sent, with its id, and the text in the journal."""
    row.state = OutboxState.SENT
    row.provider_id = result.provider_id
    row.provider_status = result.provider_status
    row.sent_at = now
    row.lease_until = None
    session.add(row)
    journal_attempt(session, row, member, now, JournalKind.MESSAGE_SENT, None)
    log.info("sent", outbox_id=row.id, channel=row.channel, kind=row.kind)


def record_broken(
    session: AsyncSession, row: OutboxMessage, member: Member | None, now: datetime, exc: Exception
) -> None:
    """A row that broke our own code is failed (journaled), not retried forever."""
    row.state = OutboxState.FAILED
    row.last_error = f"internal error: {type(exc).__name__}"
    row.lease_until = None
    session.add(row)
    journal_attempt(session, row, member, now, JournalKind.MESSAGE_FAILED, row.last_error)


def hand_back(
    row: OutboxMessage, worker: str, now: datetime, delay: timedelta | None = None
) -> None:
    """A claimed row goes back unsent (no attempt counted), due now or after ``delay``."""
    if row.claimed_by != worker:
        return
    row.state = OutboxState.PENDING
    row.attempts = max(row.attempts - 1, 0)
    row.lease_until = None
    row.claimed_by = None
    if delay is not None:
        row.due_at = now + delay


@dataclass
class Attempts:
    """Records failures of outbox rows for one dispatcher (the provider's 429 pause of the
    channel is applied by the sender as soon as the answer comes)."""

    messenger: Messenger
    policy: DispatchPolicy

    async def failed(
        self,
        session: AsyncSession,
        row: OutboxMessage,
        case: Case | None,
        member: Member | None,
        now: datetime,
        error: SendError,
    ) -> None:
        """Retry later, or give up (and fall back) when it cannot work or tried enough."""
        row.last_error = error.reason
        row.lease_until = None
        log.warning(
            "send failed",
            outbox_id=row.id,
            channel=row.channel,
            retryable=error.retryable,
            code=error.code,
        )
        if error.unreachable is not None:
            # Never retried on this address: mark it, then fail over to the other channel.
            await mark_address(
                session,
                channel=row.channel,
                address=row.address,
                unusable=True,
                reason=error.unreachable.value,
                now=now,
            )
            await self.give_up(session, row, case, member, now, error.reason)
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
            detail = (
                f"{error.reason}; attempt {row.attempts}, next in {int(delay.total_seconds())} s"
            )
            journal_attempt(session, row, member, now, JournalKind.MESSAGE_RETRY, detail)
            return
        await self.give_up(session, row, case, member, now, error.reason)

    async def give_up(
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
        journal_attempt(session, row, member, now, JournalKind.MESSAGE_FAILED, reason)
        if case is not None and member is not None:
            await self._fall_back(session, row, case, member, now, reason)

    async def _fall_back(
        self,
        session: AsyncSession,
        row: OutboxMessage,
        case: Case,
        member: Member,
        now: datetime,
        reason: str,
    ) -> None:
        """Try the person's other channel and tell the coordinator the first one failed."""
        other = ChannelKind.SMS if row.channel == ChannelKind.TELEGRAM else ChannelKind.TELEGRAM
        new_id = await self.messenger.to_member(
            session,
            case=case,
            member=member,
            kind=row.kind,
            topic=row.topic,
            params=dict(row.params or {}),
            key=f"{row.idempotency_key}|via-{other}",
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
            journal_attempt(
                session,
                row,
                member,
                now,
                JournalKind.MESSAGE_FALLBACK,
                f"trying another channel ({new_id})",
            )
        if member.role in STAFF_ROLES:
            return  # staff's own alert failing is not news for the coordinator
        await self.messenger.to_coordinators(
            session,
            case=case,
            kind=MessageKind.DELIVERY_FAILED,
            params={
                "who": member.name,
                "channel": row.channel,
                "reason": reason,
                "fallback": new_id is not None,
            },
            key=f"delivery-failed|{row.id}",
            now=now,
        )
