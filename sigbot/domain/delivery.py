"""Twilio's delivery status callbacks, applied without ever moving a status backwards.

Callbacks can arrive out of order (``delivered`` before ``sent``); each status has a rank and a
lower rank never overwrites a higher one. ``undelivered``/``failed`` after a send tells the
coordinator, since the person did not get the message.
"""

from __future__ import annotations

from sqlmodel import select

from sigbot.clock import Clock
from sigbot.db import Database
from sigbot.journal import record
from sigbot.models import Case, Member, OutboxMessage, OutboxState
from sigbot.outbox.messenger import Messenger

RANK = {
    "accepted": 0,
    "queued": 1,
    "sending": 2,
    "sent": 3,
    "delivered": 5,
    "undelivered": 5,
    "failed": 5,
    "read": 6,
}


class StatusRecorder:
    """Applies provider status callbacks to outbox rows."""

    def __init__(self, *, db: Database, clock: Clock, messenger: Messenger | None = None) -> None:
        self.db = db
        self.clock = clock
        self.messenger = messenger

    async def record(self, *, provider_id: str, status: str, error_code: str | None) -> bool:
        """Apply one callback; returns False when it was unknown or out of date."""
        status = status.lower()
        if not provider_id or status not in RANK:
            return False
        async with self.db.session() as session:
            row = (
                await session.exec(
                    select(OutboxMessage).where(
                        OutboxMessage.provider_id == provider_id, OutboxMessage.channel == "sms"
                    )
                )
            ).first()
            if row is None:
                return False
            current = RANK.get(row.provider_status or "", -1)
            if RANK[status] <= current:
                return False
            row.provider_status = status
            if status == "delivered":
                row.state = OutboxState.DELIVERED
            session.add(row)
            if status in ("undelivered", "failed") and row.case_id is not None:
                member = await session.get(Member, row.member_id) if row.member_id else None
                record(
                    session,
                    case_id=row.case_id,
                    at=self.clock.now(),
                    kind="message.undelivered",
                    member_key=member.key if member else None,
                    summary=f"{row.kind} to {member.name if member else 'unknown'} was not "
                    f"delivered (Twilio {status}, code {error_code or '-'})",
                    data={"outbox_id": row.id, "status": status, "error_code": error_code},
                )
                case = await session.get(Case, row.case_id)
                if self.messenger is not None and case is not None and member is not None:
                    # The person did not get it: the coordinator should know.
                    await self.messenger.to_coordinators(
                        session,
                        case=case,
                        kind="delivery_failed",
                        params={
                            "who": member.name,
                            "channel": "sms",
                            "reason": f"Twilio {status} ({error_code or '-'})",
                            "fallback": False,
                        },
                        key=f"undelivered|{row.id}",
                        now=self.clock.now(),
                    )
            await session.commit()
            return True
