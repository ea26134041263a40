"""One-time Telegram deep links that tie a chat to a case member.

The code travels in ``https://t.me/<bot>?start=<code>``; only its SHA-256 is stored, it expires
after seven days and works once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.members import link_telegram_chat
from sigbot.journal import find_case, record
from sigbot.models import InviteCode, JournalKind, Member

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
        summary=f"Telegram invitation link made for {member.name} (valid 7 days, once)",
    )
    return member, code


@dataclass(frozen=True)
class Redeemed:
    member: Member | None
    problem: InviteProblem | None


async def redeem_invite(
    session: AsyncSession, *, code: str, chat_id: int, now: datetime
) -> Redeemed:
    """Link ``chat_id`` to the code's member, once, before it expires (the caller commits)."""
    invite = (
        await session.exec(select(InviteCode).where(InviteCode.code_hash == _hash(code)))
    ).first()
    if invite is None:
        return Redeemed(None, InviteProblem.UNKNOWN)
    if invite.used_at is not None:
        return Redeemed(None, InviteProblem.USED)
    if now >= invite.expires_at:
        return Redeemed(None, InviteProblem.EXPIRED)
    member = await session.get(Member, invite.member_id)
    if member is None or not member.active:
        return Redeemed(None, InviteProblem.UNKNOWN)
    invite.used_at = now
    invite.used_by_chat = chat_id
    session.add(invite)
    await link_telegram_chat(session, member=member, chat_id=chat_id, now=now)
    record(
        session,
        case_id=member.case_id,
        at=now,
        kind=JournalKind.INVITE_REDEEMED,
        member_key=member.key,
        summary=f"{member.name} linked a Telegram chat",
    )
    return Redeemed(member, None)
