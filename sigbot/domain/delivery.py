"""Delivery status updates, applied without ever moving a status backwards.

Providers' callbacks arrive read into a ``StatusUpdate`` by the provider's channel module. They
can come out of order (``delivered`` before ``sent``); each status has a rank and a lower rank
never overwrites a higher one. ``undelivered``/``failed`` after a send tells the coordinator,
since the person did not get the message (docs/architecture.md, "How a message travels").
"""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.channels.base import DeliveryStatus, StatusUpdate
from sigbot.clock import Clock
from sigbot.db import Database
from sigbot.journal import record
from sigbot.models import Case, Member, OutboxMessage, OutboxState
from sigbot.models.enums import JournalKind, MessageKind
from sigbot.outbox.messenger import Messenger

RANK: dict[DeliveryStatus, int] = {
    DeliveryStatus.ACCEPTED: 0,
    DeliveryStatus.QUEUED: 1,
    DeliveryStatus.SENDING: 2,
    DeliveryStatus.SENT: 3,
    DeliveryStatus.DELIVERED: 5,
    DeliveryStatus.UNDELIVERED: 5,
    DeliveryStatus.FAILED: 5,
    DeliveryStatus.READ: 6,
}
NOT_DELIVERED = frozenset({DeliveryStatus.UNDELIVERED, DeliveryStatus.FAILED})


def rank(status: str | None) -> int:
    """How far a stored status got; -1 for none or a word no provider update uses."""
    try:
        return RANK[DeliveryStatus(status or "")]
    except ValueError:
        return -1


class StatusRecorder:
    """Applies provider status updates to outbox rows."""

    def __init__(self, *, db: Database, clock: Clock, messenger: Messenger | None = None) -> None:
        self.db = db
        self.clock = clock
        self.messenger = messenger

    async def apply(self, update: StatusUpdate) -> bool:
        """Apply one update; returns False when its message is unknown or it is out of date."""
        async with self.db.session() as session:
            row = (
                await session.exec(
                    select(OutboxMessage).where(
                        OutboxMessage.provider_id == update.provider_id,
                        OutboxMessage.channel == update.channel,
                    )
                )
            ).first()
            if row is None or RANK[update.status] <= rank(row.provider_status):
                return False
            row.provider_status = update.status.value
            if update.status == DeliveryStatus.DELIVERED:
                row.state = OutboxState.DELIVERED
            session.add(row)
            if update.status in NOT_DELIVERED and row.case_id is not None:
                await self._not_delivered(session, row, update)
            await session.commit()
            return True

    async def _not_delivered(
        self, session: AsyncSession, row: OutboxMessage, update: StatusUpdate
    ) -> None:
        """Journal it and, when we know whom it was for, tell the case's coordinator."""
        assert row.case_id is not None
        member = await session.get(Member, row.member_id) if row.member_id else None
        status, code = update.status.value, update.error_code
        record(
            session,
            case_id=row.case_id,
            at=self.clock.now(),
            kind=JournalKind.MESSAGE_UNDELIVERED,
            member_key=member.key if member else None,
            summary=f"{row.kind} to {member.name if member else 'unknown'} was not "
            f"delivered ({update.provider} {status}, code {code or '-'})",
            data={
                "outbox_id": row.id,
                "status": status,
                "error_code": code,
                "kind": row.kind,
                "provider": update.provider,
            },
        )
        case = await session.get(Case, row.case_id)
        if self.messenger is None or case is None or member is None:
            return
        # The person did not get it: the coordinator should know.
        await self.messenger.to_coordinators(
            session,
            case=case,
            kind=MessageKind.DELIVERY_FAILED,
            params={
                "case": case.ref,
                "who": member.name,
                "channel": update.channel.value,
                "reason": f"{update.provider} {status} ({code or '-'})",
                "fallback": False,
            },
            key=f"undelivered|{row.id}",
            now=self.clock.now(),
        )
