"""Escalations: the coordinator hears at once when something slips or someone asks for help.

An escalation is a row. Its alert goes to the coordinator with the context and three buttons
(acknowledge, "I'll call", "call a meeting"). Unacknowledged after the case's ``ack_within`` it
goes to the backup coordinator, and after that to the team lead named in the settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.journal import record
from sigbot.models import (
    Case,
    ChannelKind,
    Escalation,
    EscalationAction,
    EscalationLevel,
    JournalEntry,
    JournalKind,
    Member,
    MessageKind,
    Role,
    SubjectType,
    Topic,
)
from sigbot.outbox.messenger import Messenger, coordinators
from sigbot.outbox.store import Route

ACTIONS: dict[str, str] = {
    EscalationAction.ACK: "acknowledged",
    EscalationAction.CALL: "will call",
    EscalationAction.MEETING: "will call a meeting",
}


@dataclass(frozen=True)
class TeamLead:
    """Where the last step of an escalation goes (a Telegram chat from the settings)."""

    telegram_chat_id: int | None
    language: str = "sv"


async def recent_events(session: AsyncSession, case_id: int, limit: int = 4) -> list[str]:
    """The last few journal lines of a case, as context for the coordinator."""
    rows = await session.exec(
        select(JournalEntry)
        .where(JournalEntry.case_id == case_id, col(JournalEntry.kind).not_like("message.%"))
        .order_by(col(JournalEntry.at).desc(), col(JournalEntry.id).desc())
        .limit(limit)
    )
    return [r.summary for r in reversed(list(rows))]


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
) -> Escalation | None:
    """Open an escalation and alert the coordinator; None if this one is already open."""
    assert case.id is not None
    key = dedupe_key or f"{reason}|{subject}|{member.id if member else None}|{now.isoformat()}"
    if await _opened_before(session, case, member, reason, subject, key):
        return None
    events = await recent_events(session, case.id)
    escalation = Escalation(
        case_id=case.id,
        member_id=member.id if member else None,
        subject_type=subject[0] if subject else None,
        subject_id=subject[1] if subject else None,
        reason=reason,
        detail={
            "key": key,
            "who": member.name if member else None,
            "what": what,
            "answer": answer,
            "events": events,
            **(extra or {}),
        },
        level=EscalationLevel.COORDINATOR,
        created_at=now,
        escalate_after=now + timedelta(seconds=case.ack_within_s),
    )
    session.add(escalation)
    await session.flush()
    record(
        session,
        case_id=case.id,
        at=now,
        kind=JournalKind.ESCALATION_OPENED,
        member_key=member.key if member else None,
        summary=f"escalated to the coordinator: {what}"
        + (f" (answer: {answer})" if answer else ""),
        data={"escalation_id": escalation.id, "reason": reason},
    )
    await _alert(session, messenger, case, escalation, [case.coordinator_key], now)
    return escalation


async def _opened_before(
    session: AsyncSession,
    case: Case,
    member: Member | None,
    reason: str,
    subject: tuple[str, int] | None,
    key: str,
) -> bool:
    """Whether this escalation (same reason, subject, person and key) was opened already."""
    existing = await session.exec(
        select(Escalation).where(
            Escalation.case_id == case.id,
            Escalation.reason == reason,
            Escalation.subject_type == (subject[0] if subject else None),
            Escalation.subject_id == (subject[1] if subject else None),
            Escalation.member_id == (member.id if member else None),
        )
    )
    return any(e.detail.get("key") == key for e in existing)


def _params(case: Case, escalation: Escalation) -> dict[str, Any]:
    d = escalation.detail
    return {
        "case": case.ref,
        "who": d.get("who") or "-",
        "what": d.get("what") or "-",
        "answer": d.get("answer") or "-",
        "events": "\n".join(f"• {e}" for e in d.get("events", [])) or "-",
        "escalation_id": escalation.id,
        "what_id": d.get("what_id"),
        "n": d.get("n"),
    }


async def _alert(
    session: AsyncSession,
    messenger: Messenger,
    case: Case,
    escalation: Escalation,
    keys: list[str | None],
    now: datetime,
) -> int:
    assert escalation.id is not None
    sent = 0
    for coordinator in await coordinators(session, case, keys):
        new = await messenger.to_member(
            session,
            case=case,
            member=coordinator,
            kind=MessageKind.ESCALATION,
            topic=Topic.ESCALATIONS,
            params=_params(case, escalation),
            key=f"escalation|{escalation.id}|{escalation.level}|{coordinator.key}",
            due_at=now,
            now=now,
            subject=(SubjectType.ESCALATION, escalation.id),
        )
        sent += new is not None
    return sent


async def acknowledge(
    session: AsyncSession,
    *,
    escalation_id: int,
    by: Member,
    action: str,
    now: datetime,
) -> Escalation | None:
    """Record the coordinator's answer to an alert; None if unknown or not theirs to answer."""
    escalation = await session.get(Escalation, escalation_id)
    if escalation is None or escalation.case_id != by.case_id:
        return None
    if escalation.acknowledged_at is not None:
        return escalation
    escalation.acknowledged_at = now
    escalation.acknowledged_by = by.key
    escalation.action = action
    escalation.escalate_after = None
    session.add(escalation)
    record(
        session,
        case_id=escalation.case_id,
        at=now,
        kind=JournalKind.ESCALATION_ACKNOWLEDGED,
        member_key=by.key,
        summary=f"{by.name} {ACTIONS.get(action, action)}: {escalation.detail.get('what')}",
        data={"escalation_id": escalation.id, "action": action},
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
    """A coordinator pressed an alert's button in their Telegram chat; None if not theirs."""
    staff = await session.exec(
        select(Member).where(Member.telegram_chat_id == chat_id, Member.role == Role.COORDINATOR)
    )
    for member in staff:
        done = await acknowledge(
            session, escalation_id=escalation_id, by=member, action=action, now=now
        )
        if done is not None:
            return done
    return None


async def raise_level(
    session: AsyncSession,
    messenger: Messenger,
    *,
    escalation: Escalation,
    case: Case,
    level: EscalationLevel,
    now: datetime,
    team_lead: TeamLead,
) -> None:
    """Send an alert nobody acknowledged in time one step up (backup, then team lead)."""
    assert case.id is not None and escalation.id is not None
    escalation.level = level
    escalation.escalate_after = None
    if level == EscalationLevel.BACKUP:
        escalation.escalate_after = now + timedelta(seconds=case.ack_within_s)
        await _alert(session, messenger, case, escalation, [case.backup_key], now)
        target = f"backup {case.backup_key}"
    elif team_lead.telegram_chat_id is not None:
        await messenger.to_address(
            session,
            route=Route(ChannelKind.TELEGRAM, str(team_lead.telegram_chat_id)),
            language=team_lead.language,
            kind=MessageKind.ESCALATION_TEAM_LEAD,
            params=_params(case, escalation),
            key=f"escalation|{escalation.id}|team_lead",
            now=now,
            case_id=case.id,
        )
        target = "team lead"
    else:
        target = "team lead (none configured: SIGBOT_TEAM_LEAD_CHAT_ID)"
    session.add(escalation)
    record(
        session,
        case_id=case.id,
        at=now,
        kind=JournalKind.ESCALATION_RAISED,
        summary=f"not acknowledged in time, sent to {target}: {escalation.detail.get('what')}",
        data={"escalation_id": escalation.id, "level": escalation.level},
    )
