"""The planner: turns the case's state into outbox rows, and notices what slipped.

It runs every few seconds (and on demand in tests and the demo). Each pass is idempotent: every
message it plans has a key derived from what it is about and when (a moved appointment gets new
keys, so its old reminders are cancelled and new ones planned), so running it twice, or in two
processes, or after a crash, never queues anything twice. Future reminders are rows, not
in-memory jobs: memory does not grow with their number and a restart loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy import and_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.clock import Clock
from sigbot.db import Database
from sigbot.domain.answers import propose_meeting_after_misses, record_outcome
from sigbot.domain.consent import load_consents, may_receive
from sigbot.domain.escalations import TeamLead, climb_unacknowledged, escalate
from sigbot.journal import record
from sigbot.models import (
    ActionPlan,
    Appointment,
    Case,
    CaseStatus,
    CaseStatusChange,
    Commitment,
    CommitmentStatus,
    Consent,
    EventStatus,
    Meeting,
    MeetingInvitation,
    Member,
    OutboxMessage,
    OutboxState,
    Role,
)
from sigbot.outbox.messenger import Messenger
from sigbot.outbox.store import Route
from sigbot.scheduler.rules.overview import send_overviews
from sigbot.scheduler.timing import next_check_in, reminder_times
from sigbot.timeutil import local_to_utc, zone
from sigbot.timing import (
    QuietHours,
    apply_quiet_hours,
)

log = structlog.get_logger(__name__)

FAMILY = (Role.YOUTH, Role.GUARDIAN)
MEETING_EVERY = timedelta(days=28)
CONSENT_WARNINGS = (30, 7)
# What a pause holds back: the follow-up, not answers to what people write.
PAUSED_HOLDS = (
    "appointment_reminder",
    "meeting_reminder",
    "meeting_invitation",
    "officials_invitation",
    "check_in",
    "commitment_due",
    "plan_notice",
    "welcome_sms",
)
# Reminders planned while the service was down are still sent if at most this late.
LATE_GRACE = timedelta(hours=1)


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
class _Ctx:
    session: AsyncSession
    case: Case
    tz: ZoneInfo
    quiet: QuietHours | None
    now: datetime
    members: dict[int, Member]
    consents: list[Consent]
    stats: TickStats
    keys: set[str] = field(default_factory=set)

    def by_key(self, key: str | None) -> Member | None:
        return next((m for m in self.members.values() if m.key == key), None)


class Planner:
    """Plans reminders, check-ins, invitations and notices; detects misses; climbs escalations."""

    def __init__(
        self,
        *,
        db: Database,
        messenger: Messenger,
        clock: Clock,
        team_lead: TeamLead | None = None,
        coordinator_alerts_in_quiet_hours: bool = True,
        check_in_at: time = time(17, 0),
        resting_months: int = 6,
        daily_overview: bool = True,
    ) -> None:
        self.db = db
        self.messenger = messenger
        self.clock = clock
        self.team_lead = team_lead or TeamLead(None)
        self.coordinator_alerts_in_quiet_hours = coordinator_alerts_in_quiet_hours
        self.check_in_at = check_in_at
        self.resting_period = timedelta(days=30 * resting_months)
        self.daily_overview = daily_overview

    async def tick(self) -> TickStats:
        """One planning pass over every case that is not merely proposed."""
        now = self.clock.now()
        stats = TickStats()
        async with self.db.session() as session:
            ids = list(
                await session.exec(
                    select(Case.id).where(
                        col(Case.status).in_(
                            [
                                CaseStatus.ACTIVE,
                                CaseStatus.PAUSED,
                                CaseStatus.CLOSED,
                                CaseStatus.RESTING,
                            ]
                        )
                    )
                )
            )
        for case_id in ids:
            try:
                async with self.db.session() as session:
                    case = await session.get(Case, case_id)
                    if case is None:
                        continue
                    await self._case(session, case, now, stats)
                    await session.commit()
            except Exception:
                # One broken case must not stop the follow-up of all the others.
                log.exception("planning failed for a case", case_id=case_id)
                stats.failed_cases += 1
                continue
            stats.cases += 1
        async with self.db.session() as session:
            stats.escalated += await climb_unacknowledged(
                session, self.messenger, now=now, team_lead=self.team_lead
            )
            if self.daily_overview:
                await send_overviews(session, self.messenger, now=now)
            await session.commit()
        return stats

    async def _case(
        self, session: AsyncSession, case: Case, now: datetime, stats: TickStats
    ) -> None:
        assert case.id is not None
        members = {
            m.id: m
            for m in await session.exec(select(Member).where(Member.case_id == case.id))
            if m.id is not None
        }
        ctx = _Ctx(
            session=session,
            case=case,
            tz=zone(case.timezone),
            quiet=case.quiet_hours,
            now=now,
            members=members,
            consents=await load_consents(session, case.id),
            stats=stats,
            # Every key this case ever queued: one query instead of one per planned message.
            keys=set(
                await session.exec(
                    select(OutboxMessage.idempotency_key).where(OutboxMessage.case_id == case.id)
                )
            ),
        )
        if not await self._life_cycle(ctx):
            return
        await self._consent(ctx)
        if case.status == CaseStatus.RESTING:
            await self._resting_check_in(ctx)
            return
        await self._welcome(ctx)
        await self._appointments(ctx)
        await self._meetings(ctx)
        await self._plan_notices(ctx)
        await self._check_ins(ctx)
        await self._due_commitments(ctx)
        await self._no_replies(ctx)
        await self._meeting_cadence(ctx)

    # --- helpers -------------------------------------------------------------------------

    def _quiet(
        self, ctx: _Ctx, member: Member, at: datetime, event: datetime | None
    ) -> datetime | None:
        if member.role == Role.COORDINATOR and self.coordinator_alerts_in_quiet_hours:
            return at
        return apply_quiet_hours(at, ctx.quiet, ctx.tz, event)

    def _allowed(self, ctx: _Ctx, member: Member, topic: str) -> bool:
        return may_receive(ctx.case, member, topic, ctx.consents, ctx.now)

    async def _queue(
        self,
        ctx: _Ctx,
        member: Member,
        *,
        kind: str,
        topic: str,
        key: str,
        at: datetime,
        params: dict[str, Any],
        event: datetime | None = None,
        not_after: datetime | None = None,
        subject: tuple[str, int] | None = None,
        reply: bool = False,
        chase: bool = True,
        exclude: frozenset[Route] = frozenset(),
    ) -> int | None:
        """Queue one message unless it exists, is too late, or falls in quiet hours too late."""
        if key in ctx.keys:
            return None
        ctx.keys.add(key)
        due = self._quiet(ctx, member, at, event)
        if due is None:
            record(
                ctx.session,
                case_id=ctx.case.id,
                at=ctx.now,
                kind="message.dropped",
                member_key=member.key,
                summary=f"{kind} for {member.name} dropped: quiet hours last until the event",
                data={"key": key},
            )
            # Remember the decision so the next pass does not journal it again.
            await self.messenger.remember(
                ctx.session, key, ctx.case, member, kind, topic, ctx.now, "quiet hours"
            )
            return None
        if not_after is None and due < ctx.now - LATE_GRACE:
            return None  # a notice this late has lost its moment
        if not_after is not None and ctx.now >= not_after:
            return None  # the event has begun, or the question is no longer open
        # Only reminders and check-ins are chased: no answer by reply_by counts as missed.
        reply_by = due + timedelta(seconds=ctx.case.no_reply_after_s) if reply and chase else None
        if reply_by is not None and event is not None:
            reply_by = min(reply_by, event)
        new = await self.messenger.to_member(
            ctx.session,
            case=ctx.case,
            member=member,
            kind=kind,
            topic=topic,
            params=params,
            key=key,
            due_at=max(due, ctx.now) if due < ctx.now else due,
            now=ctx.now,
            not_after=not_after,
            reply_by=reply_by,
            subject=subject,
            exclude=exclude,
        )
        if new is not None:
            ctx.stats.queued += 1
        return new

    def _when(self, ctx: _Ctx, moment: datetime) -> str:
        return moment.astimezone(ctx.tz).strftime("%Y-%m-%d %H:%M")

    async def _cancel(self, ctx: _Ctx, where: object, reason: str) -> list[OutboxMessage]:
        rows = list(
            await ctx.session.exec(
                select(OutboxMessage).where(
                    OutboxMessage.case_id == ctx.case.id,
                    OutboxMessage.state == OutboxState.PENDING,
                    where,  # type: ignore[arg-type]
                )
            )
        )
        for row in rows:
            row.state = OutboxState.CANCELLED
            row.last_error = reason
            ctx.session.add(row)
            member = ctx.members.get(row.member_id or -1)
            record(
                ctx.session,
                case_id=ctx.case.id,
                at=ctx.now,
                kind="message.cancelled",
                member_key=member.key if member else None,
                summary=f"{row.kind} for {member.name if member else '?'} cancelled ({reason})",
                data={"outbox_id": row.id},
            )
        return rows

    # --- life cycle ----------------------------------------------------------------------

    async def _set_status(self, ctx: _Ctx, status: str, summary: str) -> None:
        case = ctx.case
        assert case.id is not None
        ctx.session.add(
            CaseStatusChange(case_id=case.id, from_status=case.status, to_status=status, at=ctx.now)
        )
        case.status = status
        case.status_since = ctx.now
        case.updated_at = ctx.now
        ctx.session.add(case)
        record(ctx.session, case_id=case.id, at=ctx.now, kind="case.status", summary=summary)

    async def _life_cycle(self, ctx: _Ctx) -> bool:
        """Pause, resume, close; returns False when nothing more is planned for the case."""
        case = ctx.case
        if case.status == CaseStatus.PAUSED:
            if case.paused_until is not None and case.paused_until <= ctx.now:
                case.paused_until = None
                await self._set_status(ctx, CaseStatus.ACTIVE, "pause over: reminders resume")
                return True
            held = await self._cancel(
                ctx,
                col(OutboxMessage.kind).in_(PAUSED_HOLDS),
                "case paused",
            )
            if held:
                ctx.stats.notes.append(f"{case.ref}: paused, {len(held)} messages held back")
            return False
        if case.status == CaseStatus.CLOSED:
            await self._cancel(ctx, col(OutboxMessage.id).is_not(None), "case closed")
            case.resting_until = ctx.now + self.resting_period
            until = case.resting_until.astimezone(ctx.tz).date().isoformat()
            await self._set_status(
                ctx, CaseStatus.RESTING, f"closed; on the resting list until {until}"
            )
            return True
        return True

    async def _resting_check_in(self, ctx: _Ctx) -> None:
        """A light monthly check-in with the young person while on the resting list."""
        case = ctx.case
        if case.resting_until is None or ctx.now >= case.resting_until:
            return
        youth = next((m for m in ctx.members.values() if m.role == Role.YOUTH), None)
        if youth is None:
            return
        months = (ctx.now - case.status_since).days // 30
        if months < 1:
            return
        first = case.status_since + timedelta(days=30 * months)
        at = local_to_utc(
            datetime.combine(first.astimezone(ctx.tz).date(), self.check_in_at),
            ctx.tz,
            strict=False,
        )
        if at > ctx.now:
            return
        await self._queue(
            ctx,
            youth,
            kind="resting_check_in",
            topic="reminders",
            key=f"resting|{case.id}|{months}",
            at=at,
            params={"name": youth.name},
            not_after=at + timedelta(days=3),
            reply=True,
        )

    # --- consent --------------------------------------------------------------------------

    async def _consent(self, ctx: _Ctx) -> None:
        for consent in ctx.consents:
            if consent.withdrawn_at is not None:
                continue
            left = consent.valid_until - ctx.now
            days_left = -(-left // timedelta(days=1))  # whole days, rounded up
            for days in CONSENT_WARNINGS:
                if timedelta(0) < left <= timedelta(days=days) and days not in consent.warned_days:
                    consent.warned_days = [*consent.warned_days, days]
                    ctx.session.add(consent)
                    await self.messenger.to_coordinators(
                        ctx.session,
                        case=ctx.case,
                        kind="consent_expiring",
                        params={
                            "case": ctx.case.ref,
                            "days": days_left,
                            "date": (consent.valid_until - timedelta(seconds=1))
                            .astimezone(ctx.tz)
                            .date()
                            .isoformat(),
                        },
                        key=f"consent-warn|{consent.id}|{days}",
                        now=ctx.now,
                    )
                    record(
                        ctx.session,
                        case_id=ctx.case.id,
                        at=ctx.now,
                        kind="consent.expiring",
                        summary=f"consent {consent.key} ends in {days_left} days",
                    )
        # Messages already queued for someone the consent no longer covers are cancelled now.
        pending = list(
            await ctx.session.exec(
                select(OutboxMessage).where(
                    OutboxMessage.case_id == ctx.case.id,
                    OutboxMessage.state == OutboxState.PENDING,
                )
            )
        )
        for row in pending:
            member = ctx.members.get(row.member_id or -1)
            if member is not None and not self._allowed(ctx, member, row.topic):
                await self._cancel(
                    ctx, col(OutboxMessage.id) == row.id, "consent expired or withdrawn"
                )

    # --- onboarding ------------------------------------------------------------------------

    async def _welcome(self, ctx: _Ctx) -> None:
        for member in ctx.members.values():
            if not member.active or not member.phone or member.role == Role.COORDINATOR:
                continue
            if member.channel != "sms" and member.telegram_chat_id is not None:
                continue
            if not self._allowed(ctx, member, "reminders"):
                continue
            await self._queue(
                ctx,
                member,
                kind="welcome_sms",
                topic="reminders",
                key=f"welcome|{member.id}|{member.phone}",
                at=ctx.now,
                params={},
                exclude=frozenset(
                    {Route("telegram", str(member.telegram_chat_id))}
                    if member.telegram_chat_id
                    else set()
                ),
            )

    # --- appointments and meetings ---------------------------------------------------------

    async def _appointments(self, ctx: _Ctx) -> None:
        appointments = await ctx.session.exec(
            select(Appointment).where(Appointment.case_id == ctx.case.id)
        )
        for appt in appointments:
            assert appt.id is not None
            member = ctx.members.get(appt.member_id)
            if member is None:
                continue
            stamp = int(appt.starts_at.timestamp())
            prefix = f"appt|{appt.id}|{stamp}|"
            await self._cancel(
                ctx,
                and_(
                    col(OutboxMessage.subject_type) == "appointment",
                    col(OutboxMessage.subject_id) == appt.id,
                    col(OutboxMessage.kind) == "appointment_reminder",
                    ~col(OutboxMessage.idempotency_key).startswith(prefix),
                )
                if appt.status == EventStatus.PLANNED
                else and_(
                    col(OutboxMessage.subject_type) == "appointment",
                    col(OutboxMessage.subject_id) == appt.id,
                ),
                "appointment moved"
                if appt.status == EventStatus.PLANNED
                else "appointment cancelled",
            )
            await self._close_old_prompts(
                ctx, "appointment", appt.id, prefix if appt.status == EventStatus.PLANNED else None
            )
            already_told = await self._sent_for_other_time(ctx, "appointment", appt.id, prefix)
            params = {
                "what": appt.what,
                "place": appt.place or "",
                "when_utc": appt.starts_at.isoformat(),
                "tz": ctx.case.timezone,
                "what_when": f"{appt.what} {self._when(ctx, appt.starts_at)}",
            }
            if appt.status == EventStatus.CANCELLED:
                if already_told or await self._sent_for_other_time(ctx, "appointment", appt.id, ""):
                    await self._queue(
                        ctx,
                        member,
                        kind="appointment_cancelled",
                        topic="reminders",
                        key=f"appt-cancelled|{appt.id}",
                        at=ctx.now,
                        params=params,
                        subject=("appointment", appt.id),
                    )
                continue
            if appt.status != EventStatus.PLANNED or appt.starts_at <= ctx.now:
                continue
            if already_told:
                await self._queue(
                    ctx,
                    member,
                    kind="appointment_moved",
                    topic="reminders",
                    key=f"appt-moved|{appt.id}|{stamp}",
                    at=ctx.now,
                    params=params,
                    subject=("appointment", appt.id),
                    event=appt.starts_at,
                )
            await self._reminders(
                ctx,
                member,
                kind="appointment_reminder",
                topic="reminders",
                key_prefix=prefix,
                event=appt.starts_at,
                remind=appt.remind,
                params=params,
                subject=("appointment", appt.id),
            )

    async def _reminders(
        self,
        ctx: _Ctx,
        member: Member,
        *,
        kind: str,
        topic: str,
        key_prefix: str,
        event: datetime,
        remind: tuple[timedelta, ...] | None,
        params: dict[str, Any],
        subject: tuple[str, int],
    ) -> None:
        """Queue the reminders of one event for one person at the plan's (or default) offsets."""
        for i, at in enumerate(reminder_times(event, remind, ctx.tz)):
            await self._queue(
                ctx,
                member,
                kind=kind,
                topic=topic,
                key=f"{key_prefix}{i}",
                at=at,
                params=params,
                event=event,
                not_after=event,
                subject=subject,
                reply=True,
            )

    async def _close_old_prompts(
        self, ctx: _Ctx, subject_type: str, subject_id: int, current: str | None
    ) -> None:
        """Questions about a time that has moved (or was cancelled) expect no answer any more."""
        rows = await ctx.session.exec(
            select(OutboxMessage).where(
                OutboxMessage.subject_type == subject_type,
                OutboxMessage.subject_id == subject_id,
                col(OutboxMessage.expects_reply),
                col(OutboxMessage.answered_at).is_(None),
            )
        )
        for row in rows:
            if current is not None and current in row.idempotency_key:
                continue
            row.answer = "superseded"
            row.answered_at = ctx.now
            ctx.session.add(row)

    async def _sent_for_other_time(
        self, ctx: _Ctx, subject_type: str, subject_id: int, current_prefix: str
    ) -> bool:
        """Whether a reminder about this subject already reached the person for another time."""
        rows = await ctx.session.exec(
            select(OutboxMessage.idempotency_key).where(
                OutboxMessage.subject_type == subject_type,
                OutboxMessage.subject_id == subject_id,
                col(OutboxMessage.state).in_([OutboxState.SENT, OutboxState.DELIVERED]),
                col(OutboxMessage.kind).in_(
                    [
                        "appointment_reminder",
                        "meeting_reminder",
                        "meeting_invitation",
                        "officials_invitation",
                    ]
                ),
            )
        )
        keys = list(rows)
        if not current_prefix:
            return bool(keys)
        return any(not key.startswith(current_prefix) for key in keys)

    async def _meetings(self, ctx: _Ctx) -> None:
        meetings = await ctx.session.exec(select(Meeting).where(Meeting.case_id == ctx.case.id))
        for meeting in meetings:
            assert meeting.id is not None
            stamp = int(meeting.starts_at.timestamp())
            invitations = list(
                await ctx.session.exec(
                    select(MeetingInvitation).where(MeetingInvitation.meeting_id == meeting.id)
                )
            )
            params = {
                "place": meeting.place or "",
                "when_utc": meeting.starts_at.isoformat(),
                "tz": ctx.case.timezone,
                "kind": meeting.kind,
                "what_when": f"{meeting.kind} meeting {self._when(ctx, meeting.starts_at)}",
            }
            await self._cancel(
                ctx,
                and_(
                    col(OutboxMessage.subject_type) == "meeting",
                    col(OutboxMessage.subject_id) == meeting.id,
                    ~col(OutboxMessage.idempotency_key).contains(f"|{stamp}|"),
                )
                if meeting.status == EventStatus.PLANNED
                else and_(
                    col(OutboxMessage.subject_type) == "meeting",
                    col(OutboxMessage.subject_id) == meeting.id,
                ),
                "meeting moved" if meeting.status == EventStatus.PLANNED else "meeting cancelled",
            )
            await self._close_old_prompts(
                ctx,
                "meeting",
                meeting.id,
                f"|{stamp}|" if meeting.status == EventStatus.PLANNED else None,
            )
            if meeting.status != EventStatus.PLANNED:
                continue
            if meeting.starts_at <= ctx.now:
                continue
            for invitation in invitations:
                member = ctx.members.get(invitation.member_id)
                if member is None or not invitation.active:
                    continue
                if meeting.kind == "officials" and member.role in FAMILY:
                    continue  # never: an officials' meeting is without the family
                await self._queue(
                    ctx,
                    member,
                    kind="meeting_invitation"
                    if meeting.kind == "network"
                    else "officials_invitation",
                    topic="meetings",
                    key=f"meet|{meeting.id}|{stamp}|{member.id}|invite",
                    at=ctx.now,
                    params=params,
                    event=meeting.starts_at,
                    not_after=meeting.starts_at,
                    subject=("meeting", meeting.id),
                    reply=True,
                    chase=False,
                )
                if member.role not in FAMILY:
                    continue
                await self._reminders(
                    ctx,
                    member,
                    kind="meeting_reminder",
                    topic="meetings",
                    key_prefix=f"meet|{meeting.id}|{stamp}|{member.id}|",
                    event=meeting.starts_at,
                    remind=meeting.remind,
                    params=params,
                    subject=("meeting", meeting.id),
                )

    async def _already_answered(self, ctx: _Ctx, prompt: OutboxMessage, member: Member) -> bool:
        """Whether the person already answered another reminder of the same event."""
        if prompt.subject_type == "appointment" and prompt.subject_id is not None:
            appointment = await ctx.session.get(Appointment, prompt.subject_id)
            return appointment is not None and appointment.answer != "pending"
        if prompt.subject_type == "meeting" and prompt.subject_id is not None:
            invitation = (
                await ctx.session.exec(
                    select(MeetingInvitation).where(
                        MeetingInvitation.meeting_id == prompt.subject_id,
                        MeetingInvitation.member_id == member.id,
                    )
                )
            ).first()
            return invitation is not None and invitation.answer != "pending"
        return False

    async def _meeting_cadence(self, ctx: _Ctx) -> None:
        """Network meetings at least every four weeks: tell the coordinator when none is planned."""
        network = [
            m
            for m in await ctx.session.exec(
                select(Meeting).where(
                    Meeting.case_id == ctx.case.id,
                    Meeting.kind == "network",
                    Meeting.status != EventStatus.CANCELLED,
                )
            )
        ]
        past = [m for m in network if m.starts_at <= ctx.now]
        if not past:
            return
        last = max(past, key=lambda m: m.starts_at)
        deadline = last.starts_at + MEETING_EVERY
        if any(last.starts_at < m.starts_at <= deadline for m in network):
            return
        await self.messenger.to_coordinators(
            ctx.session,
            case=ctx.case,
            kind="meeting_overdue",
            params={
                "case": ctx.case.ref,
                "last": self._when(ctx, last.starts_at),
                "deadline": deadline.astimezone(ctx.tz).date().isoformat(),
            },
            key=f"cadence|{last.id}",
            now=ctx.now,
        )

    # --- plans and commitments ------------------------------------------------------------

    async def _current_plan(self, ctx: _Ctx) -> ActionPlan | None:
        return (
            await ctx.session.exec(
                select(ActionPlan)
                .where(ActionPlan.case_id == ctx.case.id)
                .order_by(col(ActionPlan.version).desc())
            )
        ).first()

    async def _plan_notices(self, ctx: _Ctx) -> None:
        """After a (new) plan version, everyone receives their own commitments in plain words."""
        plan = await self._current_plan(ctx)
        if plan is None:
            return
        commitments = list(
            await ctx.session.exec(select(Commitment).where(Commitment.plan_id == plan.id))
        )
        by_owner: dict[int, list[Commitment]] = {}
        for c in commitments:
            by_owner.setdefault(c.owner_member_id, []).append(c)
        for owner_id, own in by_owner.items():
            member = ctx.members.get(owner_id)
            if member is None or not member.active:
                continue
            await self._queue(
                ctx,
                member,
                kind="plan_notice",
                topic="plan",
                key=f"plan|{plan.id}|{owner_id}",
                at=ctx.now,
                params={
                    "version": plan.version,
                    "items": [
                        c.text + (f" ({self._when(ctx, c.due_at)})" if c.due_at is not None else "")
                        for c in own
                    ],
                },
            )

    async def _open_commitments(self, ctx: _Ctx) -> list[Commitment]:
        plan = await self._current_plan(ctx)
        if plan is None:
            return []
        return list(
            await ctx.session.exec(
                select(Commitment).where(
                    Commitment.plan_id == plan.id, Commitment.status == CommitmentStatus.OPEN
                )
            )
        )

    async def _check_ins(self, ctx: _Ctx) -> None:
        for commitment in await self._open_commitments(ctx):
            if commitment.check_in is None:
                continue
            member = ctx.members.get(commitment.owner_member_id)
            if member is None or not member.active:
                continue
            assert commitment.id is not None
            rule = commitment.check_in
            if commitment.next_check_in_at is None and commitment.last_check_in_at is not None:
                last_key = f"checkin|{commitment.id}|{int(commitment.last_check_in_at.timestamp())}"
                last_prompt = (
                    await ctx.session.exec(
                        select(OutboxMessage).where(OutboxMessage.idempotency_key == last_key)
                    )
                ).first()
                if (
                    last_prompt is not None
                    and last_prompt.answered_at is None
                    and last_prompt.state
                    in (
                        OutboxState.PENDING,
                        OutboxState.CLAIMED,
                        OutboxState.SENT,
                        OutboxState.DELIVERED,
                    )
                ):
                    continue  # the adaptive interval depends on this answer: wait for it
            if commitment.next_check_in_at is None:
                commitment.next_check_in_at = next_check_in(
                    rule,
                    last_at=commitment.last_check_in_at,
                    outcomes=list(commitment.outcomes or []),
                    now=ctx.now,
                    tz=ctx.tz,
                    at_local=self.check_in_at,
                )
                ctx.session.add(commitment)
            if commitment.next_check_in_at > ctx.now:
                continue
            at = commitment.next_check_in_at
            await self._queue(
                ctx,
                member,
                kind="check_in",
                topic="reminders",
                key=f"checkin|{commitment.id}|{int(at.timestamp())}",
                at=at,
                params={"text": commitment.text, "area": commitment.area},
                not_after=at + timedelta(hours=12),
                subject=("commitment", commitment.id),
                reply=True,
            )
            commitment.last_check_in_at = at
            commitment.next_check_in_at = None  # computed after the answer (or its absence)
            commitment.updated_at = ctx.now
            ctx.session.add(commitment)

    async def _due_commitments(self, ctx: _Ctx) -> None:
        """At its due time a commitment asks "done?"; without a yes in time it is missed."""
        for commitment in await self._open_commitments(ctx):
            if commitment.due_at is None:
                continue
            member = ctx.members.get(commitment.owner_member_id)
            if member is None:
                continue
            assert commitment.id is not None
            key = f"due|{commitment.id}|{int(commitment.due_at.timestamp())}"
            if commitment.due_at <= ctx.now + timedelta(minutes=1):
                await self._queue(
                    ctx,
                    member,
                    kind="commitment_due",
                    topic="reminders",
                    key=key,
                    at=commitment.due_at,
                    params={"text": commitment.text},
                    subject=("commitment", commitment.id),
                    reply=True,
                )
            prompt = (
                await ctx.session.exec(
                    select(OutboxMessage).where(OutboxMessage.idempotency_key.startswith(key))  # type: ignore[attr-defined]
                )
            ).first()
            if prompt is not None and prompt.answer == "yes":
                commitment.status = CommitmentStatus.DONE
                commitment.updated_at = ctx.now
                ctx.session.add(commitment)
                record(
                    ctx.session,
                    case_id=ctx.case.id,
                    at=ctx.now,
                    kind="commitment.done",
                    member_key=member.key,
                    summary=f"{member.name} did: {commitment.text}",
                )

    async def _no_replies(self, ctx: _Ctx) -> None:
        """A reminder or check-in nobody answered in time counts as missed."""
        prompts = list(
            await ctx.session.exec(
                select(OutboxMessage).where(
                    OutboxMessage.case_id == ctx.case.id,
                    col(OutboxMessage.expects_reply),
                    col(OutboxMessage.answered_at).is_(None),
                    col(OutboxMessage.reply_by).is_not(None),
                    col(OutboxMessage.reply_by) <= ctx.now,
                    col(OutboxMessage.state).in_([OutboxState.SENT, OutboxState.DELIVERED]),
                )
            )
        )
        for prompt in prompts:
            prompt.answer = "none"
            prompt.answered_at = ctx.now
            ctx.session.add(prompt)
            member = ctx.members.get(prompt.member_id or -1)
            if member is None or prompt.subject_id is None:
                continue
            if await self._already_answered(ctx, prompt, member):
                continue  # they said yes (or no) to an earlier reminder of the same thing
            what = str(prompt.params.get("what_when") or prompt.params.get("text") or prompt.kind)
            reason = "no_reply"
            if prompt.subject_type == "commitment":
                commitment = await ctx.session.get(Commitment, prompt.subject_id)
                if commitment is not None and commitment.status == CommitmentStatus.OPEN:
                    record_outcome(commitment, kept=False, now=ctx.now)
                    if prompt.kind == "commitment_due":
                        commitment.status = CommitmentStatus.MISSED
                        reason = "overdue"
                    ctx.session.add(commitment)
            elif prompt.subject_type == "meeting" and member.role not in FAMILY:
                continue  # professionals who do not answer an invitation are not chased
            ctx.stats.missed += 1
            record(
                ctx.session,
                case_id=ctx.case.id,
                at=ctx.now,
                kind="commitment.missed"
                if prompt.subject_type == "commitment"
                else "reminder.unanswered",
                member_key=member.key,
                summary=f"no answer from {member.name} to {prompt.kind}: {what}",
                data={"outbox_id": prompt.id},
            )
            opened = await escalate(
                ctx.session,
                self.messenger,
                case=ctx.case,
                member=member,
                reason=reason,
                what=what,
                answer="no answer",
                now=ctx.now,
                subject=(prompt.subject_type or "", prompt.subject_id),
                dedupe_key=f"{reason}|{prompt.subject_type}|{prompt.subject_id}|"
                f"{prompt.params.get('when_utc', prompt.id)}",
            )
            if opened is not None:
                ctx.stats.escalated += 1
                await propose_meeting_after_misses(
                    ctx.session, self.messenger, case=ctx.case, now=ctx.now
                )
