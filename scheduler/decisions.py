"""What a planning rule can decide: small values the planner applies, in order.

Rules return these instead of touching the database, so each rule is a function of (case state,
now) that a test can call with a table of inputs and compare with a list of expected decisions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sigbot.models import CaseStatus, EscalationReason, JournalKind, MessageKind, SubjectType, Topic
from sigbot.outbox.store import Route

Subject = tuple[SubjectType, int]


@dataclass(frozen=True)
class Queue:
    """Say ``kind`` to one member at ``at`` (moved out of quiet hours when they apply)."""

    member_id: int
    kind: MessageKind
    topic: Topic
    key: str
    at: datetime
    params: dict[str, Any] = field(default_factory=dict)
    event: datetime | None = None  # the event it is about: quiet hours never push past it
    not_after: datetime | None = None  # too late to be useful after this
    subject: Subject | None = None
    chase: bool = False  # no answer within the case's no_reply_after counts as missed
    exclude: frozenset[Route] = frozenset()


@dataclass(frozen=True)
class TellCoordinators:
    """A notice for the case's coordinator, once per ``key``."""

    kind: MessageKind
    key: str
    params: dict[str, Any]


@dataclass(frozen=True)
class Cancel:
    """Pending messages that must not go any more."""

    outbox_ids: tuple[int, ...]
    reason: str


@dataclass(frozen=True)
class CloseQuestions:
    """Questions about a time that moved or was cancelled: no answer is expected any more."""

    outbox_ids: tuple[int, ...]


@dataclass(frozen=True)
class Journal:
    kind: JournalKind
    summary: str
    member_key: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    about_question: int | None = None  # skipped if another process settled that question


@dataclass(frozen=True)
class ChangeStatus:
    status: CaseStatus
    summary: str
    planned_end: datetime | None = None


@dataclass(frozen=True)
class ConsentWarned:
    """The coordinator was warned ``days`` before this consent ends (each warning once)."""

    consent_id: int
    days: int


@dataclass(frozen=True)
class CheckInPlanned:
    """When the next check-in on a commitment goes out."""

    commitment_id: int
    at: datetime


@dataclass(frozen=True)
class CheckInAsked:
    """A check-in went into the outbox; the next one is planned after its answer."""

    commitment_id: int
    at: datetime


@dataclass(frozen=True)
class CommitmentDone:
    commitment_id: int


@dataclass(frozen=True)
class Unanswered:
    """A question nobody answered in time; a commitment's history records a miss."""

    outbox_id: int
    commitment_id: int | None = None
    overdue: bool = False  # a due commitment without "done": it is missed


@dataclass(frozen=True)
class Escalate:
    """Open an escalation to the coordinator (once per ``dedupe_key``)."""

    member_id: int | None
    reason: EscalationReason
    what: str
    answer: str | None
    dedupe_key: str
    subject: tuple[str, int] | None = None
    about_question: int | None = None  # skipped if another process settled that question


Decision = (
    Queue
    | TellCoordinators
    | Cancel
    | CloseQuestions
    | Journal
    | ChangeStatus
    | ConsentWarned
    | CheckInPlanned
    | CheckInAsked
    | CommitmentDone
    | Unanswered
    | Escalate
)
