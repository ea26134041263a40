"""Words that may mean someone is in danger (``sigbot.messages.danger``) are never just "free
text": the coordinator and the backup are alerted at once, whatever the hour, with the words;
the writer gets 112 and the helplines at once, in their language.

A number that is in no case still gets the helplines (and nothing about any case).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.escalations import escalate
from sigbot.journal import record
from sigbot.languages import FALLBACK, LANGUAGES
from sigbot.messages.danger import DangerMatch, detect
from sigbot.messages.variants import DANGER_WORDS
from sigbot.models import Case, EscalationReason, InboundMessage, JournalKind, Member, MessageKind
from sigbot.outbox.messenger import Messenger
from sigbot.outbox.store import Route

if TYPE_CHECKING:
    from sigbot.domain.inbound import Incoming

# The first category found in this order names the alert.
SEVERITY = ("suicide", "self_harm", "weapon", "violence", "threat", "abuse")


def headline(match: DangerMatch) -> str:
    """The gravest category of ``match``, as the words an alert shows (a catalog msgid)."""
    for category in SEVERITY:
        if category in match.categories:
            return DANGER_WORDS[category]
    return DANGER_WORDS[match.categories[0]] if match.categories else DANGER_WORDS["threat"]


async def alert_danger(
    session: AsyncSession,
    messenger: Messenger,
    *,
    case: Case,
    member: Member,
    row: InboundMessage,
    match: DangerMatch,
    now: datetime,
) -> None:
    """Journal what was found and alert the coordinator and the backup at the same moment."""
    record(
        session,
        case_id=case.id,
        at=now,
        kind=JournalKind.REPLY_DANGER,
        member_key=member.key,
        summary=f"{member.name} wrote words that may mean danger ({', '.join(match.categories)}):"
        f" {', '.join(match.phrases)}",
        data={
            "inbound_id": row.id,
            "categories": list(match.categories),
            "phrases": list(match.phrases),
        },
    )
    await escalate(
        session,
        messenger,
        case=case,
        member=member,
        reason=EscalationReason.DANGER,
        what=headline(match),
        answer=row.body,
        now=now,
        dedupe_key=f"danger|inbound|{row.id}",
        with_backup=True,
    )


async def help_numbers_to_stranger(
    session: AsyncSession,
    messenger: Messenger,
    *,
    route: Route,
    match: DangerMatch,
    row_id: int | None,
    now: datetime,
) -> None:
    """The helplines to a number in no case, in the language its words were in."""
    language = next((code for code in match.language_hints if code in LANGUAGES), FALLBACK)
    await messenger.to_address(
        session,
        route=route,
        language=language,
        kind=MessageKind.DANGER_ANSWER_UNKNOWN,
        params={},
        key=f"danger-unknown|{row_id}",
        now=now,
    )


async def helplines_anyway(
    session: AsyncSession,
    messenger: Messenger,
    incoming: Incoming,
    row_id: int | None,
    now: datetime,
) -> None:
    """The helplines to a member whose receipt could not go (no consent lets them be told of
    the case): the numbers only, as a stranger gets them, never anything about the case."""
    match = detect(incoming.text)
    if match is not None:
        route = Route(incoming.channel, incoming.address)
        await help_numbers_to_stranger(
            session, messenger, route=route, match=match, row_id=row_id, now=now
        )
