"""What a closing summary is made of: the case's dates (its life-cycle moves) and its goals per
life area across every action-plan version, with what was kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.models import ActionPlan, Area, CaseStatusChange, Commitment, Member


@dataclass(frozen=True)
class StatusChangeRow:
    """One move in the life cycle (``from_status`` None for the first)."""

    at: datetime
    from_status: str | None
    to_status: str
    reason: str | None
    planned_end: datetime | None


@dataclass(frozen=True)
class Goal:
    """One promise as it last stood: its status in the last version it was in (``replaced``:
    a later version dropped it) and its check-ins kept and missed over all versions."""

    owner_key: str
    owner: str
    text: str
    status: str
    kept: int
    missed: int
    first_version: int
    last_version: int


@dataclass(frozen=True)
class AreaGoals:
    area: str
    goals: tuple[Goal, ...]

    @property
    def kept(self) -> int:
        return sum(goal.kept for goal in self.goals)

    @property
    def missed(self) -> int:
        return sum(goal.missed for goal in self.goals)


async def status_changes(session: AsyncSession, case_id: int) -> list[StatusChangeRow]:
    """The case's life-cycle moves, oldest first."""
    query = (
        select(CaseStatusChange)
        .where(CaseStatusChange.case_id == case_id)
        .order_by(col(CaseStatusChange.at), col(CaseStatusChange.id))
    )
    return [
        StatusChangeRow(row.at, row.from_status, row.to_status, row.reason, row.planned_end)
        for row in await session.exec(query)
    ]


async def goals_by_area(session: AsyncSession, case_id: int) -> list[AreaGoals]:
    """Every promise of every plan version, once: a promise carried into the next version in
    the same words (same key, owner and text) carries its history, so its last row counts."""
    query = (
        select(Commitment, ActionPlan.version, Member)
        .join(ActionPlan, col(ActionPlan.id) == col(Commitment.plan_id))
        .join(Member, col(Member.id) == col(Commitment.owner_member_id))
        .where(Commitment.case_id == case_id)
        .order_by(col(ActionPlan.version), col(Commitment.id))
    )
    latest: dict[tuple[int, str, str], tuple[Commitment, int, Member]] = {}
    first: dict[tuple[int, str, str], int] = {}
    for commitment, version, owner in await session.exec(query):
        same = (commitment.owner_member_id, commitment.key, commitment.text)
        first.setdefault(same, version)
        latest[same] = (commitment, version, owner)
    areas: dict[str, list[Goal]] = {}
    for same, (commitment, version, owner) in latest.items():
        outcomes = list(commitment.outcomes or [])
        areas.setdefault(commitment.area, []).append(
            Goal(
                owner_key=owner.key,
                owner=owner.name,
                text=commitment.text,
                status=commitment.status,
                kept=sum(1 for kept in outcomes if kept),
                missed=sum(1 for kept in outcomes if not kept),
                first_version=first[same],
                last_version=version,
            )
        )
    order = {area.value: n for n, area in enumerate(Area)}
    return [
        AreaGoals(area, tuple(goals))
        for area, goals in sorted(areas.items(), key=lambda item: order.get(item[0], len(order)))
    ]
