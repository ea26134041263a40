"""After "yes, I'm coming" the later reminders of the same event stop asking: each becomes a
short "see you" with no buttons, so nobody is asked the same question twice."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.journal import record
from sigbot.models import EVENT_REMINDERS, JournalKind, OutboxMessage, OutboxState, SubjectType
from sigbot.outbox.messenger import Messenger

EVENT_SUBJECTS = (SubjectType.APPOINTMENT, SubjectType.MEETING)


async def quiet_later_reminders(
    session: AsyncSession, messenger: Messenger, *, prompt: OutboxMessage, now: datetime
) -> int:
    """Turn the person's pending reminders of ``prompt``'s event into "see you"; how many."""
    if prompt.subject_type not in EVENT_SUBJECTS or prompt.subject_id is None:
        return 0
    rows = await session.exec(
        select(OutboxMessage).where(
            OutboxMessage.subject_type == prompt.subject_type,
            OutboxMessage.subject_id == prompt.subject_id,
            OutboxMessage.member_id == prompt.member_id,
            OutboxMessage.state == OutboxState.PENDING,
            col(OutboxMessage.kind).in_(EVENT_REMINDERS),
            OutboxMessage.id != prompt.id,
        )
    )
    changed = 0
    for row in rows:
        params = {**dict(row.params or {}), "variant": "see_you"}
        row.params = params
        row.body = messenger.composer.render(row.kind, row.channel, row.language, params)
        row.expects_reply = False
        session.add(row)
        changed += 1
    if changed:
        record(
            session,
            case_id=prompt.case_id,
            at=now,
            kind=JournalKind.REMINDERS_QUIETED,
            summary=f"{changed} later reminder(s) now only say 'see you'",
            data={"outbox_id": prompt.id, "count": changed},
        )
    return changed
