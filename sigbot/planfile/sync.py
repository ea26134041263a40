"""The plan file's consents, meetings, appointments and commitments, compared with the database
entry by entry; each difference goes through a domain operation (``sigbot.domain``), which
validates and journals it. Entries missing from the file are cancelled or withdrawn, never
deleted (docs/plan-file.md, "Re-import and identity")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain import appointments, meetings, plans
from sigbot.domain.consent import ConsentTerms, change_consent, record_consent, withdraw_consent
from sigbot.models import Appointment, Case, Consent, EventStatus, Meeting, Member
from sigbot.planfile.resolved import ResolvedPlan

REMOVED = "removed from the plan file"


@dataclass
class ImportRun:
    """One import under way: the plan, its case, the moment, and the changes so far."""

    session: AsyncSession
    plan: ResolvedPlan
    case: Case
    now: datetime
    changes: list[str] = field(default_factory=list)


async def sync_consents(work: ImportRun) -> None:
    session, case, now = work.session, work.case, work.now
    existing = {
        c.key: c for c in await session.exec(select(Consent).where(Consent.case_id == case.id))
    }
    for rc in work.plan.consents:
        terms = ConsentTerms(
            given_by=rc.given_by,
            share_with=rc.share_with,
            topics=rc.topics,
            valid_until=rc.valid_until,
            valid_from=rc.valid_from,
            withdrawn_at=rc.withdrawn_at,
            withdrawn_reason=rc.withdrawn_reason,
        )
        consent = existing.get(rc.key)
        if consent is None:
            await record_consent(session, case=case, key=rc.key, terms=terms, now=now)
            work.changes.append(f"consent {rc.key} added")
        elif await change_consent(session, consent=consent, terms=terms, now=now):
            work.changes.append(f"consent {rc.key} changed")
    named = {rc.key for rc in work.plan.consents}
    for key, consent in existing.items():
        if key not in named and await withdraw_consent(
            session, consent=consent, now=now, reason=REMOVED
        ):
            work.changes.append(f"consent {key} withdrawn")


async def sync_meetings(work: ImportRun, people: dict[str, Member]) -> None:
    session, case, now = work.session, work.case, work.now
    existing = {
        m.key: m for m in await session.exec(select(Meeting).where(Meeting.case_id == case.id))
    }
    for rm in work.plan.meetings:
        invitees = [people[k] for k in rm.invite]
        meeting = existing.get(rm.key)
        if meeting is None:
            await meetings.plan_meeting(
                session,
                case=case,
                key=rm.key,
                kind=rm.kind,
                starts_at=rm.starts_at,
                place=rm.place,
                remind=rm.remind,
                status=rm.status,
                invitees=invitees,
                now=now,
            )
            work.changes.append(f"meeting {rm.key} added")
            continue
        changed = await meetings.change_meeting(
            session,
            meeting=meeting,
            starts_at=rm.starts_at,
            place=rm.place,
            kind=rm.kind,
            remind=rm.remind,
            status=rm.status,
            now=now,
        )
        if changed:
            work.changes.append(f"meeting {rm.key}: {'; '.join(changed)}")
        await meetings.set_invitees(session, meeting=meeting, invitees=invitees)
    named = {rm.key for rm in work.plan.meetings}
    for key, meeting in existing.items():
        if key not in named and meeting.status == EventStatus.PLANNED and meeting.starts_at > now:
            await meetings.cancel_meeting(session, meeting=meeting, now=now)
            work.changes.append(f"meeting {key} cancelled")


async def sync_appointments(work: ImportRun, people: dict[str, Member]) -> None:
    session, case, now = work.session, work.case, work.now
    rows = await session.exec(select(Appointment).where(Appointment.case_id == case.id))
    existing = {a.key: a for a in rows}
    for ra in work.plan.appointments:
        appointment = existing.get(ra.key)
        if appointment is None:
            await appointments.add_appointment(
                session,
                case=case,
                key=ra.key,
                person=people[ra.who],
                what=ra.what,
                starts_at=ra.starts_at,
                place=ra.place,
                remind=ra.remind,
                status=ra.status,
                now=now,
            )
            work.changes.append(f"appointment {ra.key} added")
            continue
        changed = await appointments.change_appointment(
            session,
            appointment=appointment,
            starts_at=ra.starts_at,
            what=ra.what,
            place=ra.place,
            remind=ra.remind,
            person=people[ra.who],
            status=ra.status,
            now=now,
        )
        if changed:
            work.changes.append(f"appointment {ra.key}: {'; '.join(changed)}")
    named = {ra.key for ra in work.plan.appointments}
    for key, appointment in existing.items():
        if key in named or appointment.starts_at <= now:
            continue
        if await appointments.cancel_appointment(
            session, appointment=appointment, now=now, reason=REMOVED
        ):
            work.changes.append(f"appointment {key} cancelled")


async def sync_plan_version(work: ImportRun, people: dict[str, Member]) -> int | None:
    """A new action-plan version when the file's commitments changed; returns the version."""
    plan = work.plan
    current = await plans.current_plan(work.session, case=work.case)
    if current is not None and current.digest == plan.commitments_digest:
        return current.version
    if current is None and not plan.commitments:
        return None
    drafts = [
        plans.CommitmentDraft(rc.key, people[rc.owner], rc.area, rc.text, rc.due_at, rc.check_in)
        for rc in plan.commitments
    ]
    written = await plans.record_plan_version(
        work.session,
        case=work.case,
        commitments=drafts,
        digest=plan.commitments_digest,
        now=work.now,
    )
    work.changes.append(f"action plan version {written.version}")
    return written.version
