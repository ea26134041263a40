"""Write a resolved plan into the database: create the case, or update it in place.

Re-importing the same file is a no-op (the file's digest is kept on the case). A changed file
updates entries by their identity (see ``loader``), journals every change, and writes a new
action-plan version only when the commitments changed. Entries missing from the file are not
deleted: future meetings and appointments are cancelled, consents withdrawn, members made
inactive, so the journal keeps its references.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.clock import Clock
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
)
from sigbot.planfile.loader import ResolvedPlan
from sigbot.timeutil import zone

DEFAULT_PAUSE = dt.timedelta(days=61)


@dataclass
class ImportReport:
    """What an import did, for the CLI to print."""

    ref: str
    created: bool = False
    unchanged: bool = False
    changes: list[str] = field(default_factory=list)
    plan_version: int | None = None


async def import_plan(*, session: AsyncSession, plan: ResolvedPlan, clock: Clock) -> ImportReport:
    """Create or update the case described by ``plan`` in the caller's transaction."""
    now = clock.now()
    report = ImportReport(ref=plan.ref)
    case = (await session.exec(select(Case).where(Case.ref == plan.ref))).first()
    if case is not None and case.plan_digest == plan.digest:
        report.unchanged = True
        return report
    if case is None:
        case = Case(
            ref=plan.ref,
            status=plan.status,
            status_since=now,
            coordinator_key=plan.coordinator,
            created_at=now,
            updated_at=now,
        )
        session.add(case)
        await session.flush()
        report.created = True
        _journal(session, case, now, "case.created", f"case {plan.ref} created ({plan.status})")
        session.add(
            CaseStatusChange(
                case_id=_id(case), to_status=plan.status, at=now, reason=plan.status_reason
            )
        )
    else:
        _apply_status(session, case, plan, now, report)
    _set(case, "coordinator_key", plan.coordinator, report, "coordinator")
    _set(case, "backup_key", plan.backup, report, "backup")
    _set(case, "timezone", plan.timezone, report, "time zone")
    _set(case, "quiet_hours", plan.quiet_hours, report, "quiet hours")
    _set(case, "no_reply_after_s", int(plan.no_reply_after.total_seconds()), report, "no-reply")
    _set(case, "ack_within_s", int(plan.ack_within.total_seconds()), report, "ack time")
    if report.created:
        case.paused_until = plan.paused_until
        if plan.status == CaseStatus.PAUSED and case.paused_until is None:
            case.paused_until = now + DEFAULT_PAUSE
        case.outcome = plan.outcome
        case.status_reason = plan.status_reason
        report.changes.clear()
    members = await _sync_members(session, case, plan, now, report)
    await _sync_consents(session, case, plan, now, report)
    meetings = await _sync_meetings(session, case, plan, members, now, report)
    await _sync_appointments(session, case, plan, members, now, report)
    await _sync_plan_version(session, case, plan, members, meetings, now, report)
    case.plan_digest = plan.digest
    case.updated_at = now
    session.add(case)
    if not report.created:
        _journal(
            session,
            case,
            now,
            "plan.imported",
            "plan file re-imported: " + ("; ".join(report.changes) or "no visible change"),
        )
    await session.flush()
    return report


def _id(row: Any) -> int:
    assert row.id is not None, "row must be flushed first"
    return int(row.id)


def _journal(
    session: AsyncSession,
    case: Case,
    now: dt.datetime,
    kind: str,
    summary: str,
    member_key: str | None = None,
    **data: Any,
) -> None:
    record(
        session,
        case_id=_id(case),
        at=now,
        kind=kind,
        summary=summary,
        member_key=member_key,
        data=data,
    )


def _set(row: Any, attr: str, value: Any, report: ImportReport, label: str) -> bool:
    if getattr(row, attr) == value:
        return False
    setattr(row, attr, value)
    report.changes.append(f"{label} changed")
    return True


def _apply_status(
    session: AsyncSession, case: Case, plan: ResolvedPlan, now: dt.datetime, report: ImportReport
) -> None:
    if plan.status == CaseStatus.CLOSED and case.status == CaseStatus.RESTING:
        return  # closing moved the case to the resting list; the file still says closed
    if case.status == plan.status:
        if plan.paused_until is not None and case.paused_until != plan.paused_until:
            case.paused_until = plan.paused_until
            report.changes.append("pause end changed")
        return
    previous = case.status
    case.status = plan.status
    case.status_since = now
    case.status_reason = plan.status_reason
    case.outcome = plan.outcome
    planned_end = None
    if plan.status == CaseStatus.PAUSED:
        planned_end = plan.paused_until or now + DEFAULT_PAUSE
        case.paused_until = planned_end
    else:
        case.paused_until = None
    session.add(
        CaseStatusChange(
            case_id=_id(case),
            from_status=previous,
            to_status=plan.status,
            at=now,
            reason=plan.status_reason,
            planned_end=planned_end,
        )
    )
    summary = f"status {previous} → {plan.status}"
    if plan.status_reason:
        summary += f" ({plan.status_reason})"
    if planned_end is not None:
        local = planned_end.astimezone(zone(plan.timezone)).date().isoformat()
        summary += f", until {local}"
    _journal(session, case, now, "case.status", summary, previous=previous, status=plan.status)
    report.changes.append(summary)


async def _sync_members(
    session: AsyncSession, case: Case, plan: ResolvedPlan, now: dt.datetime, report: ImportReport
) -> dict[str, Member]:
    existing = {
        m.key: m for m in await session.exec(select(Member).where(Member.case_id == case.id))
    }
    result: dict[str, Member] = {}
    for rm in plan.members:
        member = existing.get(rm.key)
        fields: dict[str, Any] = {
            "role": rm.role,
            "name": rm.name,
            "language": rm.language,
            "phone": rm.phone,
            "telegram_chat_id": rm.telegram_chat_id,
            "channel": rm.channel,
            "organisation": rm.organisation,
            "active": True,
        }
        if member is None:
            member = Member(case_id=_id(case), key=rm.key, created_at=now, updated_at=now, **fields)
            session.add(member)
            _journal(session, case, now, "member.added", f"{rm.name} added as {rm.role}", rm.key)
            if not report.created:
                report.changes.append(f"member {rm.key} added")
        else:
            # A chat linked through an invitation link is kept when the file names none.
            if rm.telegram_chat_id is None:
                fields["telegram_chat_id"] = member.telegram_chat_id
                if rm.channel is None:
                    fields["channel"] = member.channel
            changed = [k for k, v in fields.items() if getattr(member, k) != v]
            if changed:
                for k in changed:
                    setattr(member, k, fields[k])
                member.updated_at = now
                session.add(member)
                # Names of changed fields only: phone numbers stay out of the summary.
                _journal(
                    session,
                    case,
                    now,
                    "member.updated",
                    f"{rm.name}: {', '.join(changed)} changed",
                    rm.key,
                    fields=changed,
                )
                report.changes.append(f"member {rm.key} updated")
        result[rm.key] = member
    for key, member in existing.items():
        if key not in result and member.active:
            member.active = False
            member.updated_at = now
            session.add(member)
            _journal(session, case, now, "member.removed", f"{member.name} left the case", key)
            report.changes.append(f"member {key} removed")
    await session.flush()
    return result | {k: m for k, m in existing.items() if k not in result}


async def _sync_consents(
    session: AsyncSession, case: Case, plan: ResolvedPlan, now: dt.datetime, report: ImportReport
) -> None:
    existing = {
        c.key: c for c in await session.exec(select(Consent).where(Consent.case_id == case.id))
    }
    seen = set()
    for rc in plan.consents:
        seen.add(rc.key)
        consent = existing.get(rc.key)
        fields: dict[str, Any] = {
            "given_by": list(rc.given_by),
            "share_with": list(rc.share_with),
            "topics": list(rc.topics),
            "valid_until": rc.valid_until,
            "withdrawn_at": rc.withdrawn_at,
            "withdrawn_reason": rc.withdrawn_reason,
        }
        if consent is None:
            consent = Consent(
                case_id=_id(case), key=rc.key, valid_from=rc.valid_from or now, **fields
            )
            session.add(consent)
            _journal(
                session,
                case,
                now,
                "consent.recorded",
                f"consent from {', '.join(rc.given_by)}: share with {', '.join(rc.share_with)}"
                f" about {', '.join(rc.topics)}",
                key=rc.key,
            )
            if not report.created:
                report.changes.append(f"consent {rc.key} added")
            continue
        if rc.valid_from is not None:
            fields["valid_from"] = rc.valid_from
        changed = [k for k, v in fields.items() if getattr(consent, k) != v]
        if not changed:
            continue
        was_withdrawn = consent.withdrawn_at is not None
        for k in changed:
            setattr(consent, k, fields[k])
        session.add(consent)
        if consent.withdrawn_at is not None and not was_withdrawn:
            _journal(
                session,
                case,
                now,
                "consent.withdrawn",
                f"consent {rc.key} withdrawn"
                + (f": {rc.withdrawn_reason}" if rc.withdrawn_reason else ""),
                key=rc.key,
            )
        else:
            _journal(
                session, case, now, "consent.changed", f"consent {rc.key}: {', '.join(changed)}"
            )
        report.changes.append(f"consent {rc.key} changed")
    for key, consent in existing.items():
        if key not in seen and consent.withdrawn_at is None:
            consent.withdrawn_at = now
            consent.withdrawn_reason = "removed from the plan file"
            session.add(consent)
            _journal(
                session,
                case,
                now,
                "consent.withdrawn",
                f"consent {key} withdrawn (removed from the plan file)",
                key=key,
            )
            report.changes.append(f"consent {key} withdrawn")


async def _sync_meetings(
    session: AsyncSession,
    case: Case,
    plan: ResolvedPlan,
    members: dict[str, Member],
    now: dt.datetime,
    report: ImportReport,
) -> dict[str, Meeting]:
    existing = {
        m.key: m for m in await session.exec(select(Meeting).where(Meeting.case_id == case.id))
    }
    tz = zone(plan.timezone)
    result: dict[str, Meeting] = {}
    for rm in plan.meetings:
        meeting = existing.get(rm.key)
        when = rm.starts_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        remind = rm.remind
        if meeting is None:
            meeting = Meeting(
                case_id=_id(case),
                key=rm.key,
                kind=rm.kind,
                starts_at=rm.starts_at,
                place=rm.place,
                status=rm.status,
                remind=remind,
                created_at=now,
                updated_at=now,
            )
            session.add(meeting)
            await session.flush()
            label = "network meeting" if rm.kind == "network" else "officials' meeting"
            _journal(session, case, now, "meeting.planned", f"{label} {when}", key=rm.key)
            if not report.created:
                report.changes.append(f"meeting {rm.key} added")
        else:
            changes = []
            if meeting.starts_at != rm.starts_at:
                old = meeting.starts_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
                changes.append(f"moved {old} → {when}")
                meeting.starts_at = rm.starts_at
            for attr, value in (("place", rm.place), ("kind", rm.kind), ("remind", remind)):
                if getattr(meeting, attr) != value:
                    setattr(meeting, attr, value)
                    changes.append(f"{attr} changed")
            if meeting.status != rm.status:
                changes.append(f"{meeting.status} → {rm.status}")
                meeting.status = rm.status
            if changes:
                meeting.updated_at = now
                session.add(meeting)
                _journal(
                    session,
                    case,
                    now,
                    "meeting.changed",
                    f"meeting {rm.key}: {'; '.join(changes)}",
                    key=rm.key,
                )
                report.changes.append(f"meeting {rm.key}: {'; '.join(changes)}")
        await _sync_invitations(session, meeting, [members[k] for k in rm.invite])
        result[rm.key] = meeting
    for key, meeting in existing.items():
        if key in result:
            continue
        result[key] = meeting
        if meeting.status == EventStatus.PLANNED and meeting.starts_at > now:
            meeting.status = EventStatus.CANCELLED
            meeting.updated_at = now
            session.add(meeting)
            _journal(session, case, now, "meeting.cancelled", f"meeting {key} cancelled", key=key)
            report.changes.append(f"meeting {key} cancelled")
    return result


async def _sync_invitations(
    session: AsyncSession, meeting: Meeting, invitees: list[Member]
) -> None:
    rows = {
        inv.member_id: inv
        for inv in await session.exec(
            select(MeetingInvitation).where(MeetingInvitation.meeting_id == meeting.id)
        )
    }
    wanted = {_id(m) for m in invitees}
    for member_id in wanted:
        inv = rows.get(member_id)
        if inv is None:
            session.add(MeetingInvitation(meeting_id=_id(meeting), member_id=member_id))
        elif not inv.active:
            inv.active = True
            session.add(inv)
    for member_id, inv in rows.items():
        if member_id not in wanted and inv.active:
            inv.active = False
            session.add(inv)


async def _sync_appointments(
    session: AsyncSession,
    case: Case,
    plan: ResolvedPlan,
    members: dict[str, Member],
    now: dt.datetime,
    report: ImportReport,
) -> None:
    existing = {
        a.key: a
        for a in await session.exec(select(Appointment).where(Appointment.case_id == case.id))
    }
    tz = zone(plan.timezone)
    seen = set()
    for ra in plan.appointments:
        seen.add(ra.key)
        appt = existing.get(ra.key)
        when = ra.starts_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        remind = ra.remind
        member_id = _id(members[ra.who])
        if appt is None:
            appt = Appointment(
                case_id=_id(case),
                key=ra.key,
                member_id=member_id,
                what=ra.what,
                place=ra.place,
                starts_at=ra.starts_at,
                remind=remind,
                status=ra.status,
                created_at=now,
                updated_at=now,
            )
            session.add(appt)
            _journal(
                session, case, now, "appointment.planned", f"{ra.what} {when}", ra.who, key=ra.key
            )
            if not report.created:
                report.changes.append(f"appointment {ra.key} added")
            continue
        changes = []
        if appt.starts_at != ra.starts_at:
            old = appt.starts_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
            changes.append(f"moved {old} → {when}")
            appt.starts_at = ra.starts_at
            appt.answer = "pending"
            if appt.status in (EventStatus.MISSED, EventStatus.KEPT):
                appt.status = EventStatus.PLANNED
        for attr, value in (
            ("what", ra.what),
            ("place", ra.place),
            ("remind", remind),
            ("member_id", member_id),
        ):
            if getattr(appt, attr) != value:
                setattr(appt, attr, value)
                changes.append(f"{attr} changed")
        if ra.status == "cancelled" and appt.status != EventStatus.CANCELLED:
            appt.status = EventStatus.CANCELLED
            changes.append("cancelled")
        elif ra.status == "planned" and appt.status == EventStatus.CANCELLED:
            appt.status = EventStatus.PLANNED
            changes.append("planned again")
        if changes:
            appt.updated_at = now
            session.add(appt)
            _journal(
                session,
                case,
                now,
                "appointment.changed",
                f"{ra.what}: {'; '.join(changes)}",
                ra.who,
                key=ra.key,
            )
            report.changes.append(f"appointment {ra.key}: {'; '.join(changes)}")
    for key, appt in existing.items():
        if key not in seen and appt.status == EventStatus.PLANNED and appt.starts_at > now:
            appt.status = EventStatus.CANCELLED
            appt.updated_at = now
            session.add(appt)
            _journal(
                session,
                case,
                now,
                "appointment.cancelled",
                f"{appt.what} cancelled (removed from the plan file)",
                key=key,
            )
            report.changes.append(f"appointment {key} cancelled")


async def _sync_plan_version(
    session: AsyncSession,
    case: Case,
    plan: ResolvedPlan,
    members: dict[str, Member],
    meetings: dict[str, Meeting],
    now: dt.datetime,
    report: ImportReport,
) -> None:
    current = (
        await session.exec(
            select(ActionPlan)
            .where(ActionPlan.case_id == case.id)
            .order_by(col(ActionPlan.version).desc())
        )
    ).first()
    if current is not None and current.digest == plan.commitments_digest:
        report.plan_version = current.version
        return
    if current is None and not plan.commitments:
        return
    previous: dict[str, Commitment] = {}
    if current is not None:
        for old in await session.exec(select(Commitment).where(Commitment.plan_id == current.id)):
            previous[old.key] = old
            if old.status == CommitmentStatus.OPEN:
                old.status = CommitmentStatus.REPLACED
                old.next_check_in_at = None
                old.updated_at = now
                session.add(old)
    held = [
        m
        for m in meetings.values()
        if m.kind == "network" and m.starts_at <= now and m.status != "cancelled"
    ]
    meeting = max(held, key=lambda m: m.starts_at) if held else None
    version = (current.version + 1) if current is not None else 1
    action_plan = ActionPlan(
        case_id=_id(case),
        version=version,
        meeting_id=meeting.id if meeting else None,
        digest=plan.commitments_digest,
        created_at=now,
    )
    session.add(action_plan)
    await session.flush()
    for rc in plan.commitments:
        carried = previous.get(rc.key)
        same_promise = carried is not None and carried.text == rc.text
        session.add(
            Commitment(
                plan_id=_id(action_plan),
                case_id=_id(case),
                key=rc.key,
                owner_member_id=_id(members[rc.owner]),
                area=rc.area,
                text=rc.text,
                due_at=rc.due_at,
                check_in=rc.check_in,
                kept_streak=carried.kept_streak if same_promise and carried else 0,
                outcomes=list(carried.outcomes) if same_promise and carried else [],
                last_check_in_at=carried.last_check_in_at if same_promise and carried else None,
                created_at=now,
                updated_at=now,
            )
        )
    _journal(
        session,
        case,
        now,
        "plan.version",
        f"action plan version {version} with {len(plan.commitments)} commitments"
        + (f" (after meeting {meeting.key})" if meeting else ""),
        version=version,
    )
    report.plan_version = version
    if not report.created:
        report.changes.append(f"action plan version {version}")
