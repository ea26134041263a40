"""Messages out (the outbox), messages in, escalations, invitations to link Telegram."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Column, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from sigbot.models.enums import EscalationLevel, OutboxState
from sigbot.models.types import JSONType, UTCDateTime, utc_now


class OutboxMessage(SQLModel, table=True):
    """Every outgoing message is a row before it is a send: nothing lost, nothing sent twice.

    Future reminders are pending rows with a future ``due_at``; the dispatcher claims due rows
    with a lease so a crashed process's claims return to the pool.
    """

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_state_due", "state", "due_at"),
        # The messages about one appointment, meeting, commitment or alert (the dispatcher's
        # "a later reminder is due", "see you", reports): without it each of those reads the
        # whole outbox. Member and due time make it the index SQLite picks without statistics.
        Index("ix_outbox_subject", "subject_type", "subject_id", "member_id", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(unique=True, max_length=200)
    case_id: int | None = Field(default=None, foreign_key="sig_case.id", index=True)
    member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    channel: str = Field(max_length=16)
    address: str = Field(max_length=64)
    language: str = Field(default="sv", max_length=8)
    topic: str = Field(max_length=16)
    kind: str = Field(max_length=32)
    body: str
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONType))
    subject_type: str | None = Field(default=None, max_length=32)
    subject_id: int | None = None
    due_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    not_after: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    # Among rows due together, lower goes first (``kinds.priority_of``): set when queued.
    priority: int = Field(
        default=1, sa_column=Column(Integer(), nullable=False, server_default="1")
    )
    state: str = Field(default=OutboxState.PENDING, max_length=16)
    attempts: int = 0
    lease_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    claimed_by: str | None = Field(default=None, max_length=64)
    provider_id: str | None = Field(default=None, index=True, max_length=64)
    provider_status: str | None = Field(default=None, max_length=32)
    last_error: str | None = None
    expects_reply: bool = False
    reply_by: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    answer: str | None = Field(default=None, max_length=16)
    answered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    fallback_of: int | None = None
    created_at: datetime = Field(
        default_factory=utc_now, sa_column=Column(UTCDateTime(), nullable=False)
    )
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class InboundMessage(SQLModel, table=True):
    """Everything anyone wrote to us, kept even when we could not make sense of it."""

    __tablename__ = "inbound_message"

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    address: str = Field(max_length=64, index=True)
    provider_id: str | None = Field(default=None, unique=True, max_length=64)
    case_id: int | None = Field(default=None, foreign_key="sig_case.id", index=True)
    member_id: int | None = Field(default=None, foreign_key="member.id")
    body: str
    reply_kind: str = Field(max_length=16)
    in_reply_to: int | None = Field(default=None, foreign_key="outbox_message.id")
    received_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Escalation(SQLModel, table=True):
    """Something the coordinator must hear about; climbs to backup and team lead if ignored.

    ``dedupe_key`` says what it is about (an answer, a missed question); unique per case, so two
    processes that see the same miss open it once (``INSERT ... ON CONFLICT DO NOTHING``).
    """

    __tablename__ = "escalation"
    __table_args__ = (UniqueConstraint("case_id", "dedupe_key", name="uq_escalation_case_dedupe"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="sig_case.id", index=True)
    dedupe_key: str = Field(max_length=200)
    member_id: int | None = Field(default=None, foreign_key="member.id")
    subject_type: str | None = Field(default=None, max_length=32)
    subject_id: int | None = None
    reason: str = Field(max_length=32)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONType))
    level: str = Field(default=EscalationLevel.COORDINATOR, max_length=16)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    escalate_after: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), index=True)
    )
    acknowledged_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    acknowledged_by: str | None = Field(default=None, max_length=64)
    action: str | None = Field(default=None, max_length=16)


class HandOver(SQLModel, table=True):
    """A case got another coordinator or backup: its open alerts follow them and the family is
    told who their contact is now. Written by ``domain.cases.hand_over`` (whoever changed the
    case, even ``sigbot import`` with no service running); carried out by the planner's next
    pass (``domain.staff.follow_hand_overs``), which sets ``done_at``."""

    __tablename__ = "hand_over"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="sig_case.id", index=True)
    role: str = Field(max_length=16)  # EscalationLevel.COORDINATOR or BACKUP
    from_key: str | None = Field(default=None, max_length=64)
    to_key: str | None = Field(default=None, max_length=64)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    done_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), index=True))


class JournalEntry(SQLModel, table=True):
    """The case journal: every event and every message, in the order it happened."""

    __tablename__ = "journal_entry"
    __table_args__ = (Index("ix_journal_case_at", "case_id", "at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = Field(default=None, foreign_key="sig_case.id")
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    kind: str = Field(max_length=48)
    member_key: str | None = Field(default=None, max_length=64)
    summary: str
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONType))


class InviteCode(SQLModel, table=True):
    """A one-time Telegram deep-link code that ties a chat to a member; only its hash is kept."""

    __tablename__ = "invite_code"

    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(unique=True, max_length=64)
    member_id: int = Field(foreign_key="member.id", index=True)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    used_by_chat: int | None = Field(default=None, sa_column=Column(BigInteger()))
