"""Cases, their members, how to reach people, and consent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from sigbot.models.enums import CaseStatus
from sigbot.models.types import JSONType, QuietHoursColumn, Timestamped, UTCDateTime, utc_now
from sigbot.timing import QUIET_HOURS_DEFAULT, QuietHours, parse_quiet_hours


class Case(Timestamped, table=True):
    """One young person's SIG case: the unit a coordinator follows and a plan file describes."""

    __tablename__ = "sig_case"

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(index=True, unique=True, max_length=64)
    # Indexed: the planner and the morning overview pick cases by status on every pass.
    status: str = Field(default=CaseStatus.PROPOSED, max_length=16, index=True)
    status_since: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    status_reason: str | None = None
    outcome: str | None = Field(default=None, max_length=32)
    paused_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    resting_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    coordinator_key: str = Field(max_length=64)
    backup_key: str | None = Field(default=None, max_length=64)
    timezone: str = Field(default="Europe/Stockholm", max_length=64)
    quiet_hours: QuietHours | None = Field(
        default=parse_quiet_hours(QUIET_HOURS_DEFAULT),
        sa_column=Column(QuietHoursColumn(), nullable=False),
    )
    no_reply_after_s: int = 7200
    ack_within_s: int = 14400
    plan_digest: str = Field(default="", max_length=64)
    # When the planner must look at this case again (the next check-in, deadline, reminder
    # answer time ...); None: at once. A change to the case also brings it forward
    # (``PlanningMark``), so a tick touches only cases whose time has come or that changed.
    next_look_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), index=True))


class PlanningMark(SQLModel, table=True):
    """ "Something about this case changed": written in the same transaction as the change,
    read and deleted by the planner. Insert-only, so writing one never waits for a planner
    that holds the case (docs/architecture.md, "Planning by change")."""

    __tablename__ = "planning_mark"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(index=True)


class CaseStatusChange(SQLModel, table=True):
    """Each move in the life cycle, with why and until when: the dates a closing summary needs."""

    __tablename__ = "case_status_change"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="sig_case.id", index=True)
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str = Field(max_length=16)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    reason: str | None = None
    planned_end: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class Member(Timestamped, table=True):
    """A person in one case (young person, parent, coordinator, professional) and their contacts.

    People are per case because the plan file names them by a key local to the case; the
    global state of a phone number or chat (opted out, blocked) lives in ``ContactAddress``.
    """

    __tablename__ = "member"
    __table_args__ = (UniqueConstraint("case_id", "key", name="uq_member_case_key"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="sig_case.id", index=True)
    key: str = Field(max_length=64)
    role: str = Field(max_length=16)
    name: str = Field(max_length=200)
    organisation: str | None = Field(default=None, max_length=200)
    language: str = Field(default="sv", max_length=8)
    phone: str | None = Field(default=None, index=True, max_length=20)
    telegram_chat_id: int | None = Field(
        default=None, sa_column=Column(BigInteger(), index=True, nullable=True)
    )
    channel: str | None = Field(default=None, max_length=16)
    # Staff only: the workspace account this member is (plan file ``account:``); None means the
    # member key is the username.
    account: str | None = Field(default=None, max_length=64)
    active: bool = True


class ContactAddress(SQLModel, table=True):
    """A phone number or Telegram chat and whether it may be used (STOP, blocked the bot)."""

    __tablename__ = "contact_address"
    __table_args__ = (UniqueConstraint("channel", "address", name="uq_contact_channel_address"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    address: str = Field(max_length=64)
    unusable: bool = False
    unusable_reason: str | None = Field(default=None, max_length=64)
    unusable_since: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    updated_at: datetime = Field(
        default_factory=utc_now, sa_column=Column(UTCDateTime(), nullable=False)
    )


class Consent(SQLModel, table=True):
    """Who agreed that what may be shared with whom, and until when (docs/domain.md)."""

    __tablename__ = "consent"
    __table_args__ = (UniqueConstraint("case_id", "key", name="uq_consent_case_key"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="sig_case.id", index=True)
    key: str = Field(max_length=64)
    given_by: list[str] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))
    share_with: list[str] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))
    topics: list[str] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))
    valid_from: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    valid_until: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    withdrawn_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    withdrawn_reason: str | None = None
    warned_days: list[int] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))

    def covers(self, member_key: str, topic: str, at: datetime) -> bool:
        """True while this consent names ``member_key`` for ``topic`` at moment ``at``."""
        if self.withdrawn_at is not None and self.withdrawn_at <= at:
            return False
        if not (self.valid_from <= at < self.valid_until):
            return False
        return member_key in self.share_with and topic in self.topics


def as_list(value: Any) -> list[str]:
    """JSON columns come back as lists; be defensive about None from old rows."""
    return list(value or [])
