"""Escalations: the coordinator hears at once when something slips or someone asks for help.

An escalation is a row, opened once per case and ``dedupe_key`` (a unique constraint, so two
``sigbot run`` processes cannot open it twice). Its alert goes to the coordinator with the
context and three buttons (acknowledge, "I'll call", "call a meeting"). Unacknowledged after the
case's ``ack_within`` it goes to the backup coordinator, and after that to the case's team lead
members (docs/architecture.md, "Escalation ladder"). The clock of each step counts from when the
alert may go: while staff keep quiet hours, from the morning; urgent alerts go at once.
Only the case's active staff acknowledge (``sigbot.domain.consent.is_case_staff``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot import db
from sigbot.domain.consent import is_case_staff
from sigbot.journal import member_names, record
from sigbot.models import (
    Case,
    Escalation,
    EscalationAction,
    EscalationLevel,
    EscalationReason,
    JournalEntry,
    JournalKind,
    Member,
    MessageKind,
    SubjectType,
    Topic,
)
from sigbot.models.enums import STAFF_ROLES, URGENT_REASONS
from sigbot.outbox.messenger import Messenger, coordinators

ACTIONS: dict[str, str] = {
    EscalationAction.ACK: "acknowledged",
    EscalationAction.CALL: "will call",
    EscalationAction.MEETING: "will call a meeting",
}
ALERT_KIND = MessageKind.ESCALATION
TABLE = Escalation.__table__  # type: ignore[attr-defined]  # set by SQLModel at runtime


@dataclass(frozen=True)
class TeamLead:
    """SIGBOT_TEAM_LEAD_CHAT_ID: where the last step goes only when a case has no ``team_lead``
    member (docs/deploy.md). The chat is outside the case, so it cannot acknowledge."""

    telegram_chat_id: int | None
    language: str = "sv"


async def recent_events(
    session: AsyncSession, case_id: int, limit: int = 4
) -> list[dict[str, Any]]:
    """The last few journal entries of a case, as context for the coordinator: the events
    themselves, put into words in each reader's language when the alert is composed
    (``sigbot.journal_texts.render_lines``)."""
    rows = await session.exec(
        select(JournalEntry)
        .where(JournalEntry.case_id == case_id, col(JournalEntry.kind).not_like("message.%"))
        .order_by(col(JournalEntry.at).desc(), col(JournalEntry.id).desc())
        .limit(limit)
    )
    names = await member_names(session, case_id)
    return [
        {
            "kind": r.kind,
            "data": dict(r.data or {}),
            "member": names.get(r.member_key, r.member_key) if r.member_key else None,
            "at": r.at.isoformat(),
            "summary": r.summary,
        }
        for r in reversed(list(rows))
    ]


async def escalate(
    session: AsyncSession,
    messenger: Messenger,
    *,
    case: Case,
    member: Member | None,
    reason: str,
    what: str,
    answer: str | None,
    now: datetime,
    subject: tuple[str, int] | None = None,
    dedupe_key: str | None = None,
    extra: dict[str, Any] | None = None,
    with_backup: bool = False,
) -> Escalation | None:
    """Open an escalation and alert the coordinator (``with_backup``: and the backup at the same
    time, the next step being the team lead); None if this one was opened already."""
    assert case.id is not None
    key = dedupe_key or f"{reason}|{subject}|{member.id if member else None}|{now.isoformat()}"
    detail = {
        "key": key,
        "who": member.name if member else None,
        "what": what,
        "answer": answer,
        "events": await recent_events(session, case.id),
        **(extra or {}),
    }
    new_id = await _insert_once(
        session,
        case_id=case.id,
        dedupe_key=key[:200],
        member_id=member.id if member else None,
        subject_type=subject[0] if subject else None,
        subject_id=subject[1] if subject else None,
        reason=reason,
        detail=detail,
        level=EscalationLevel.BACKUP if with_backup else EscalationLevel.COORDINATOR,
        created_at=now,
    )
    if new_id is None:
        return None
    escalation = await session.get(Escalation, new_id)
    assert escalation is not None
    record(
        session,
        case_id=case.id,
        at=now,
        kind=JournalKind.ESCALATION_OPENED,
        member_key=member.key if member else None,
        summary=f"escalated to the coordinator: {what}"
        + (f" (answer: {answer})" if answer else ""),
        data={"escalation_id": escalation.id, "reason": reason, "what": what, "answer": answer},
    )
    keys = [case.coordinator_key, case.backup_key] if with_backup else [case.coordinator_key]
    staff = await coordinators(session, case, keys)
    kind = MessageKind.ESCALATION_URGENT if reason == EscalationReason.DANGER else None
    goes_at = await alert(session, messenger, case, escalation, staff, now, kind or ALERT_KIND)
    escalation.escalate_after = goes_at + timedelta(seconds=case.ack_within_s)
    session.add(escalation)
    return escalation


async def _insert_once(session: AsyncSession, **values: Any) -> int | None:
    """The escalation's id, or None when one with the same ``dedupe_key`` is open already."""
    await session.flush()
    return await db.insert_once(session, TABLE, values, ["case_id", "dedupe_key"])


def alert_params(case: Case, escalation: Escalation) -> dict[str, Any]:
    """What an alert says: the case, who, what, their answer and the latest events."""
    d = escalation.detail
    return {
        "case": case.ref,
        "who": d.get("who") or "-",
        "what": d.get("what") or "-",
        "answer": d.get("answer") or "-",
        "events": list(d.get("events") or []),
        "escalation_id": escalation.id,
        "what_id": d.get("what_id"),
        "n": d.get("n"),
    }


async def alert(
    session: AsyncSession,
    messenger: Messenger,
    case: Case,
    escalation: Escalation,
    staff: list[Member],
    now: datetime,
    kind: str = ALERT_KIND,
) -> datetime:
    """Alert ``staff`` (once each per level); returns when the alert may go to the first of
    them: now, or, while staff keep quiet hours, the morning (urgent alerts go at once)."""
    assert escalation.id is not None
    urgent = escalation.reason in URGENT_REASONS
    goes_at: datetime | None = None
    for member in staff:
        due = now if urgent else messenger.allowed_at(case, member, kind, now) or now
        goes_at = due if goes_at is None else min(goes_at, due)
        await messenger.to_member(
            session,
            case=case,
            member=member,
            kind=kind,
            topic=Topic.ESCALATIONS,
            params=alert_params(case, escalation),
            key=f"escalation|{escalation.id}|{escalation.level}|{member.key}",
            due_at=due,
            now=now,
            subject=(SubjectType.ESCALATION, escalation.id),
            quiet_hours_applied=True,
        )
    return goes_at or now


async def acknowledge(
    session: AsyncSession,
    *,
    escalation_id: int,
    by: Member,
    action: str,
    now: datetime,
    via: str | None = None,
) -> Escalation | None:
    """Record a staff member's answer to an alert; None if unknown or not theirs to answer.

    Theirs: an active coordinator, backup or team lead of the escalation's case now, so a
    removed or replaced coordinator's old button does nothing. Two presses at once record one.
    """
    escalation = await session.get(Escalation, escalation_id)
    case = await session.get(Case, escalation.case_id) if escalation is not None else None
    if escalation is None or case is None or not by.active or not is_case_staff(case, by):
        return None
    if by.case_id != case.id:
        return None
    await session.flush()
    won = await (await session.connection()).execute(
        update(TABLE)
        .where(TABLE.c.id == escalation_id, TABLE.c.acknowledged_at.is_(None))
        .values(acknowledged_at=now, acknowledged_by=by.key, action=action, escalate_after=None)
        .returning(TABLE.c.id)
    )
    first = won.first() is not None
    await session.refresh(escalation)
    if not first:
        return escalation
    record(
        session,
        case_id=escalation.case_id,
        at=now,
        kind=JournalKind.ESCALATION_ACKNOWLEDGED,
        member_key=by.key,
        summary=f"{by.name} {ACTIONS.get(action, action)}"
        + (f" via {via.upper()}" if via else "")
        + f": {escalation.detail.get('what')}",
        data={
            "escalation_id": escalation.id,
            "action": action,
            "via": via,
            "what": escalation.detail.get("what"),
        },
    )
    return escalation


async def acknowledge_from_chat(
    session: AsyncSession,
    *,
    escalation_id: int,
    chat_id: int,
    action: str,
    now: datetime,
) -> Escalation | None:
    """A staff member pressed an alert's button in their Telegram chat; None if not theirs."""
    staff = await session.exec(
        select(Member).where(
            Member.telegram_chat_id == chat_id, col(Member.role).in_(STAFF_ROLES), Member.active
        )
    )
    for member in staff:
        done = await acknowledge(
            session, escalation_id=escalation_id, by=member, action=action, now=now
        )
        if done is not None:
            return done
    return None
