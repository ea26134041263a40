"""The answer to "how will you get there?" (the day-before reminder asks it): kept on the
event, shown to the coordinator, and counted as "yes, I'm coming", since a plan to get there is
a plan to come (Fishbane, Reeves & Hall, Science 2020, on plan-making reminders)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.answers import apply_answer
from sigbot.journal import record
from sigbot.messages.replies import ReplyKind
from sigbot.models import Case, InboundMessage, JournalKind, Member, OutboxMessage
from sigbot.outbox.messenger import Messenger


def asks_plan(prompt: OutboxMessage | None) -> bool:
    """Whether ``prompt`` is a reminder that asked how they will get there."""
    return prompt is not None and (prompt.params or {}).get("variant") == "plan"


async def keep_travel_plan(
    session: AsyncSession,
    messenger: Messenger,
    *,
    prompt: OutboxMessage,
    case: Case,
    member: Member,
    row: InboundMessage,
    now: datetime,
) -> None:
    """Journal the plan beside its event and record the answer as a yes."""
    what = str((prompt.params or {}).get("what_when") or prompt.kind)
    record(
        session,
        case_id=case.id,
        at=now,
        kind=JournalKind.TRAVEL_PLAN,
        member_key=member.key,
        summary=f"{member.name}'s plan to get to {what}: {row.body}",
        data={
            "inbound_id": row.id,
            "outbox_id": prompt.id,
            "subject_type": prompt.subject_type,
            "subject_id": prompt.subject_id,
            "plan": row.body,
            "what": what,
        },
    )
    if prompt.answered_at is None:
        await apply_answer(
            session,
            messenger,
            prompt=prompt,
            member=member,
            case=case,
            kind=ReplyKind.YES,
            now=now,
        )
