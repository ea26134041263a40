"""Two cases built the way a coordinator builds them (plan files imported, the scheduler run,
people answering through the inbound path), and accounts to read them as.

ST-2026-014 is examples/case.yaml: coordinator maja, backup jonas, team "north".
ST-2026-020 is another coordinator's (omar, team "south"): it must never show for maja.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.inbound import Incoming
from sigbot.messages.replies import parse_reply
from sigbot.models import Account, Member, OutboxMessage, OutboxState
from tests.sigbot.env import Env, make_env

T = TypeVar("T")
TZ = ZoneInfo("Europe/Stockholm")
MAJAS = "ST-2026-014"
OMARS = "ST-2026-020"

OTHER_CASE = """
case:
  ref: ST-2026-020
  coordinator: omar
  backup: sara
  status: active
members:
  - {key: ali,   role: youth,       name: Ali,   phone: "+46709990001", telegram_chat_id: 5001, channel: telegram}
  - {key: amina, role: guardian,    name: Amina, phone: "+46709990002", channel: sms}
  - {key: omar,  role: coordinator, name: Omar,  telegram_chat_id: 5101}
  - {key: sara,  role: coordinator, name: Sara,  telegram_chat_id: 5102}
consent:
  - given_by: [ali, amina]
    share_with: [omar, sara, amina]
    topics: [meetings, plan, reminders, escalations]
    valid_until: 2026-12-10
meetings:
  - {kind: network, at: 2026-11-26T15:00, place: Rinkeby träff, invite: [ali, amina, omar]}
appointments:
  - {who: ali, what: Tandläkare, at: 2026-11-26T11:00, place: Folktandvården}
commitments:
  - {owner: ali, area: school, text: Vara i skolan klockan åtta, check_in: daily}
"""  # noqa: E501


def local(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    """A Stockholm wall-clock time as aware UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=TZ).astimezone(UTC)


@asynccontextmanager
async def two_cases(db: Database, clock: FakeClock) -> AsyncIterator[Env]:
    """Both cases imported at the clock's time (Wednesday 2026-11-25 09:00 in Stockholm)."""
    async with make_env(db, clock) as env:
        await env.load()
        await env.load(OTHER_CASE)
        yield env


PEOPLE = {
    "maja": ("coordinator", "north"),
    "jonas": ("coordinator", "north"),
    "omar": ("coordinator", "south"),
    "lena": ("team_lead", "north"),  # leads maja's and jonas's team
    "root": ("admin", None),
}


async def accounts(env: Env, *usernames: str) -> dict[str, Account]:
    """Accounts for ``usernames`` (default: all of :data:`PEOPLE`). They never log in here, so
    they are stored without a password: an Argon2 hash per account would cost more than the
    rest of a test."""
    made = {}
    async with env.db.session() as session:
        for username in usernames or tuple(PEOPLE):
            role, team = PEOPLE[username]
            account = Account(
                username=username,
                role=role,
                name=username.title(),
                language="en",
                team=team,
                password_hash="",  # matches no password (domain.accounts.password_matches)
                created_at=env.clock.now(),
            )
            session.add(account)
            made[username] = account
        await session.commit()
    return made


async def read(env: Env, view: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run a read model in a fresh session, as a request would."""
    async with env.db.session() as session:
        return await view(session)


async def at(env: Env, year: int, month: int, day: int, hour: int, minute: int) -> None:
    """Move the clock to a Stockholm wall-clock time and let the scheduler and the dispatcher
    do what is due then (two passes: a rule may plan in one what it sends in the next)."""
    env.clock.set(local(year, month, day, hour, minute))
    await env.cycle()
    await env.cycle()


async def answer(env: Env, key: str, reply: str, kind: str | None = None) -> None:
    """``key`` answers the latest question sent to them (of ``kind``, if given), by button on
    Telegram or by SMS, through the inbound path a real answer takes."""
    async with env.db.session() as session:
        member = (await session.exec(select(Member).where(Member.key == key))).one()
        query = select(OutboxMessage).where(
            OutboxMessage.member_id == member.id,
            col(OutboxMessage.expects_reply),
            col(OutboxMessage.state).in_([OutboxState.SENT, OutboxState.DELIVERED]),
        )
        if kind is not None:
            query = query.where(OutboxMessage.kind == kind)
        prompt = (await session.exec(query.order_by(col(OutboxMessage.id).desc()))).first()
    assert prompt is not None and prompt.id is not None, f"nothing was asked of {key}"
    if prompt.channel == "telegram":
        callback = (parse_reply(reply), prompt.id)
        incoming = Incoming("telegram", prompt.address, "", f"cb-{prompt.id}", callback)
    else:
        incoming = Incoming("sms", prompt.address, reply, f"SM-{prompt.id}")
    await env.inbound.handle(incoming)
