"""A case's people and whether sigbot can reach them: a linked Telegram chat, an SMS number, and
whether either was stopped, blocked or found invalid (``ContactAddress.unusable``, the state the
dispatcher checks before every send, ``sigbot.outbox.store``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.models import ChannelKind, ContactAddress, Member, Unreachable
from sigbot.models.enums import STAFF_ROLES
from sigbot.outbox.store import Route, member_routes
from sigbot.views.common import by_role, mask_phone


class Reach(StrEnum):
    """The state of one way to reach a person."""

    WORKS = "works"  # a linked chat or a number sigbot may use
    MISSING = "missing"  # no chat linked, no number given
    OPTED_OUT = Unreachable.OPTED_OUT.value  # STOP by SMS, /stop in Telegram
    BLOCKED = Unreachable.BLOCKED.value  # the person blocked the bot
    INVALID = Unreachable.INVALID.value  # the number or chat does not exist
    UNUSABLE = "unusable"  # marked unusable without a reason


@dataclass(frozen=True)
class MemberRow:
    """One active person of the case. ``phone`` is masked to its last two digits; ``via`` is the
    channel a message to them would take now (None: nothing reaches them)."""

    id: int
    key: str
    name: str
    role: str
    organisation: str | None
    language: str
    channel: str | None
    account: str | None
    telegram: Reach
    sms: Reach
    phone: str | None
    via: str | None

    @property
    def reachable(self) -> bool:
        return self.via is not None


async def _problems(session: AsyncSession, routes: Sequence[Route]) -> dict[Route, Reach]:
    """Why each of ``routes`` may not be used, for those marked unusable."""
    if not routes:
        return {}
    rows = await session.exec(
        select(ContactAddress).where(
            col(ContactAddress.unusable),
            col(ContactAddress.address).in_({route.address for route in routes}),
        )
    )
    found = {}
    for row in rows:
        reason = row.unusable_reason or Reach.UNUSABLE
        found[Route(row.channel, row.address)] = (
            Reach(reason) if reason in set(Reach) else Reach.UNUSABLE
        )
    return found


def _state(route: Route | None, problems: dict[Route, Reach]) -> Reach:
    if route is None:
        return Reach.MISSING
    return problems.get(route, Reach.WORKS)


async def member_rows(session: AsyncSession, case_id: int) -> list[MemberRow]:
    """The case's active people by role (the young person, guardians, staff, the other
    professionals), then by key."""
    query = select(Member).where(Member.case_id == case_id, col(Member.active))
    members = list(await session.exec(query))
    routes = {member.id: member_routes(member) for member in members}
    problems = await _problems(session, [r for rs in routes.values() for r in rs])
    rows = []
    for member in members:
        assert member.id is not None
        mine = routes[member.id]
        chat = next((r for r in mine if r.channel == ChannelKind.TELEGRAM), None)
        phone = next((r for r in mine if r.channel == ChannelKind.SMS), None)
        via = next((r.channel for r in mine if r not in problems), None)
        rows.append(
            MemberRow(
                id=member.id,
                key=member.key,
                name=member.name,
                role=member.role,
                organisation=member.organisation,
                language=member.language,
                channel=member.channel,
                account=(member.account or member.key) if member.role in STAFF_ROLES else None,
                telegram=_state(chat, problems),
                sms=_state(phone, problems),
                phone=mask_phone(member.phone),
                via=via,
            )
        )
    return sorted(rows, key=lambda row: by_role(row.role, row.key))
