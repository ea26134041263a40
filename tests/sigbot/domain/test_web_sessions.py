"""Logging in to the workspace: refusals that tell nothing, throttling, and how long a
session lives on the server."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlmodel import select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.accounts import AccountDetails, add_account, disable_account
from sigbot.domain.web_sessions import (
    LoginRefused,
    SessionPolicy,
    Started,
    end_session,
    forget_old_attempts,
    log_in,
    resume,
)
from sigbot.models import LoginAttempt, WebSession
from tests.cheap_hashing import CHEAP_HASHER

PASSWORD = "correct horse battery"
POLICY = SessionPolicy(secret_key="a-secret-key-of-at-least-32-characters")
WRONG = "Wrong username or password."
TOO_MANY = "Too many failed logins. Try again in 15 minutes."
HERE, THERE = "192.0.2.10", "198.51.100.7"


@pytest.fixture
async def accounts(db: Database, clock: FakeClock) -> None:
    """Maja and Jonas, coordinators, and Olle, whose account is disabled."""
    async with db.session() as session:
        for username in ("maja", "jonas", "olle"):
            details = AccountDetails(username=username, role="coordinator", name=username.title())
            await add_account(
                session, details=details, password=PASSWORD, now=clock.now(), hasher=CHEAP_HASHER
            )
        await disable_account(session, username="olle", now=clock.now())
        await session.commit()


async def _log_in(
    db: Database,
    clock: FakeClock,
    username: str,
    password: str = PASSWORD,
    remote: str = HERE,
    policy: SessionPolicy = POLICY,
) -> Started:
    """Log in as the login form does: the attempt is committed, failed or not."""
    async with db.session() as session:
        try:
            return await log_in(
                session,
                username=username,
                password=password,
                remote=remote,
                policy=policy,
                now=clock.now(),
            )
        finally:
            await session.commit()


async def _refusal(
    db: Database,
    clock: FakeClock,
    username: str,
    password: str = PASSWORD,
    remote: str = HERE,
    policy: SessionPolicy = POLICY,
) -> str:
    with pytest.raises(LoginRefused) as refused:
        await _log_in(db, clock, username, password, remote, policy)
    return str(refused.value)


async def _who(
    db: Database, clock: FakeClock, token: str, policy: SessionPolicy = POLICY
) -> str | None:
    """The username behind a session cookie now, or None (and the idle timer refreshed)."""
    async with db.session() as session:
        found = await resume(session, token=token, policy=policy, now=clock.now())
        await session.commit()
    return found[0].username if found else None


@pytest.mark.usefixtures("accounts")
async def test_a_good_login_starts_a_session(db: Database, clock: FakeClock) -> None:
    """The right password gives a cookie token and a CSRF token; the table keeps an HMAC."""
    started = await _log_in(db, clock, " Maja ")
    assert started.account.username == "maja"
    assert await _who(db, clock, started.token) == "maja"
    async with db.session() as session:
        row = (await session.exec(select(WebSession))).one()
    assert row.token_hash == POLICY.digest(started.token) != started.token
    assert row.csrf_token == started.csrf
    assert row.expires_at == clock.now() + timedelta(hours=12)


@pytest.mark.usefixtures("accounts")
async def test_every_refusal_reads_the_same(db: Database, clock: FakeClock) -> None:
    """A wrong password, an unknown name and a disabled account get one and the same message,
    and each try is recorded without the password."""
    assert await _refusal(db, clock, "maja", "not the password") == WRONG
    assert await _refusal(db, clock, "nobody") == WRONG
    assert await _refusal(db, clock, "olle") == WRONG
    async with db.session() as session:
        tries = list(await session.exec(select(LoginAttempt).order_by(LoginAttempt.id)))
    assert [(t.username, t.remote, t.ok) for t in tries] == [
        ("maja", HERE, False),
        ("nobody", HERE, False),
        ("olle", HERE, False),
    ]


@pytest.mark.usefixtures("accounts")
async def test_five_failures_lock_the_username_for_the_window(
    db: Database, clock: FakeClock
) -> None:
    """After 5 failures within 15 minutes even the right password is refused, from any
    address, while other accounts log in; 15 minutes after the last try it works again."""
    for _ in range(5):
        assert await _refusal(db, clock, "maja", "guess") == WRONG
        clock.advance(timedelta(minutes=1))
    with pytest.raises(LoginRefused) as refused:
        await _log_in(db, clock, "maja", remote=THERE)
    assert (str(refused.value), refused.value.wait_minutes) == (TOO_MANY, 15)
    assert (await _log_in(db, clock, "jonas")).account.username == "jonas"
    clock.advance(timedelta(minutes=10))
    assert await _refusal(db, clock, "MAJA") == TOO_MANY
    clock.advance(timedelta(minutes=15))
    assert (await _log_in(db, clock, "maja")).account.username == "maja"


@pytest.mark.usefixtures("accounts")
async def test_failures_spread_over_more_than_the_window_do_not_lock(
    db: Database, clock: FakeClock
) -> None:
    """Only failures within the last 15 minutes count: 4, a pause, 4 more, then it works."""
    for _ in range(4):
        await _refusal(db, clock, "maja", "guess")
    clock.advance(timedelta(minutes=16))
    for _ in range(4):
        await _refusal(db, clock, "maja", "guess")
    assert (await _log_in(db, clock, "maja")).account.username == "maja"


@pytest.mark.usefixtures("accounts")
async def test_twenty_failures_lock_the_address(db: Database, clock: FakeClock) -> None:
    """20 failures from one address, over many names, lock that address for every name; the
    same account still logs in from another address."""
    for i in range(20):
        assert await _refusal(db, clock, f"guess{i}") == WRONG
    assert await _refusal(db, clock, "maja") == TOO_MANY
    assert (await _log_in(db, clock, "maja", remote=THERE)).account.username == "maja"


@pytest.mark.usefixtures("accounts")
async def test_a_long_address_is_locked_too(db: Database, clock: FakeClock) -> None:
    """An address longer than the column (a forwarded chain) is counted as it is stored."""
    far = "2001:db8::" + "ab:" * 30 + "1"
    strict = replace(POLICY, max_failures_per_address=2)
    for i in range(2):
        assert await _refusal(db, clock, f"guess{i}", remote=far, policy=strict) == WRONG
    assert await _refusal(db, clock, "maja", remote=far, policy=strict) == TOO_MANY


@pytest.mark.usefixtures("accounts")
async def test_a_session_ends_after_two_idle_hours(db: Database, clock: FakeClock) -> None:
    """Each use restarts the idle timer; two hours without one end the session."""
    started = await _log_in(db, clock, "maja")
    for _ in range(3):
        clock.advance(timedelta(hours=1, minutes=59))
        assert await _who(db, clock, started.token) == "maja"
    clock.advance(timedelta(hours=2))
    assert await _who(db, clock, started.token) is None


@pytest.mark.usefixtures("accounts")
async def test_a_session_lasts_twelve_hours_at_most(db: Database, clock: FakeClock) -> None:
    """Used every hour, a session still ends 12 hours after the login."""
    started = await _log_in(db, clock, "maja")
    for _ in range(11):
        clock.advance(timedelta(hours=1))
        assert await _who(db, clock, started.token) == "maja"
    clock.advance(timedelta(minutes=59))
    assert await _who(db, clock, started.token) == "maja"
    clock.advance(timedelta(minutes=1))
    assert await _who(db, clock, started.token) is None


@pytest.mark.usefixtures("accounts")
async def test_logout_ends_only_that_session(db: Database, clock: FakeClock) -> None:
    """After logout the cookie finds nothing; the same person's other session lives on."""
    laptop, phone = await _log_in(db, clock, "maja"), await _log_in(db, clock, "maja")
    async with db.session() as session:
        await end_session(session, token=laptop.token, policy=POLICY, now=clock.now())
        await session.commit()
    assert await _who(db, clock, laptop.token) is None
    assert await _who(db, clock, phone.token) == "maja"


@pytest.mark.usefixtures("accounts")
async def test_disabling_the_account_ends_its_session(db: Database, clock: FakeClock) -> None:
    """A live session finds nothing once its account is disabled."""
    started = await _log_in(db, clock, "maja")
    async with db.session() as session:
        await disable_account(session, username="maja", now=clock.now())
        await session.commit()
    assert await _who(db, clock, started.token) is None


@pytest.mark.usefixtures("accounts")
async def test_a_new_secret_key_finds_no_session(db: Database, clock: FakeClock) -> None:
    """A session started under one key is not found under another: a new key logs all out."""
    started = await _log_in(db, clock, "maja")
    other = SessionPolicy(secret_key="another-secret-key-of-32-characters-or-more")
    assert await _who(db, clock, started.token, other) is None
    assert await _who(db, clock, started.token) == "maja"


@pytest.mark.usefixtures("accounts")
async def test_old_login_attempts_are_forgotten(db: Database, clock: FakeClock) -> None:
    """Attempts older than the given moment are deleted; newer ones stay."""
    await _refusal(db, clock, "maja", "guess")
    clock.advance(timedelta(days=1))
    await _log_in(db, clock, "maja")
    async with db.session() as session:
        await forget_old_attempts(session, before=clock.now() - timedelta(hours=1))
        await session.commit()
        left = [(t.username, t.ok) for t in await session.exec(select(LoginAttempt))]
    assert left == [("maja", True)]
