"""Who wrote, and what they answer: the members at an address and the question a reply is for.

Split from ``sigbot.domain.inbound`` (docs/architecture.md, "The path of one reply and one
escalation"). A question still counts as open for an answer within ``ANSWER_WINDOW`` of being
sent even after ``no_reply_after`` marked it unanswered (``Answer.NONE``): the late answer is
recorded and closes the alert it would have prevented (``sigbot.domain.late_answers``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.models import (
    REACHED_STATES,
    Answer,
    Case,
    CaseStatus,
    ChannelKind,
    Member,
    OutboxMessage,
    Role,
)

ANSWER_WINDOW = timedelta(days=7)
_WORD = re.compile(r"\w+")


def answerable(prompt: OutboxMessage) -> bool:
    """Open, or marked unanswered by the scheduler (a late answer still counts)."""
    return prompt.answered_at is None or prompt.answer == Answer.NONE


async def members_at(session: AsyncSession, channel: str, address: str) -> list[Member]:
    """Active members reachable at this address, in cases that are not closed."""
    query = (
        select(Member)
        .join(Case, col(Case.id) == col(Member.case_id))
        .where(col(Member.active), Case.status != CaseStatus.CLOSED)
    )
    if channel == ChannelKind.SMS:
        query = query.where(Member.phone == address)
    else:
        try:
            chat = int(address)
        except ValueError:
            return []
        query = query.where(Member.telegram_chat_id == chat)
    return list(await session.exec(query.order_by(col(Member.id))))


async def find_prompt(
    session: AsyncSession,
    members: Sequence[Member],
    now: datetime,
    callback_id: int | None = None,
) -> OutboxMessage | None:
    """The reminder or check-in a message answers: the button's, or the latest open one."""
    ids = [m.id for m in members]
    if callback_id is not None:
        prompt = await session.get(OutboxMessage, callback_id)
        if prompt is None or prompt.member_id not in ids or not answerable(prompt):
            return None
        return prompt
    rows = await session.exec(
        select(OutboxMessage).where(
            col(OutboxMessage.member_id).in_(ids),
            col(OutboxMessage.expects_reply),
            or_(
                col(OutboxMessage.answered_at).is_(None),
                col(OutboxMessage.answer) == Answer.NONE,
            ),
            col(OutboxMessage.state).in_(REACHED_STATES),
            col(OutboxMessage.sent_at) >= now - ANSWER_WINDOW,
        )
    )
    # The newest question wins; among questions sent together, the one with the nearest
    # deadline (a reminder before an invitation to a meeting weeks away).
    far = now + timedelta(days=3650)
    candidates = sorted(
        rows,
        key=lambda r: (
            -(r.sent_at or now).timestamp(),
            (r.reply_by or far).timestamp(),
            -(r.id or 0),
        ),
    )
    return candidates[0] if candidates else None


async def named_cases(session: AsyncSession, case_ids: Sequence[int], text: str) -> set[int]:
    """The cases among ``case_ids`` whose young person ``text`` names (a whole word, any case)."""
    words = {w.casefold() for w in _WORD.findall(text)}
    youths = await session.exec(
        select(Member).where(
            col(Member.case_id).in_(case_ids), Member.role == Role.YOUTH, col(Member.active)
        )
    )
    return {
        y.case_id
        for y in youths
        if y.name and any(part.casefold() in words for part in _WORD.findall(y.name))
    }


async def youth_names(session: AsyncSession, case_ids: Sequence[int]) -> list[str]:
    """The first names of the young people of ``case_ids`` (for a Telegram question only)."""
    youths = await session.exec(
        select(Member)
        .where(col(Member.case_id).in_(case_ids), Member.role == Role.YOUTH, col(Member.active))
        .order_by(col(Member.id))
    )
    return [y.name.split()[0] for y in youths if y.name]
