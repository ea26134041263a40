"""Workspace accounts: adding, listing and disabling them; passwords and API tokens."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlmodel import select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.accounts import (
    AccountDetails,
    UnknownAccount,
    account_for_token,
    add_account,
    create_api_token,
    disable_account,
    list_accounts,
    password_matches,
    revoke_api_tokens,
)
from sigbot.domain.cases import RuleBroken
from sigbot.domain.web_sessions import SessionPolicy, log_in, resume
from sigbot.models import Account, ApiToken

PASSWORD = "correct horse battery"
MAJA = AccountDetails(
    username="maja",
    role="coordinator",
    name="Maja Berg",
    team="north",
    telegram_chat_id=2001,
    phone="+46701234570",
)
POLICY = SessionPolicy(secret_key="k" * 40)


async def _add(db: Database, clock: FakeClock, details: AccountDetails = MAJA) -> Account:
    async with db.session() as session:
        account = await add_account(session, details=details, password=PASSWORD, now=clock.now())
        await session.commit()
    return account


async def _token(db: Database, clock: FakeClock, username: str = "maja") -> str:
    async with db.session() as session:
        token = await create_api_token(session, username=username, now=clock.now())
        await session.commit()
    return token


async def _owner(db: Database, clock: FakeClock, token: str) -> str | None:
    async with db.session() as session:
        account = await account_for_token(session, token, clock.now())
        await session.commit()
    return account.username if account else None


async def test_added_accounts_are_listed_by_username(db: Database, clock: FakeClock) -> None:
    """Accounts come back by username with what was given, active, and the name defaulted."""
    await _add(db, clock)
    await _add(db, clock, AccountDetails(username="anna", role="team_lead", name="", team="north"))
    async with db.session() as session:
        listed = await list_accounts(session)
    got = [(a.username, a.role, a.name, a.team, a.language, a.active) for a in listed]
    assert got == [
        ("anna", "team_lead", "anna", "north", "sv", True),
        ("maja", "coordinator", "Maja Berg", "north", "sv", True),
    ]
    assert (listed[1].telegram_chat_id, listed[1].phone) == (2001, "+46701234570")


async def test_the_password_is_stored_as_an_argon2_hash(db: Database, clock: FakeClock) -> None:
    """The database holds an Argon2id hash, never the password, and it verifies."""
    await _add(db, clock)
    async with db.session() as session:
        stored = (await session.exec(select(Account))).one().password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert password_matches(stored, PASSWORD)
    assert not password_matches(stored, PASSWORD + "!")
    assert not password_matches(None, PASSWORD)
    assert not password_matches("not a hash", PASSWORD)


async def test_a_username_is_used_once(db: Database, clock: FakeClock) -> None:
    """A second account with a taken username is refused, naming the field."""
    await _add(db, clock)
    async with db.session() as session:
        with pytest.raises(RuleBroken, match=r"^username: 'maja' is taken$"):
            await add_account(
                session, details=replace(MAJA, name="Other"), password=PASSWORD, now=clock.now()
            )


BAD: list[tuple[AccountDetails, str, str]] = [
    (replace(MAJA, username="Maja"), PASSWORD, "username: 2-64 characters"),
    (replace(MAJA, username="m"), PASSWORD, "username: 2-64 characters"),
    (replace(MAJA, username="-maja"), PASSWORD, "username: 2-64 characters"),
    (replace(MAJA, role="boss"), PASSWORD, "role: 'boss' is not one of coordinator, team_lead"),
    (replace(MAJA, language="de"), PASSWORD, "language: 'de' is not one of sv, en"),
    (replace(MAJA, phone="0701234570"), PASSWORD, r"phone: must be in E\.164 form"),
    (replace(MAJA, telegram_chat_id=0), PASSWORD, "telegram-chat-id: 0 is not a chat id"),
    (MAJA, "short pass", "password: at least 12 characters"),
]


@pytest.mark.parametrize(
    ("details", "password", "why"),
    BAD,
    ids=["upper", "one-letter", "dash-first", "role", "language", "phone", "chat", "password"],
)
async def test_bad_details_are_refused_naming_the_field(
    db: Database, clock: FakeClock, details: AccountDetails, password: str, why: str
) -> None:
    """Each broken detail is refused with a message that starts with the field's name."""
    async with db.session() as session:
        with pytest.raises(RuleBroken, match=f"^{why}"):
            await add_account(session, details=details, password=password, now=clock.now())
        assert await list_accounts(session) == []


async def test_a_token_is_shown_once_and_stored_hashed(db: Database, clock: FakeClock) -> None:
    """The token finds its account; the table keeps only its SHA-256 and when it was used."""
    await _add(db, clock)
    token = await _token(db, clock)
    assert token.startswith("sigbot_") and len(token) > 40
    clock.advance(timedelta(minutes=5))
    assert await _owner(db, clock, token) == "maja"
    assert await _owner(db, clock, token + "x") is None
    async with db.session() as session:
        row = (await session.exec(select(ApiToken))).one()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in row.token_hash
    assert row.last_used_at == clock.now()


async def test_revoked_tokens_stop_working(db: Database, clock: FakeClock) -> None:
    """Revoking ends every live token of the account; a token made afterwards works."""
    await _add(db, clock)
    first, second = await _token(db, clock), await _token(db, clock)
    async with db.session() as session:
        assert await revoke_api_tokens(session, username="maja", now=clock.now()) == 2
        await session.commit()
    assert await _owner(db, clock, first) is None
    assert await _owner(db, clock, second) is None
    third = await _token(db, clock)
    assert await _owner(db, clock, third) == "maja"


async def test_tokens_only_for_active_known_accounts(db: Database, clock: FakeClock) -> None:
    """No token for an unknown username, nor for a disabled account."""
    await _add(db, clock)
    async with db.session() as session:
        with pytest.raises(UnknownAccount):
            await create_api_token(session, username="nobody", now=clock.now())
        await disable_account(session, username="maja", now=clock.now())
        with pytest.raises(RuleBroken, match="account 'maja' is disabled"):
            await create_api_token(session, username="maja", now=clock.now())


async def test_disabling_ends_sessions_and_revokes_tokens(db: Database, clock: FakeClock) -> None:
    """After disable the account is inactive, its session and token find nothing, and a
    second disable keeps the first date."""
    await _add(db, clock)
    token = await _token(db, clock)
    async with db.session() as session:
        started = await log_in(
            session,
            username="maja",
            password=PASSWORD,
            remote="127.0.0.1",
            policy=POLICY,
            now=clock.now(),
        )
        await session.commit()
    disabled_at = clock.advance(timedelta(minutes=1))
    async with db.session() as session:
        await disable_account(session, username="maja", now=clock.now())
        await session.commit()
    clock.advance(timedelta(minutes=1))
    async with db.session() as session:
        assert await resume(session, token=started.token, policy=POLICY, now=clock.now()) is None
        await disable_account(session, username="maja", now=clock.now())
        await session.commit()
    assert await _owner(db, clock, token) is None
    async with db.session() as session:
        account = (await session.exec(select(Account))).one()
    assert (account.active, account.disabled_at) == (False, disabled_at)


async def test_disabling_an_unknown_account_is_refused(db: Database, clock: FakeClock) -> None:
    """An unknown username raises UnknownAccount and changes nothing."""
    async with db.session() as session:
        with pytest.raises(UnknownAccount):
            await disable_account(session, username="nobody", now=clock.now())
