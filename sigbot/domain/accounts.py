"""Workspace accounts: create, list, disable; passwords (Argon2) and API tokens.

Used by ``sigbot user`` / ``sigbot token`` and by the workspace's login. Secrets are shown once
and stored only as hashes; disabling an account ends its sessions and revokes its tokens at once.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.cases import RuleBroken
from sigbot.domain.members import E164
from sigbot.languages import staff_codes
from sigbot.models import Account, AccountRole, ApiToken, WebSession

USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,63}$")
MIN_PASSWORD = 12
LANGUAGES = staff_codes()
TOKEN_PREFIX = "sigbot_"

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the username is unknown, so a wrong name takes as long as a wrong
    password and the time taken tells nothing. Made on first use: hashing costs real time."""
    return _hasher.hash(secrets.token_urlsafe(16))


class UnknownAccount(LookupError):
    """No account has this username."""


@dataclass(frozen=True)
class AccountDetails:
    """What ``sigbot user add`` (or an admin) says about a new account."""

    username: str
    role: str
    name: str
    language: str = "sv"
    team: str | None = None
    telegram_chat_id: int | None = None
    phone: str | None = None

    def check(self) -> None:
        """Refuse what would make a broken account, naming the field."""
        if not USERNAME.match(self.username):
            raise RuleBroken(
                "username: 2-64 characters of a-z 0-9 _ . - starting with a letter or digit"
            )
        try:
            AccountRole(self.role)
        except ValueError:
            roles = ", ".join(r.value for r in AccountRole)
            raise RuleBroken(f"role: {self.role!r} is not one of {roles}") from None
        if len(self.name) > 200:
            raise RuleBroken("name: at most 200 characters")
        if self.team is not None and not 0 < len(self.team) <= 64:
            raise RuleBroken("team: 1-64 characters")
        if self.language not in LANGUAGES:
            raise RuleBroken(f"language: {self.language!r} is not one of {', '.join(LANGUAGES)}")
        if self.phone is not None and not E164.match(self.phone):
            raise RuleBroken("phone: must be in E.164 form (+46701234567)")
        if self.telegram_chat_id == 0:
            raise RuleBroken("telegram-chat-id: 0 is not a chat id")


def hash_password(password: str, hasher: PasswordHasher = _hasher) -> str:
    """An Argon2id hash of ``password``; refuses one too short to be safe.

    ``hasher`` sets the cost (argon2-cffi's defaults, RFC 9106's second recommendation, unless
    a test asks for less); checking a password reads the cost from its hash.
    """
    if len(password) < MIN_PASSWORD:
        raise RuleBroken(f"password: at least {MIN_PASSWORD} characters")
    return hasher.hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    """True if ``password`` is the one hashed; constant work when there is no hash."""
    try:
        matches = _hasher.verify(password_hash or _dummy_hash(), password)
        return matches and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    """How an API token is stored: SHA-256 (it is random and long, so no salt is needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


async def find_account(session: AsyncSession, username: str) -> Account:
    """The account ``username``; raises :class:`UnknownAccount`."""
    found = (await session.exec(select(Account).where(Account.username == username))).first()
    if found is None:
        raise UnknownAccount(username)
    return found


async def add_account(
    session: AsyncSession,
    *,
    details: AccountDetails,
    password: str,
    now: datetime,
    hasher: PasswordHasher = _hasher,
) -> Account:
    """A new active account; the username is unique."""
    details.check()
    taken = await session.exec(select(Account).where(Account.username == details.username))
    if taken.first() is not None:
        raise RuleBroken(f"username: {details.username!r} is taken")
    account = Account(
        username=details.username,
        role=details.role,
        name=details.name or details.username,
        language=details.language,
        team=details.team,
        telegram_chat_id=details.telegram_chat_id,
        phone=details.phone,
        password_hash=hash_password(password, hasher),
        created_at=now,
    )
    session.add(account)
    await session.flush()
    return account


async def list_accounts(session: AsyncSession) -> list[Account]:
    """Every account, by username."""
    return list(await session.exec(select(Account).order_by(col(Account.username))))


async def disable_account(session: AsyncSession, *, username: str, now: datetime) -> Account:
    """Stop an account: its sessions end and its API tokens are revoked in the same commit."""
    account = await find_account(session, username)
    account.active = False
    account.disabled_at = account.disabled_at or now
    session.add(account)
    await session.exec(
        update(WebSession)
        .where(col(WebSession.account_id) == account.id, col(WebSession.ended_at).is_(None))
        .values(ended_at=now)
    )
    await session.exec(
        update(ApiToken)
        .where(col(ApiToken.account_id) == account.id, col(ApiToken.revoked_at).is_(None))
        .values(revoked_at=now)
    )
    return account


async def create_api_token(session: AsyncSession, *, username: str, now: datetime) -> str:
    """A new bearer token for an active account, returned once; only its hash is kept."""
    account = await find_account(session, username)
    if not account.active:
        raise RuleBroken(f"account {username!r} is disabled")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    assert account.id is not None
    session.add(ApiToken(token_hash=token_digest(token), account_id=account.id, created_at=now))
    await session.flush()
    return token


async def revoke_api_tokens(session: AsyncSession, *, username: str, now: datetime) -> int:
    """Revoke every live token of the account; returns how many."""
    account = await find_account(session, username)
    result = await session.exec(
        update(ApiToken)
        .where(col(ApiToken.account_id) == account.id, col(ApiToken.revoked_at).is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount or 0)


async def account_for_token(session: AsyncSession, token: str, now: datetime) -> Account | None:
    """The active account a live bearer token belongs to, else None."""
    row = (
        await session.exec(
            select(ApiToken, Account)
            .join(Account, col(Account.id) == ApiToken.account_id)
            .where(ApiToken.token_hash == token_digest(token), col(ApiToken.revoked_at).is_(None))
        )
    ).first()
    if row is None or not row[1].active:
        return None
    api_token, account = row
    api_token.last_used_at = now
    session.add(api_token)
    return account
