"""Small in-memory cases for the rule tables: rows built in Python, no database, a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sigbot.models import (
    Appointment,
    Case,
    CaseStatus,
    Commitment,
    Consent,
    Meeting,
    MeetingInvitation,
    Member,
    OutboxMessage,
    OutboxState,
    Role,
)
from sigbot.scheduler.state import CaseState
from sigbot.timing import parse_quiet_hours

TZ = ZoneInfo("Europe/Stockholm")
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)  # Wednesday 09:00 in Stockholm


def local(*args: int) -> datetime:
    """An aware UTC moment from Stockholm wall-clock fields."""
    return datetime(*args, tzinfo=TZ).astimezone(UTC)  # type: ignore[misc]  # datetime(*ints)


def case(**values: Any) -> Case:
    fields: dict[str, Any] = {
        "id": 1,
        "ref": "T-1",
        "status": CaseStatus.ACTIVE,
        "status_since": NOW - timedelta(days=10),
        "coordinator_key": "maja",
        "backup_key": "jonas",
        "quiet_hours": parse_quiet_hours("21:00-08:00"),
    }
    return Case(**(fields | values))


MEMBERS = {
    1: ("noah", Role.YOUTH, {"telegram_chat_id": 1001, "channel": "telegram"}),
    2: ("leila", Role.GUARDIAN, {"phone": "+46701234568", "channel": "sms"}),
    3: ("maja", Role.COORDINATOR, {"telegram_chat_id": 2001}),
    4: ("jonas", Role.COORDINATOR, {"telegram_chat_id": 2002}),
    5: ("karin", Role.SCHOOL, {"telegram_chat_id": 3001}),
}


def members() -> dict[int, Member]:
    return {
        id_: Member(id=id_, case_id=1, key=key, role=role, name=key.title(), **extra)
        for id_, (key, role, extra) in MEMBERS.items()
    }


def consent(**values: Any) -> Consent:
    fields: dict[str, Any] = {
        "id": 1,
        "case_id": 1,
        "key": "noah+leila-1",
        "given_by": ["noah", "leila"],
        "share_with": ["leila", "karin"],
        "topics": ["meetings", "plan", "reminders", "escalations"],
        "valid_from": NOW - timedelta(days=30),
        "valid_until": NOW + timedelta(days=200),
        "warned_days": [],
    }
    return Consent(**(fields | values))


def appointment(**values: Any) -> Appointment:
    fields: dict[str, Any] = {
        "id": 7,
        "case_id": 1,
        "key": "noah-bup",
        "member_id": 1,
        "what": "BUP",
        "place": "BUP Järva",
        "starts_at": local(2026, 11, 26, 10, 0),
    }
    return Appointment(**(fields | values))


def meeting(**values: Any) -> Meeting:
    fields: dict[str, Any] = {
        "id": 3,
        "case_id": 1,
        "key": "network-1",
        "kind": "network",
        "starts_at": local(2026, 12, 1, 15, 0),
        "place": "Tensta träff",
    }
    return Meeting(**(fields | values))


def invitations(meeting_id: int, *member_ids: int) -> dict[int, list[MeetingInvitation]]:
    return {
        meeting_id: [
            MeetingInvitation(id=i, meeting_id=meeting_id, member_id=m)
            for i, m in enumerate(member_ids, start=1)
        ]
    }


def commitment(**values: Any) -> Commitment:
    fields: dict[str, Any] = {
        "id": 11,
        "plan_id": 1,
        "case_id": 1,
        "key": "noah-school-1",
        "owner_member_id": 1,
        "area": "school",
        "text": "Gå till skolan",
        "outcomes": [],
    }
    return Commitment(**(fields | values))


def row(id_: int, key: str, **values: Any) -> OutboxMessage:
    """An outbox row of the case (pending unless told otherwise)."""
    fields: dict[str, Any] = {
        "id": id_,
        "idempotency_key": key,
        "case_id": 1,
        "member_id": 1,
        "channel": "telegram",
        "address": "1001",
        "topic": "reminders",
        "kind": "appointment_reminder",
        "body": "",
        "due_at": NOW,
        "state": OutboxState.PENDING,
        "params": {},
    }
    return OutboxMessage(**(fields | values))


def state(**values: Any) -> CaseState:
    fields: dict[str, Any] = {"case": case(), "members": members(), "consents": [consent()]}
    values.setdefault("all_commitments", values.get("commitments", []))
    return CaseState(**(fields | values))
