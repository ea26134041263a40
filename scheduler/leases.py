"""Which cases a tick plans, and the lease that lets several processes share them.

A case is due when its ``next_look_at`` has come (or was never set) or when a planning mark
names it. Each case is planned in its own transaction that first takes the case's row with
``FOR NO KEY UPDATE SKIP LOCKED`` on PostgreSQL: a second process skips a case the first is
planning, and once the first commits, the case is no longer due. ``NO KEY`` lets other
transactions keep inserting rows that point at the case (outbox rows, marks) meanwhile.
On SQLite, one writer at a time already serializes the work (the clause is left out there).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Delete, delete, exists, or_
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from sigbot.models import Case, CaseStatus, PlanningMark

PLANNED = (CaseStatus.ACTIVE, CaseStatus.PAUSED, CaseStatus.CLOSED, CaseStatus.RESTING)


def candidates(now: datetime, *, sweep: bool = False) -> SelectOfScalar[int]:
    """The ids of the cases to plan now (every running case when ``sweep``), oldest first.

    Served by ``ix_sig_case_next_look_at`` and ``ix_planning_mark_case_id``; a marked case in
    any status is listed, so that its marks are cleared even when it is not planned.
    """
    if sweep:
        query = select(Case.id).where(col(Case.status).in_(PLANNED))
    else:
        marked = select(PlanningMark.case_id).distinct()
        query = select(Case.id).where(
            or_(
                col(Case.status).in_(PLANNED) & _time_has_come(now),
                col(Case.id).in_(marked),
            )
        )
    return query.order_by(col(Case.id))  # type: ignore[return-value]  # ids are never None


def take(case_id: int, now: datetime, *, sweep: bool = False) -> SelectOfScalar[Case]:
    """The case, locked for this transaction, if it is still due and nobody else holds it."""
    query = select(Case).where(Case.id == case_id)
    if not sweep:
        is_marked = exists().where(col(PlanningMark.case_id) == case_id)
        query = query.where(or_(_time_has_come(now), is_marked))
    return query.with_for_update(skip_locked=True, key_share=True).execution_options(
        populate_existing=True
    )


def marks_of(case_id: int) -> SelectOfScalar[int]:
    """The marks this transaction sees; only these are cleared after planning (a change
    committed meanwhile leaves its own mark for the next tick)."""
    return select(PlanningMark.id).where(PlanningMark.case_id == case_id)  # type: ignore[return-value]  # ids are never None


def forget_marks(ids: list[int]) -> Delete:
    return delete(PlanningMark).where(col(PlanningMark.id).in_(ids))


def _time_has_come(now: datetime) -> ColumnElement[bool]:
    return or_(col(Case.next_look_at).is_(None), col(Case.next_look_at) <= now)
