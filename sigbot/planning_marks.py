"""Planning by change: every write about a case leaves a mark that brings its planning forward.

The planner looks at a case when its ``next_look_at`` has come or when a ``planning_mark`` row
names it. The marks are written here, in the same transaction as the change, so a change and
its mark commit together: a reply, a delivery result, an import, a workspace edit. ORM writes
are marked by a flush hook that every session of :class:`sigbot.db.Database` carries; writes
made with Core statements call :func:`mark_changed` themselves. The planner's own session is
not marked: it sets the case's next look itself (docs/architecture.md, "Planning by change").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import event, insert
from sqlalchemy.orm import Session
from sqlmodel import Session as SQLModelSession
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.models import Case, JournalEntry, MeetingInvitation, PlanningMark
from sigbot.models.plans import Meeting

# session.info keys: this session is the planner's; the planner's session wrote something;
# the cases this transaction marked already.
PLANNER_SESSION = "sigbot.planning"
PLANNER_WROTE = "sigbot.planning.wrote"
MARKED = "sigbot.planning.marked"

# Rows whose writes never change what the planner decides (the journal is written on reads).
NOT_PLANNING_INPUT: tuple[type[Any], ...] = (JournalEntry, PlanningMark)


class MarkingSession(SQLModelSession):
    """The sessions sigbot works in: each flush marks the cases it wrote (hooks below)."""


async def mark_changed(session: AsyncSession, case_ids: Iterable[int | None]) -> None:
    """Mark cases changed by a write the flush hook does not see (a Core statement)."""
    wanted = {case_id for case_id in case_ids if case_id is not None}
    if wanted:
        await session.run_sync(lambda sync: _mark(sync, wanted))


def touched_cases(session: Session) -> set[int]:
    """The cases whose rows this flush inserts, changes or deletes."""
    ids: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, NOT_PLANNING_INPUT):
            continue
        if isinstance(obj, Case):
            case_id = obj.id
        elif isinstance(obj, MeetingInvitation):
            meeting = session.get(Meeting, obj.meeting_id)
            case_id = meeting.case_id if meeting is not None else None
        else:
            case_id = getattr(obj, "case_id", None)
        if isinstance(case_id, int):
            ids.add(case_id)
    return ids


@event.listens_for(MarkingSession, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    _mark(session, touched_cases(session))


def _mark(session: Session, case_ids: set[int]) -> None:
    if not case_ids:
        return
    if session.info.get(PLANNER_SESSION):
        session.info[PLANNER_WROTE] = True
        return
    marked: set[int] = session.info.setdefault(MARKED, set())
    new = sorted(case_ids - marked)
    if new:
        session.connection().execute(
            insert(PlanningMark.__table__),  # type: ignore[attr-defined]  # set by SQLModel at runtime
            [{"case_id": case_id} for case_id in new],
        )
        marked.update(new)


@event.listens_for(MarkingSession, "after_commit")
def _forget(session: Session) -> None:
    session.info.pop(MARKED, None)


@event.listens_for(MarkingSession, "after_soft_rollback")
def _forget_after_rollback(session: Session, _previous: Any) -> None:
    session.info.pop(MARKED, None)
