"""Workspace accounts: staff who log in to the browser workspace or call the API.

An account is one person across all their cases; a case's staff member links to it by
``Member.account`` (the plan file's ``account:``, default the member key). Secrets are never
stored: passwords as Argon2 hashes, session and API tokens as SHA-256 hashes.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column
from sqlmodel import Field, SQLModel

from sigbot.models.types import UTCDateTime


class AccountRole(StrEnum):
    """What an account may do (docs/workspace.md, "Who sees what")."""

    COORDINATOR = "coordinator"
    TEAM_LEAD = "team_lead"
    ADMIN = "admin"


class Account(SQLModel, table=True):
    """A member of staff who logs in; disabled accounts keep their row for the journal."""

    __tablename__ = "account"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, max_length=64)
    role: str = Field(max_length=16)
    name: str = Field(max_length=200)
    language: str = Field(default="sv", max_length=8)
    team: str | None = Field(default=None, index=True, max_length=64)
    telegram_chat_id: int | None = Field(
        default=None, sa_column=Column(BigInteger(), index=True, nullable=True)
    )
    phone: str | None = Field(default=None, max_length=20)
    password_hash: str = Field(max_length=200)
    active: bool = True
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    disabled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class WebSession(SQLModel, table=True):
    """A browser session kept on the server, so logout and ``user disable`` end it at once."""

    __tablename__ = "web_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    account_id: int = Field(foreign_key="account.id", index=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    last_seen_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    ended_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class ApiToken(SQLModel, table=True):
    """An API bearer token (``sigbot token create``); revocable, only its hash kept."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    account_id: int = Field(foreign_key="account.id", index=True)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    last_used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class LoginAttempt(SQLModel, table=True):
    """One try at ``/login``: failed tries in a window throttle the username and the address."""

    __tablename__ = "login_attempt"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(index=True, max_length=64)
    remote: str = Field(default="", index=True, max_length=64)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    ok: bool = False
