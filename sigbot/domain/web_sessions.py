"""Browser sessions and logins for the workspace, kept on the server.

The cookie carries a random token; the table keeps its HMAC under ``SIGBOT_SECRET_KEY``, so a
copy of the database cannot be turned into a session, and a new key ends every session.
Failed logins are counted per username and per address; too many in a window refuse further
tries for a while, whatever the password.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.accounts import password_matches
from sigbot.models import Account, LoginAttempt, WebSession


@dataclass(frozen=True)
class SessionPolicy:
    """How long sessions live and how hard logins are throttled."""

    secret_key: str
    idle: timedelta = timedelta(hours=2)
    longest: timedelta = timedelta(hours=12)
    window: timedelta = timedelta(minutes=15)
    max_failures_per_user: int = 5
    max_failures_per_address: int = 20

    def digest(self, token: str) -> str:
        return hmac.new(self.secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Started:
    """A new session: ``token`` goes in the cookie, ``csrf`` in every form."""

    token: str
    csrf: str
    account: Account


class LoginRefused(Exception):
    """Wrong name or password, or too many tries: the message is safe to show.

    ``wait_minutes`` is set when the refusal is the throttle, so a page can say it in its own
    language.
    """

    def __init__(self, message: str, *, wait_minutes: int | None = None) -> None:
        super().__init__(message)
        self.wait_minutes = wait_minutes


async def _failures(session: AsyncSession, where: ColumnElement[bool], since: datetime) -> int:
    query = select(func.count()).where(where, LoginAttempt.at >= since, ~col(LoginAttempt.ok))
    return int((await session.exec(query)).one())


async def log_in(
    session: AsyncSession,
    *,
    username: str,
    password: str,
    remote: str,
    policy: SessionPolicy,
    now: datetime,
) -> Started:
    """Check the password and start a session; raises :class:`LoginRefused`.

    Every try is recorded (no password, just the name and the address); the caller commits,
    failures included.
    """
    # Cut to the columns' width before counting, so what is counted is what was stored.
    username, remote = username.strip().lower()[:64], remote[:64]
    since = now - policy.window
    if (
        await _failures(session, col(LoginAttempt.username) == username, since)
        >= policy.max_failures_per_user
        or await _failures(session, col(LoginAttempt.remote) == remote, since)
        >= policy.max_failures_per_address
    ):
        session.add(LoginAttempt(username=username, remote=remote, at=now, ok=False))
        minutes = int(policy.window.total_seconds() // 60)
        raise LoginRefused(
            f"Too many failed logins. Try again in {minutes} minutes.", wait_minutes=minutes
        )
    account = (await session.exec(select(Account).where(Account.username == username))).first()
    ok = password_matches(account.password_hash if account else None, password)
    ok = ok and account is not None and account.active
    session.add(LoginAttempt(username=username, remote=remote, at=now, ok=ok))
    if not ok or account is None:
        raise LoginRefused("Wrong username or password.")
    return await start_session(session, account=account, policy=policy, now=now)


async def start_session(
    session: AsyncSession, *, account: Account, policy: SessionPolicy, now: datetime
) -> Started:
    """A fresh session for ``account`` (after a login, or the demo's ready-made one)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    assert account.id is not None
    session.add(
        WebSession(
            token_hash=policy.digest(token),
            account_id=account.id,
            csrf_token=csrf,
            created_at=now,
            last_seen_at=now,
            expires_at=now + policy.longest,
        )
    )
    await session.flush()
    return Started(token=token, csrf=csrf, account=account)


async def resume(
    session: AsyncSession, *, token: str, policy: SessionPolicy, now: datetime
) -> tuple[Account, WebSession] | None:
    """The account and session behind a cookie, if it is live; refreshes the idle timer."""
    row = (
        await session.exec(
            select(WebSession, Account)
            .join(Account, col(Account.id) == WebSession.account_id)
            .where(WebSession.token_hash == policy.digest(token))
        )
    ).first()
    if row is None:
        return None
    web, account = row
    if (
        web.ended_at is not None
        or not account.active
        or now >= web.expires_at
        or now - web.last_seen_at >= policy.idle
    ):
        return None
    web.last_seen_at = now
    session.add(web)
    return account, web


async def end_session(
    session: AsyncSession, *, token: str, policy: SessionPolicy, now: datetime
) -> None:
    """Log out: the session ends now, whatever the cookie says later."""
    await session.exec(
        update(WebSession)
        .where(
            col(WebSession.token_hash) == policy.digest(token), col(WebSession.ended_at).is_(None)
        )
        .values(ended_at=now)
    )


async def forget_old_attempts(session: AsyncSession, *, before: datetime) -> None:
    """Drop login records older than any window needs (they name who tried)."""
    await session.exec(
        LoginAttempt.__table__.delete().where(  # type: ignore[attr-defined]  # SQLModel table
            or_(col(LoginAttempt.at) < before)
        )
    )
