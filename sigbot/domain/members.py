"""The people of a case: adding them, changing their details, letting them leave.

A member is never deleted, only made inactive, so the journal's references hold
(docs/architecture.md, "Tables and why each exists"). Journal entries name the fields that
changed, never a phone number or chat id: the journal is read by more people than the contacts.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.cases import RuleBroken, row_id
from sigbot.journal import record
from sigbot.models import Case, ChannelKind, JournalKind, Member, Role
from sigbot.models.enums import STAFF_ROLES

E164 = re.compile(r"^\+[1-9]\d{6,14}$")


@dataclass(frozen=True)
class MemberDetails:
    """What a form or a plan file says about a person (the phone number already E.164)."""

    role: str
    name: str
    language: str = "sv"
    phone: str | None = None
    telegram_chat_id: int | None = None
    channel: str | None = None
    organisation: str | None = None
    # Staff only: the workspace account's username when it is not the member key.
    account: str | None = None

    def check(self) -> None:
        """Refuse details no message could be sent with (docs/plan-file.md, "Validation")."""
        try:
            Role(self.role)
        except ValueError:
            raise RuleBroken(f"{self.role!r} is not a role") from None
        if self.account is not None:
            self._check_account(self.account)
        if not self.name.strip():
            raise RuleBroken("a member needs a name")
        if self.phone is not None and not E164.match(self.phone):
            raise RuleBroken("the phone number must be in E.164 form (+46701234567)")
        if self.telegram_chat_id == 0:
            raise RuleBroken("0 is not a chat id")
        if self.channel is not None and self.channel not in (ChannelKind.TELEGRAM, ChannelKind.SMS):
            raise RuleBroken(f"{self.channel!r} is not a channel (telegram or sms)")
        if self.channel == ChannelKind.SMS and self.phone is None:
            raise RuleBroken("sms needs a phone number")

    def _check_account(self, username: str) -> None:
        """A family member or professional never logs in, so only staff link to an account."""
        # Imported here: accounts imports this module (for E164).
        from sigbot.domain.accounts import USERNAME

        if self.role not in STAFF_ROLES:
            raise RuleBroken(
                f"account: only staff (coordinator, team_lead) log in, not a {self.role}"
            )
        if not USERNAME.match(username):
            raise RuleBroken(f"account: {username!r} is not a username")


async def add_member(
    session: AsyncSession, *, case: Case, key: str, details: MemberDetails, now: datetime
) -> Member:
    """A new person in the case, journaled ``member.added``; the key is unique in the case."""
    details.check()
    taken = await session.exec(select(Member).where(Member.case_id == case.id, Member.key == key))
    if taken.first() is not None:
        raise RuleBroken(f"case {case.ref} has a member {key!r} already")
    member = Member(
        case_id=row_id(case),
        key=key,
        active=True,
        created_at=now,
        updated_at=now,
        **dataclasses.asdict(details),
    )
    session.add(member)
    record(
        session,
        case_id=row_id(case),
        at=now,
        kind=JournalKind.MEMBER_ADDED,
        summary=f"{details.name} added as {details.role}",
        member_key=key,
        data={"role": details.role},
    )
    await session.flush()
    return member


async def update_member(
    session: AsyncSession,
    *,
    member: Member,
    details: MemberDetails,
    now: datetime,
    rejoin: bool = False,
) -> list[str]:
    """Set the person's details (and with ``rejoin`` make a member who left active again);
    returns the names of the changed fields, which ``member.updated`` names too."""
    details.check()
    wanted = dataclasses.asdict(details) | ({"active": True} if rejoin else {})
    changed = [name for name, value in wanted.items() if getattr(member, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(member, name, wanted[name])
    member.updated_at = now
    session.add(member)
    record(
        session,
        case_id=member.case_id,
        at=now,
        kind=JournalKind.MEMBER_UPDATED,
        summary=f"{member.name}: {', '.join(changed)} changed",
        member_key=member.key,
        data={"fields": changed},
    )
    return changed


async def remove_member(
    session: AsyncSession, *, case: Case, member: Member, now: datetime
) -> bool:
    """The person leaves the case: made inactive, journaled ``member.removed``; False when they
    had left already. The coordinator or backup is handed over first (cases.hand_over)."""
    if not member.active:
        return False
    if member.key in (case.coordinator_key, case.backup_key):
        raise RuleBroken(f"{member.name} coordinates case {case.ref}: hand it over first")
    member.active = False
    member.updated_at = now
    session.add(member)
    record(
        session,
        case_id=row_id(case),
        at=now,
        kind=JournalKind.MEMBER_REMOVED,
        summary=f"{member.name} left the case",
        member_key=member.key,
    )
    return True


async def link_telegram_chat(
    session: AsyncSession, *, member: Member, chat_id: int, now: datetime
) -> list[str]:
    """Reach ``member`` in the Telegram chat ``chat_id`` from now on (Telegram becomes their
    channel unless they chose one); returns the changed fields. The caller journals how the
    chat was linked (an invitation link: ``invite.redeemed``)."""
    if not member.active:
        raise RuleBroken(f"{member.name} is no longer in the case")
    if chat_id == 0:
        raise RuleBroken("0 is not a chat id")
    changed = []
    if member.telegram_chat_id != chat_id:
        member.telegram_chat_id = chat_id
        changed.append("telegram_chat_id")
    if member.channel is None:
        member.channel = ChannelKind.TELEGRAM
        changed.append("channel")
    member.updated_at = now
    session.add(member)
    return changed


async def unlink_telegram_chat(session: AsyncSession, *, member: Member, now: datetime) -> bool:
    """Stop reaching ``member`` in their Telegram chat (they sent /stop there); False when no
    chat was linked. Their preferred channel is kept, so a new invitation link restores it; the
    caller journals why."""
    if member.telegram_chat_id is None:
        return False
    member.telegram_chat_id = None
    member.updated_at = now
    session.add(member)
    return True


async def case_members(session: AsyncSession, *, case: Case) -> dict[str, Member]:
    """Every member of the case by key, those who left included."""
    rows = await session.exec(select(Member).where(Member.case_id == case.id))
    return {m.key: m for m in rows}
