"""A case as the planning rules see it: everything about one case, read once per pass.

The rules are functions of this snapshot and the time; they read nothing else. The planner loads
it in a handful of queries, runs the rules in order and applies what each decides before the
next one runs, so a later rule sees the earlier ones' changes (a pause that ended, a prompt
marked unanswered).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from sigbot.models import (
    ActionPlan,
    Appointment,
    Case,
    Commitment,
    CommitmentStatus,
    Consent,
    Meeting,
    MeetingInvitation,
    Member,
    OutboxMessage,
    SubjectType,
)
from sigbot.timeutil import zone

T = TypeVar("T", bound=SQLModel)


@dataclass(frozen=True)
class PlanningPolicy:
    """The planner's knobs: when check-ins go out, how long the resting list lasts."""

    check_in_at: time = time(17, 0)
    resting_period: timedelta = timedelta(days=180)


@dataclass
class CaseState:
    """One case and everything the rules need to decide what to say, to whom, when."""

    case: Case
    members: dict[int, Member]
    policy: PlanningPolicy = field(default_factory=lambda: PlanningPolicy())
    consents: list[Consent] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    invitations: dict[int, list[MeetingInvitation]] = field(default_factory=dict)
    plan: ActionPlan | None = None
    commitments: list[Commitment] = field(default_factory=list)
    # Every version's commitments: questions asked about an older version point at these.
    all_commitments: list[Commitment] = field(default_factory=list)
    outbox: list[OutboxMessage] = field(default_factory=list)
    # Every key this case ever queued, plus those queued during this pass.
    keys: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.keys |= {row.idempotency_key for row in self.outbox}

    @property
    def case_id(self) -> int:
        assert self.case.id is not None
        return self.case.id

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.case.timezone)

    @property
    def no_reply_after(self) -> timedelta:
        return timedelta(seconds=self.case.no_reply_after_s)

    def member_by_key(self, key: str | None) -> Member | None:
        return next((m for m in self.members.values() if m.key == key), None)

    def about(self, subject_type: SubjectType, subject_id: int) -> Iterator[OutboxMessage]:
        """The case's messages about one appointment, meeting or commitment."""
        return (
            row
            for row in self.outbox
            if row.subject_type == subject_type and row.subject_id == subject_id
        )

    def by_key(self, key: str) -> OutboxMessage | None:
        return next((row for row in self.outbox if row.idempotency_key == key), None)

    def live_commitment(self, commitment_id: int | None) -> Commitment | None:
        """The open commitment of the current plan that ``commitment_id`` is or was carried
        into (same key); None when it was removed from the plan, done or missed."""
        asked = next((c for c in self.all_commitments if c.id == commitment_id), None)
        if asked is None:
            return None
        return next(
            (
                c
                for c in self.commitments
                if c.key == asked.key and c.status == CommitmentStatus.OPEN
            ),
            None,
        )

    def invitations_of(self, meeting_id: int, member_id: int | None) -> MeetingInvitation | None:
        return next(
            (i for i in self.invitations.get(meeting_id, []) if i.member_id == member_id), None
        )

    def local_text(self, moment: datetime) -> str:
        """A moment as the journal shows it: "2026-11-26 10:00" in the case's zone."""
        return moment.astimezone(self.tz).strftime("%Y-%m-%d %H:%M")


# The tables read per case by ``case_id`` (each has an index on it).
CASE_TABLES: tuple[type[SQLModel], ...] = (
    Member,
    Meeting,
    Commitment,
    Consent,
    Appointment,
    OutboxMessage,
)


def by_case(model: type[T], case_id: int) -> SelectOfScalar[T]:
    """Every row of ``model`` in one case, in the order they were made."""
    table: Any = model  # every table in CASE_TABLES has case_id and id
    return select(model).where(table.case_id == case_id).order_by(table.id)


def invitations_query(meeting_ids: list[int]) -> SelectOfScalar[MeetingInvitation]:
    """The invitations to these meetings, all at once."""
    return (
        select(MeetingInvitation)
        .where(col(MeetingInvitation.meeting_id).in_(meeting_ids))
        .order_by(col(MeetingInvitation.id))
    )


def current_plan_query(case_id: int) -> SelectOfScalar[ActionPlan]:
    """The case's plans, newest version first (served by the (case_id, version) key)."""
    return (
        select(ActionPlan)
        .where(ActionPlan.case_id == case_id)
        .order_by(col(ActionPlan.version).desc())
    )


async def load_state(session: AsyncSession, case: Case, policy: PlanningPolicy) -> CaseState:
    """Read one case's snapshot: members, consents, events, the current plan and its messages."""
    case_id = case.id
    assert case_id is not None
    members = list(await session.exec(by_case(Member, case_id)))
    meetings = list(await session.exec(by_case(Meeting, case_id)))
    invitations: dict[int, list[MeetingInvitation]] = {}
    meeting_ids = [m.id for m in meetings if m.id is not None]
    if meeting_ids:
        for inv in await session.exec(invitations_query(meeting_ids)):
            invitations.setdefault(inv.meeting_id, []).append(inv)
    plan = (await session.exec(current_plan_query(case_id))).first()
    # One query for every version's commitments; the current plan's are among them.
    every_commitment = list(await session.exec(by_case(Commitment, case_id)))
    return CaseState(
        case=case,
        members={m.id: m for m in members if m.id is not None},
        policy=policy,
        consents=list(await session.exec(by_case(Consent, case_id))),
        appointments=list(await session.exec(by_case(Appointment, case_id))),
        meetings=meetings,
        invitations=invitations,
        plan=plan,
        commitments=[c for c in every_commitment if plan is not None and c.plan_id == plan.id],
        all_commitments=every_commitment,
        outbox=list(await session.exec(by_case(OutboxMessage, case_id))),
    )
