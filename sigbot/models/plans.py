"""Meetings, appointments, action plans and commitments: what the young person and network do."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from sigbot.models.enums import Answer, CommitmentStatus, EventStatus, MeetingKind
from sigbot.models.types import (
    CheckInColumn,
    DurationsColumn,
    JSONType,
    Timestamped,
    UTCDateTime,
)
from sigbot.timing import CheckInRule


class Meeting(Timestamped, table=True):
    """A network meeting (with the family) or an officials' meeting (without)."""

    __tablename__ = "meeting"
    __table_args__ = (UniqueConstraint("case_id", "key", name="uq_meeting_case_key"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="sig_case.id", index=True)
    key: str = Field(max_length=64)
    kind: str = Field(default=MeetingKind.NETWORK, max_length=16)
    starts_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    place: str | None = Field(default=None, max_length=200)
    status: str = Field(default=EventStatus.PLANNED, max_length=16)
    sequence: int = Field(default=0)  # the calendar file's SEQUENCE, as for Appointment
    remind: tuple[timedelta, ...] | None = Field(
        default=None, sa_column=Column(DurationsColumn(), nullable=True)
    )


class MeetingInvitation(SQLModel, table=True):
    """One invitee of a meeting and their answer."""

    __tablename__ = "meeting_invitation"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id", name="uq_invitation"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    answer: str = Field(default=Answer.PENDING, max_length=16)
    answered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    active: bool = True


class Appointment(Timestamped, table=True):
    """A time one person must keep (BUP, school meeting, job centre), with its reminder offsets."""

    __tablename__ = "appointment"
    __table_args__ = (UniqueConstraint("case_id", "key", name="uq_appointment_case_key"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="sig_case.id", index=True)
    key: str = Field(max_length=128)
    member_id: int = Field(foreign_key="member.id", index=True)
    what: str = Field(max_length=200)
    place: str | None = Field(default=None, max_length=200)
    starts_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    remind: tuple[timedelta, ...] | None = Field(
        default=None, sa_column=Column(DurationsColumn(), nullable=True)
    )
    status: str = Field(default=EventStatus.PLANNED, max_length=16)
    answer: str = Field(default=Answer.PENDING, max_length=16)
    # The calendar file's SEQUENCE (RFC 5545): one more at every change, so a moved or
    # cancelled file replaces the copy a person already has.
    sequence: int = Field(default=0)


class ActionPlan(SQLModel, table=True):
    """One version of the action plan, written at a network meeting; commitments hang off it."""

    __tablename__ = "action_plan"
    __table_args__ = (UniqueConstraint("case_id", "version", name="uq_plan_version"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="sig_case.id", index=True)
    version: int
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    digest: str = Field(max_length=64)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Commitment(Timestamped, table=True):
    """Something one participant promised until the next meeting, in plain words."""

    __tablename__ = "commitment"
    __table_args__ = (UniqueConstraint("plan_id", "key", name="uq_commitment_plan_key"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="action_plan.id", index=True)
    case_id: int = Field(foreign_key="sig_case.id", index=True)
    key: str = Field(max_length=128)
    owner_member_id: int = Field(foreign_key="member.id", index=True)
    area: str = Field(max_length=16)
    text: str
    due_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    check_in: CheckInRule | None = Field(default=None, sa_column=Column(CheckInColumn()))
    status: str = Field(default=CommitmentStatus.OPEN, max_length=16)
    kept_streak: int = 0
    outcomes: list[bool] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))
    last_check_in_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    next_check_in_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), index=True)
    )
