"""A plan file after every check (docs/plan-file.md): times in UTC, numbers in E.164, every entry
with its key. What the importer compares with the database; and the refusal, when it fails."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sigbot.timing import CheckInRule, QuietHours


@dataclass(frozen=True)
class PlanProblem:
    """One reason the file is refused: where (a key path) and what is wrong."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}" if self.where else self.reason


class PlanError(ValueError):
    """The plan file is refused; ``problems`` lists every reason."""

    def __init__(self, source: str, problems: list[PlanProblem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}: {p}" for p in problems))


@dataclass(frozen=True)
class ResolvedMember:
    key: str
    role: str
    name: str
    language: str
    phone: str | None
    telegram_chat_id: int | None
    channel: str | None
    organisation: str | None
    account: str | None = None  # staff only; None: the key is the username


@dataclass(frozen=True)
class ResolvedConsent:
    key: str
    given_by: tuple[str, ...]
    share_with: tuple[str, ...]
    topics: tuple[str, ...]
    valid_from: dt.datetime | None
    valid_until: dt.datetime
    withdrawn_at: dt.datetime | None
    withdrawn_reason: str | None


@dataclass(frozen=True)
class ResolvedMeeting:
    key: str
    kind: str
    starts_at: dt.datetime
    place: str | None
    invite: tuple[str, ...]
    remind: tuple[dt.timedelta, ...] | None
    status: str


@dataclass(frozen=True)
class ResolvedAppointment:
    key: str
    who: str
    what: str
    starts_at: dt.datetime
    place: str | None
    remind: tuple[dt.timedelta, ...] | None
    status: str


@dataclass(frozen=True)
class ResolvedCommitment:
    key: str
    owner: str
    area: str
    text: str
    due_at: dt.datetime | None
    check_in: CheckInRule | None


@dataclass(frozen=True)
class ResolvedPlan:
    """A plan file after every check: ready to be written to the database."""

    ref: str
    coordinator: str
    backup: str | None
    status: str
    status_reason: str | None
    paused_until: dt.datetime | None
    outcome: str | None
    timezone: str
    quiet_hours: QuietHours | None
    no_reply_after: dt.timedelta
    ack_within: dt.timedelta
    members: tuple[ResolvedMember, ...]
    consents: tuple[ResolvedConsent, ...]
    meetings: tuple[ResolvedMeeting, ...]
    appointments: tuple[ResolvedAppointment, ...]
    commitments: tuple[ResolvedCommitment, ...]
    digest: str
    commitments_digest: str = field(default="")
