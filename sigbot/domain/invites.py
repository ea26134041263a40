"""One-time Telegram deep links that tie a chat to a case member.

The code travels in ``https://t.me/<bot>?start=<code>``; only its SHA-256 is stored, it expires
after seven days and works once, in a private chat only. A new code revokes the member's older
unused ones; redeeming is one conditional UPDATE, so of two simultaneous uses exactly one wins.
Linking a chat other than the one the member had tells the coordinator (docs/architecture.md,
"Tables and why each exists": ``invite_code``).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.members import link_telegram_chat
from sigbot.journal import find_case, record
from sigbot.models import Case, ChannelKind, InviteCode, JournalKind, Member, MessageKind, Topic
from sigbot.outbox.messenger import Messenger
from sigbot.outbox.store import Route, mark_address

INVITE_LIFETIME = timedelta(days=7)


class InviteProblem(StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"


class UnknownMember(LookupError):
    """The case has no active member with that key."""


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def deep_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


async def create_invite(
    session: AsyncSession, *, ref: str, member_key: str, now: datetime
) -> tuple[Member, str]:
    """A fresh code for ``member_key`` in case ``ref`` (the caller commits)."""
    case = await find_case(session, ref)
    member = (
        await session.exec(
            select(Member).where(Member.case_id == case.id, Member.key == member_key, Member.active)
        )
    ).first()
    if member is None:
        raise UnknownMember(member_key)
    code = secrets.token_urlsafe(24)  # 32 characters of A-Z a-z 0-9 _ -, within Telegram's 64
    assert member.id is not None
    revoked = await session.exec(
        update(InviteCode)
        .where(
            col(InviteCode.member_id) == member.id,
            col(InviteCode.used_at).is_(None),
            col(InviteCode.expires_at) > now,
        )
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
    older = f"; {revoked.rowcount} older link(s) no longer work" if revoked.rowcount else ""
    session.add(
        InviteCode(
            code_hash=_hash(code),
            member_id=member.id,
            created_at=now,
            expires_at=now + INVITE_LIFETIME,
        )
    )
    record(
        session,
        case_id=case.id,
        at=now,
        kind=JournalKind.INVITE_CREATED,
        member_key=member.key,
        summary=f"Telegram invitation link made for {member.name} (valid 7 days, once){older}",
        data={"older": revoked.rowcount or 0},
    )
    return member, code


@dataclass(frozen=True)
class Redeemed:
    member: Member | None
    problem: InviteProblem | None
    relinked: bool = False  # the member had another chat, which gets nothing from now on


async def redeem_invite(
    session: AsyncSession, *, code: str, chat_id: int, now: datetime
) -> Redeemed:
    """Link ``chat_id`` to the code's member, once, before it expires (the caller commits).

    The code is taken by ``UPDATE ... WHERE used_at IS NULL AND expires_at > now``: a second
    redemption racing this one waits for it and then finds the code used.
    """
    code_hash = _hash(code)
    invite = (
        await session.exec(select(InviteCode).where(InviteCode.code_hash == code_hash))
    ).first()
    if invite is None:
        return Redeemed(None, InviteProblem.UNKNOWN)
    member = await session.get(Member, invite.member_id)
    if member is None or not member.active:
        return Redeemed(None, InviteProblem.UNKNOWN)
    taken = await session.exec(
        update(InviteCode)
        .where(
            col(InviteCode.code_hash) == code_hash,
            col(InviteCode.used_at).is_(None),
            col(InviteCode.expires_at) > now,
        )
        .values(used_at=now, used_by_chat=chat_id)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        await session.refresh(invite)
        used = invite.used_at is not None
        return Redeemed(None, InviteProblem.USED if used else InviteProblem.EXPIRED)
    relinked = member.telegram_chat_id not in (None, chat_id)
    await link_telegram_chat(session, member=member, chat_id=chat_id, now=now)
    record(
        session,
        case_id=member.case_id,
        at=now,
        kind=JournalKind.INVITE_REDEEMED,
        member_key=member.key,
        summary=f"{member.name} linked a new Telegram chat; the earlier one gets nothing more"
        if relinked
        else f"{member.name} linked a Telegram chat",
        data={"relinked": relinked},
    )
    return Redeemed(member, None, relinked)


async def link_chat(
    session: AsyncSession, messenger: Messenger, *, code: str, chat_id: int, now: datetime
) -> Redeemed:
    """/start CODE in a private chat: redeem the code, let the chat receive again (a /stop or
    a block before is undone by this explicit wish), greet the person and, when it replaced
    another chat, tell the coordinator. A refused code changes nothing; the caller answers."""
    redeemed = await redeem_invite(session, code=code, chat_id=chat_id, now=now)
    member = redeemed.member
    if member is None:
        return redeemed
    route = Route(ChannelKind.TELEGRAM, str(chat_id))
    await mark_address(
        session, channel=route.channel, address=route.address, unusable=False, reason=None, now=now
    )
    case = await session.get(Case, member.case_id)
    assert case is not None
    stamp = int(now.timestamp())
    if redeemed.relinked:
        await messenger.to_coordinators(
            session,
            case=case,
            kind=MessageKind.TELEGRAM_RELINKED,
            params={"who": member.name, "case": case.ref},
            key=f"relinked|{member.id}|{chat_id}|{stamp}",
            now=now,
        )
    await messenger.to_member(
        session,
        case=case,
        member=member,
        kind=MessageKind.LINKED,
        topic=Topic.REMINDERS,
        params={"name": member.name},
        key=f"linked|{member.id}|{chat_id}|{stamp}",
        due_at=now,
        now=now,
        exclude=frozenset({Route(ChannelKind.SMS, member.phone or "")}),
    )
    return redeemed
