"""Carry out what the rules decided, through the domain: the outbox, escalations, the journal.

The rules only say what should happen; this is the one place that writes it, in the caller's
transaction. Each decision changes the same objects the state holds, so a rule that runs later
in the same pass sees what an earlier one did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Update, update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.answers import propose_meeting_after_misses, record_outcome
from sigbot.domain.cases import change_status
from sigbot.domain.escalations import escalate
from sigbot.journal import record
from sigbot.models import (
    Answer,
    CaseStatus,
    CommitmentStatus,
    JournalKind,
    OutboxMessage,
    OutboxState,
)
from sigbot.outbox.messenger import Messenger
from sigbot.scheduler.decisions import (
    Cancel,
    ChangeStatus,
    CheckInAsked,
    CheckInPlanned,
    CloseQuestions,
    CommitmentDone,
    ConsentWarned,
    Decision,
    Escalate,
    Journal,
    Queue,
    TellCoordinators,
    Unanswered,
)
from sigbot.scheduler.state import CaseState

# Reminders planned while the service was down are still sent if at most this late.
LATE_GRACE = timedelta(hours=1)
MISS_KINDS = frozenset({JournalKind.COMMITMENT_MISSED, JournalKind.REMINDER_UNANSWERED})


@dataclass
class TickStats:
    """What one pass did (the demo prints it; tests read it)."""

    cases: int = 0
    queued: int = 0
    missed: int = 0
    escalated: int = 0
    failed_cases: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class Applier:
    """Applies one case's decisions in one session at one moment."""

    session: AsyncSession
    messenger: Messenger
    state: CaseState
    now: datetime
    stats: TickStats
    # Questions another planner marked unanswered first (two processes on one database).
    settled_elsewhere: set[int] = field(default_factory=set)

    async def apply(self, decisions: list[Decision]) -> None:
        for decision in decisions:
            if getattr(decision, "about_question", None) in self.settled_elsewhere:
                continue  # another process recorded this miss: its journal line and alert too
            await self.one(decision)

    async def one(self, decision: Decision) -> None:
        match decision:
            case Queue():
                await self._queue(decision)
            case TellCoordinators(kind, key, params):
                await self.messenger.to_coordinators(
                    self.session,
                    case=self.state.case,
                    kind=kind,
                    params=params,
                    key=key,
                    now=self.now,
                )
            case Cancel(ids, reason):
                self._cancel(ids, reason)
            case CloseQuestions(ids):
                for row in self._rows(ids):
                    self._touch(row, answer=Answer.SUPERSEDED, answered_at=self.now)
            case Journal(kind, summary, member_key, data):
                self._journal(kind, summary, member_key, data)
            case ChangeStatus():
                await self._change_status(decision)
            case ConsentWarned(consent_id, days):
                consent = next(c for c in self.state.consents if c.id == consent_id)
                consent.warned_days = [*consent.warned_days, days]
                self.session.add(consent)
            case CheckInPlanned(commitment_id, at):
                self._commitment(commitment_id, next_check_in_at=at)
            case CheckInAsked(commitment_id, at):
                self._commitment(
                    commitment_id, last_check_in_at=at, next_check_in_at=None, updated_at=self.now
                )
            case CommitmentDone(commitment_id):
                self._commitment(commitment_id, status=CommitmentStatus.DONE, updated_at=self.now)
            case Unanswered():
                await self._unanswered(decision)
            case Escalate():
                await self._escalate(decision)

    async def _queue(self, d: Queue) -> None:
        """Queue one message unless it exists, is too late, or quiet hours last past its event."""
        state, member = self.state, self.state.members[d.member_id]
        if d.key in state.keys:
            return
        state.keys.add(d.key)
        due = self.messenger.allowed_at(state.case, member, d.kind, d.at, d.event)
        if due is None:
            self._journal(
                JournalKind.MESSAGE_DROPPED,
                f"{d.kind} for {member.name} dropped: quiet hours last until the event",
                member.key,
                {"key": d.key, "kind": d.kind},
            )
            # Remember the decision so the next pass does not journal it again.
            await self.messenger.remember(
                self.session, d.key, state.case, member, d.kind, d.topic, self.now, "quiet hours"
            )
            return
        if d.not_after is None and due < self.now - LATE_GRACE:
            return  # a notice this late has lost its moment
        if d.not_after is not None and self.now >= d.not_after:
            return  # the event has begun, or the question is no longer open
        reply_by = due + state.no_reply_after if d.chase else None
        if reply_by is not None and d.event is not None:
            reply_by = min(reply_by, d.event)
        new = await self.messenger.to_member(
            self.session,
            case=state.case,
            member=member,
            kind=d.kind,
            topic=d.topic,
            params=d.params,
            key=d.key,
            due_at=max(due, self.now),
            now=self.now,
            not_after=d.not_after,
            reply_by=reply_by,
            subject=d.subject,
            exclude=d.exclude,
            quiet_hours_applied=True,
        )
        if new is not None:
            self.stats.queued += 1

    def _cancel(self, ids: tuple[int, ...], reason: str) -> None:
        rows = [row for row in self._rows(ids) if row.state == OutboxState.PENDING]
        for row in rows:
            self._touch(row, state=OutboxState.CANCELLED, last_error=reason)
            member = self.state.members.get(row.member_id or -1)
            self._journal(
                JournalKind.MESSAGE_CANCELLED,
                f"{row.kind} for {member.name if member else '?'} cancelled ({reason})",
                member.key if member else None,
                {"outbox_id": row.id, "kind": row.kind, "channel": row.channel, "detail": reason},
            )
        if rows and reason == "case paused":
            self.stats.notes.append(
                f"{self.state.case.ref}: paused, {len(rows)} messages held back"
            )

    async def _change_status(self, d: ChangeStatus) -> None:
        case = self.state.case
        if d.status == CaseStatus.ACTIVE:
            case.paused_until = None
        await change_status(
            self.session,
            case=case,
            status=d.status,
            now=self.now,
            planned_end=d.planned_end,
            summary=d.summary,
        )

    async def _unanswered(self, d: Unanswered) -> None:
        """Mark the question unanswered, once: a compare-and-set, so of two planners racing
        only one records the miss."""
        (prompt,) = self._rows((d.outbox_id,))
        settle = settle_statement(d.outbox_id, self.now)
        result = await (await self.session.connection()).execute(settle)
        if result.rowcount == 0:
            self.settled_elsewhere.add(d.outbox_id)
            return
        prompt.answer, prompt.answered_at = Answer.NONE, self.now  # already stored
        if d.commitment_id is None:
            return
        commitment = next(c for c in self.state.commitments if c.id == d.commitment_id)
        record_outcome(commitment, kept=False, now=self.now)
        if d.overdue:
            commitment.status = CommitmentStatus.MISSED
        self.session.add(commitment)

    async def _escalate(self, d: Escalate) -> None:
        member = self.state.members.get(d.member_id or -1)
        opened = await escalate(
            self.session,
            self.messenger,
            case=self.state.case,
            member=member,
            reason=d.reason,
            what=d.what,
            answer=d.answer,
            now=self.now,
            subject=d.subject,
            dedupe_key=d.dedupe_key,
        )
        if opened is not None:
            self.stats.escalated += 1
            await propose_meeting_after_misses(
                self.session, self.messenger, case=self.state.case, now=self.now
            )

    def _journal(
        self, kind: JournalKind, summary: str, member_key: str | None, data: dict[str, object]
    ) -> None:
        if kind in MISS_KINDS:
            self.stats.missed += 1
        record(
            self.session,
            case_id=self.state.case_id,
            at=self.now,
            kind=kind,
            member_key=member_key,
            summary=summary,
            data=dict(data),
        )

    def _rows(self, ids: tuple[int, ...]) -> list[OutboxMessage]:
        wanted = set(ids)
        return [row for row in self.state.outbox if row.id in wanted]

    def _commitment(self, commitment_id: int, **values: object) -> None:
        commitment = next(c for c in self.state.commitments if c.id == commitment_id)
        self._touch(commitment, **values)

    def _touch(self, row: object, **values: object) -> None:
        for name, value in values.items():
            setattr(row, name, value)
        self.session.add(row)


def settle_statement(outbox_id: int, now: datetime) -> Update:
    """Mark one question unanswered unless someone settled it first (by primary key)."""
    return (
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == outbox_id, col(OutboxMessage.answered_at).is_(None))
        .values(answer=Answer.NONE, answered_at=now)
    )
