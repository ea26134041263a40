"""The check just before a send, for a whole batch at once (docs/architecture.md, "The path of
one reminder", step 4): nothing goes too late, nothing after a later reminder of the same event
is due, nothing to a member who left or whom no consent covers any more, nothing to an address
that opted out, and a member's message goes to the number or chat they have now.

Everything the check reads is loaded set-based, a fixed number of queries per batch however
many rows it holds: the rows, their cases, members and consents, the unusable addresses among
every route involved, and (for event reminders only) the later reminders due.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.consent import may_receive
from sigbot.models import (
    EVENT_REMINDERS,
    HELD_WHILE_PAUSED,
    Case,
    CaseStatus,
    Consent,
    JournalKind,
    Member,
    MessageKind,
    OutboxMessage,
    OutboxState,
    Unreachable,
)
from sigbot.outbox.attempts import journal_attempt
from sigbot.outbox.messenger import Composer
from sigbot.outbox.store import (
    Route,
    by_id,
    later_reminders_due,
    member_routes,
    route_now,
    unusable_reasons,
)

# Answers to what the person just did in that chat (confirming /stop, refusing a /start code)
# go even to an address that opted out; nothing else does.
ANSWERS_TO_OPT_OUT = frozenset(
    {MessageKind.STOPPED_HERE, MessageKind.LINK_INVALID, MessageKind.LINK_PRIVATE_ONLY}
)

# Why a row does not go: the state it gets and the reason journaled.
Reason = tuple[OutboxState, str]


@dataclass
class Batch:
    """A claimed batch and what its check needs, loaded in one go."""

    rows: list[OutboxMessage]  # those still claimed by this worker, in claim order
    cases: dict[int, Case]
    members: dict[int, Member]
    consents: dict[int, list[Consent]]  # by case id
    unusable: dict[Route, str]  # among the rows' routes and their members' routes
    superseded: set[int]  # rows with a later reminder of the same event due

    def case_of(self, row: OutboxMessage) -> Case | None:
        return self.cases.get(row.case_id) if row.case_id else None

    def member_of(self, row: OutboxMessage) -> Member | None:
        return self.members.get(row.member_id) if row.member_id else None


async def load_batch(
    session: AsyncSession, ids: Sequence[int], *, worker: str, now: datetime
) -> Batch:
    """The rows ``ids`` that ``worker`` still holds, and all their check reads."""
    found = await by_id(session, OutboxMessage, ids)
    rows = [
        row
        for row in (found.get(i) for i in ids)
        if row is not None and row.state == OutboxState.CLAIMED and row.claimed_by == worker
    ]
    cases = await by_id(session, Case, {row.case_id for row in rows})
    members = await by_id(session, Member, {row.member_id for row in rows})
    consents: dict[int, list[Consent]] = {}
    if cases:
        query = select(Consent).where(col(Consent.case_id).in_(cases))
        for consent in await session.exec(query.order_by(col(Consent.id))):
            consents.setdefault(consent.case_id, []).append(consent)
    routes = [Route(row.channel, row.address) for row in rows]
    routes += [route for member in members.values() for route in member_routes(member)]
    reminders = [row for row in rows if row.kind in EVENT_REMINDERS]
    return Batch(
        rows=rows,
        cases=cases,
        members=members,
        consents=consents,
        unusable=await unusable_reasons(session, routes),
        superseded=await later_reminders_due(session, reminders, now),
    )


def why_not(batch: Batch, row: OutboxMessage, now: datetime) -> Reason | None:
    """A reason not to send this row now, or None to go ahead."""
    case, member = batch.case_of(row), batch.member_of(row)
    if row.not_after is not None and now > row.not_after:
        return OutboxState.DROPPED, "too late to be useful"
    if row.kind in EVENT_REMINDERS and row.id in batch.superseded:
        # After downtime: only the latest of several overdue reminders is useful.
        return OutboxState.DROPPED, "a later reminder of the same event is due"
    if member is not None and not member.active:
        return OutboxState.CANCELLED, "no longer in the case"
    if case is not None and member is not None:
        if row.kind in HELD_WHILE_PAUSED and case.status != CaseStatus.ACTIVE:
            return OutboxState.CANCELLED, f"case is {case.status}"
        assert case.id is not None
        if not may_receive(case, member, row.topic, batch.consents.get(case.id, []), now):
            return OutboxState.CANCELLED, f"no consent covers {row.topic} any more"
    return None


def address_now(
    session: AsyncSession,
    batch: Batch,
    row: OutboxMessage,
    now: datetime,
    composer: Composer,
) -> Reason | None:
    """Check the address at send time: an address that opted out gets nothing; a member who
    left gets nothing; a member's row goes to their address as it is now (re-addressed here,
    journaled), or is cancelled when they have none."""
    member = batch.member_of(row)
    queued = Route(row.channel, row.address)
    problem = batch.unusable.get(queued)
    if problem is not None and row.kind in ANSWERS_TO_OPT_OUT:
        return None
    if problem == Unreachable.OPTED_OUT:
        return OutboxState.CANCELLED, f"the {row.channel} address opted out"
    if row.member_id is None:
        return None if problem is None else (OutboxState.CANCELLED, f"address {problem}")
    if member is None:
        return OutboxState.CANCELLED, "no longer in the case"
    route = route_now(member, queued, set(batch.unusable))
    if route is None:
        return OutboxState.CANCELLED, "no usable address any more"
    if route != queued:
        readdress(session, row, member, route, now, composer)
    return None


def readdress(
    session: AsyncSession,
    row: OutboxMessage,
    member: Member,
    route: Route,
    now: datetime,
    composer: Composer,
) -> None:
    """Point the row at the member's current address; another channel gets its own text."""
    if route.channel == row.channel:
        detail = f"the {row.channel} address changed; sending to the current one"
    else:
        detail = f"no longer reachable by {row.channel}"
        row.body = composer.render(row.kind, route.channel, row.language, dict(row.params or {}))
    row.channel, row.address = route.channel, route.address
    session.add(row)
    journal_attempt(session, row, member, now, JournalKind.MESSAGE_REROUTED, detail)


def settle(
    session: AsyncSession, batch: Batch, row: OutboxMessage, reason: Reason, now: datetime
) -> None:
    """A row that does not go: its new state, the reason, one journal line."""
    state, why = reason
    row.state = state
    row.last_error = why
    session.add(row)
    member = batch.member_of(row)
    journal_attempt(session, row, member, now, JournalKind(f"message.{state}"), why)
