"""Who a person is across cases: the member row named by a case and key, and every member row
in other cases with the same phone number or Telegram chat (docs/privacy.md, "One person")."""

from __future__ import annotations

from sqlalchemy import or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.models import Case, Member


class UnknownMember(LookupError):
    """The case has no member with that key."""


async def find_member(session: AsyncSession, case: Case, key: str) -> Member:
    """The member ``key`` of ``case``, active or not (an erased member is still found)."""
    member = (
        await session.exec(select(Member).where(Member.case_id == case.id, Member.key == key))
    ).first()
    if member is None:
        raise UnknownMember(key)
    return member


async def same_person(session: AsyncSession, member: Member) -> list[Member]:
    """``member`` and every member row of another case that shares a phone or chat with it,
    followed from row to row (a number in one case, a chat in a third)."""
    people = {member.id: member}
    phones = {member.phone} - {None}
    chats = {member.telegram_chat_id} - {None}
    while phones or chats:
        rows = await session.exec(
            select(Member).where(
                Member.case_id != member.case_id,
                or_(col(Member.phone).in_(phones), col(Member.telegram_chat_id).in_(chats)),
            )
        )
        new = [row for row in rows if row.id not in people]
        if not new:
            break
        for row in new:
            people[row.id] = row
            phones.add(row.phone)
            chats.add(row.telegram_chat_id)
        phones.discard(None)
        chats.discard(None)
    return list(people.values())


def addresses_of(people: list[Member]) -> tuple[set[str], set[int]]:
    """The phone numbers and Telegram chats of ``people``."""
    phones = {p.phone for p in people if p.phone}
    chats = {p.telegram_chat_id for p in people if p.telegram_chat_id is not None}
    return phones, chats
