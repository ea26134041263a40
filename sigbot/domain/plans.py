"""Action-plan versions and the commitments in them.

A plan is written at a network meeting; a changed plan is a new version, linked to the last
network meeting held, and the open commitments of the old one are marked replaced
(docs/plan-file.md, "Re-import and identity"). A commitment whose key and wording did not change
keeps its history, so an adaptive check-in keeps its pace (docs/architecture.md, "Check-ins").
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.cases import RuleBroken, row_id
from sigbot.journal import record
from sigbot.models import (
    ActionPlan,
    Area,
    Case,
    Commitment,
    CommitmentStatus,
    EventStatus,
    JournalKind,
    Meeting,
    MeetingKind,
    Member,
)
from sigbot.timing import CheckInRule


@dataclass(frozen=True)
class CommitmentDraft:
    """One promise as a plan states it, before it is written into a version."""

    key: str
    owner: Member
    area: str
    text: str
    due_at: datetime | None = None
    check_in: CheckInRule | None = None

    def check(self, case_id: int) -> None:
        """Refuse a promise nobody in the case can keep or nobody can read."""
        if self.owner.case_id != case_id or not self.owner.active:
            raise RuleBroken(f"{self.owner.name} is not an active member of this case")
        if self.area not in set(Area):
            raise RuleBroken(f"{self.area!r} is not an area")
        if not self.text.strip():
            raise RuleBroken("a commitment needs its words")


def drafts_digest(drafts: Sequence[CommitmentDraft]) -> str:
    """A digest of the commitments, for versions not written from a plan file (a file's own
    digest keeps its spelling, so re-importing it writes no version)."""
    canonical = json.dumps(
        [
            {
                "key": d.key,
                "owner": d.owner.key,
                "area": d.area,
                "text": d.text,
                "due_at": d.due_at.isoformat() if d.due_at else None,
                "check_in": d.check_in.text if d.check_in else None,
            }
            for d in drafts
        ],
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


async def current_plan(session: AsyncSession, *, case: Case) -> ActionPlan | None:
    """The newest action-plan version of the case, if any."""
    query = (
        select(ActionPlan)
        .where(ActionPlan.case_id == case.id)
        .order_by(col(ActionPlan.version).desc())
    )
    return (await session.exec(query)).first()


async def plan_commitments(session: AsyncSession, *, plan: ActionPlan) -> list[Commitment]:
    """The commitments of one version, in the order they were written."""
    query = select(Commitment).where(Commitment.plan_id == plan.id).order_by(col(Commitment.id))
    return list(await session.exec(query))


async def _last_network_meeting(session: AsyncSession, case: Case, now: datetime) -> Meeting | None:
    query = (
        select(Meeting)
        .where(
            Meeting.case_id == case.id,
            Meeting.kind == MeetingKind.NETWORK,
            Meeting.starts_at <= now,
            Meeting.status != EventStatus.CANCELLED,
        )
        .order_by(col(Meeting.starts_at).desc(), col(Meeting.id))
    )
    return (await session.exec(query)).first()


async def _replace_open(
    session: AsyncSession, plan: ActionPlan | None, now: datetime
) -> dict[str, Commitment]:
    """Mark the old version's open commitments replaced; all of them by key, for their history."""
    if plan is None:
        return {}
    previous = {}
    for old in await plan_commitments(session, plan=plan):
        previous[old.key] = old
        if old.status == CommitmentStatus.OPEN:
            old.status = CommitmentStatus.REPLACED
            old.next_check_in_at = None
            old.updated_at = now
            session.add(old)
    return previous


async def record_plan_version(
    session: AsyncSession,
    *,
    case: Case,
    commitments: Sequence[CommitmentDraft],
    now: datetime,
    digest: str | None = None,
) -> ActionPlan:
    """Write the next version with ``commitments``, journaled ``plan.version``. ``digest`` is the
    plan file's, when the version comes from one (default: from the commitments)."""
    keys = [d.key for d in commitments]
    if len(set(keys)) != len(keys):
        raise RuleBroken("two commitments have the same key")
    for draft in commitments:
        draft.check(row_id(case))
    current = await current_plan(session, case=case)
    previous = await _replace_open(session, current, now)
    meeting = await _last_network_meeting(session, case, now)
    version = (current.version + 1) if current is not None else 1
    action_plan = ActionPlan(
        case_id=row_id(case),
        version=version,
        meeting_id=meeting.id if meeting else None,
        digest=digest or drafts_digest(commitments),
        created_at=now,
    )
    session.add(action_plan)
    await session.flush()
    for draft in commitments:
        session.add(_commitment(action_plan, draft, previous.get(draft.key), now))
    record(
        session,
        case_id=row_id(case),
        at=now,
        kind=JournalKind.PLAN_VERSION,
        summary=f"action plan version {version} with {len(commitments)} commitments"
        + (f" (after meeting {meeting.key})" if meeting else ""),
        data={
            "version": version,
            "commitments": len(commitments),
            "meeting": meeting.key if meeting else None,
        },
    )
    return action_plan


def _commitment(
    plan: ActionPlan, draft: CommitmentDraft, carried: Commitment | None, now: datetime
) -> Commitment:
    """A new commitment row; the same promise in the same words keeps its check-in history."""
    same = carried if carried is not None and carried.text == draft.text else None
    return Commitment(
        plan_id=row_id(plan),
        case_id=plan.case_id,
        key=draft.key,
        owner_member_id=row_id(draft.owner),
        area=draft.area,
        text=draft.text,
        due_at=draft.due_at,
        check_in=draft.check_in,
        kept_streak=same.kept_streak if same else 0,
        outcomes=list(same.outcomes) if same else [],
        last_check_in_at=same.last_check_in_at if same else None,
        created_at=now,
        updated_at=now,
    )


async def add_commitment(
    session: AsyncSession,
    *,
    case: Case,
    owner: Member,
    area: str,
    text: str,
    now: datetime,
    due_at: datetime | None = None,
    check_in: CheckInRule | None = None,
    key: str | None = None,
) -> tuple[ActionPlan, Commitment]:
    """One more promise: a new version with the current version's open commitments (their
    history kept) plus this one. Commitments already done or missed stay, as history, in the
    version they were kept in, and a promise leaves with an owner who left the case. Without
    ``key`` it is ``owner-area-N`` like a plan file's."""
    current = await current_plan(session, case=case)
    old = await plan_commitments(session, plan=current) if current is not None else []
    taken = {c.key for c in old}
    if key is None:
        key = next(
            f"{owner.key}-{area}-{n}"
            for n in range(1, len(taken) + 2)
            if f"{owner.key}-{area}-{n}" not in taken
        )
    elif key in taken:
        raise RuleBroken(f"the action plan has a commitment {key!r} already")
    drafts = []
    for c in old:
        if c.status == CommitmentStatus.OPEN:
            person = await session.get(Member, c.owner_member_id)
            if person is not None and person.active:  # a promise leaves with its owner
                drafts.append(CommitmentDraft(c.key, person, c.area, c.text, c.due_at, c.check_in))
    drafts.append(CommitmentDraft(key, owner, area, text, due_at, check_in))
    plan = await record_plan_version(session, case=case, commitments=drafts, now=now)
    await session.flush()
    added = (
        await session.exec(
            select(Commitment).where(Commitment.plan_id == plan.id, Commitment.key == key)
        )
    ).one()
    return plan, added
