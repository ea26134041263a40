"""The right of access (``sigbot export REF [--member KEY]``): everything stored about one case,
or about one person in it, as plain JSON values (docs/privacy.md, "Access")."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import or_
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.cases import row_id
from sigbot.domain.rights.people import addresses_of, find_member, same_person
from sigbot.journal import find_case, read_journal
from sigbot.models import (
    ActionPlan,
    Appointment,
    Case,
    CaseStatusChange,
    Commitment,
    Consent,
    ContactAddress,
    Escalation,
    InboundMessage,
    InviteCode,
    JournalEntry,
    Meeting,
    MeetingInvitation,
    Member,
    OutboxMessage,
)
from sigbot.timing import format_duration

# Never exported: secrets, and the context of an alert, which quotes other people's events.
HIDDEN = {"code_hash", "events"}
PER_CASE: dict[str, type[SQLModel]] = {
    "status_changes": CaseStatusChange,
    "members": Member,
    "consents": Consent,
    "meetings": Meeting,
    "appointments": Appointment,
    "action_plans": ActionPlan,
    "commitments": Commitment,
    "messages_out": OutboxMessage,
    "messages_in": InboundMessage,
    "escalations": Escalation,
}


def plain(value: Any) -> Any:
    """A column's value as JSON: times in ISO 8601, plan values as a plan file writes them."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return format_duration(value)
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items() if k not in HIDDEN}
    if hasattr(value, "text") and not isinstance(value, str | int | float | bool):
        return value.text
    return value


def row(model: SQLModel) -> dict[str, Any]:
    """Every stored field of a row (secrets left out)."""
    fields = type(model).model_fields
    return {k: plain(getattr(model, k)) for k in fields if k not in HIDDEN}


async def _all(session: AsyncSession, query: Any) -> list[dict[str, Any]]:
    return [row(item) for item in await session.exec(query)]


async def export_case(session: AsyncSession, ref: str) -> dict[str, Any]:
    """Everything stored about case ``ref``; raises ``UnknownCase``."""
    case = await find_case(session, ref)
    out: dict[str, Any] = {"case": row(case)}
    for name, model in PER_CASE.items():
        query = select(model).where(getattr(model, "case_id") == case.id)  # noqa: B009
        out[name] = await _all(session, query.order_by(getattr(model, "id")))  # noqa: B009
    member_ids = [m["id"] for m in out["members"]]
    meeting_ids = [m["id"] for m in out["meetings"]]
    out["meeting_invitations"] = await _all(
        session, select(MeetingInvitation).where(col(MeetingInvitation.meeting_id).in_(meeting_ids))
    )
    out["invite_codes"] = await _all(
        session, select(InviteCode).where(col(InviteCode.member_id).in_(member_ids))
    )
    out["journal"] = [line.as_json() for line in await read_journal(session, ref)]
    return out


async def export_member(session: AsyncSession, ref: str, key: str) -> dict[str, Any]:
    """Everything stored about member ``key`` of case ``ref``: details, consents that name
    them, their appointments, commitments and meetings, every message to or from them, alerts
    about them and their journal lines. Raises ``UnknownCase`` or ``UnknownMember``."""
    case = await find_case(session, ref)
    member = await find_member(session, case, key)
    others = [p for p in await same_person(session, member) if p.id != member.id]
    return {
        "case": {"ref": case.ref, "status": case.status},
        "member": row(member),
        "other_cases": sorted(await _refs(session, {p.case_id for p in others})),
        "contact_addresses": await _addresses(session, member),
        "consents": [
            row(c)
            for c in await session.exec(select(Consent).where(Consent.case_id == case.id))
            if key in c.given_by or key in c.share_with
        ],
        "meetings": await _meetings(session, member),
        **await _owned(session, case, member),
        "journal": [
            row(entry)
            for entry in await session.exec(
                select(JournalEntry)
                .where(JournalEntry.case_id == case.id, JournalEntry.member_key == key)
                .order_by(col(JournalEntry.at), col(JournalEntry.id))
            )
        ],
    }


async def _owned(session: AsyncSession, case: Case, member: Member) -> dict[str, Any]:
    """The rows that point at the member: appointments, commitments, messages, alerts."""
    mine = row_id(member)
    phones, chats = addresses_of([member])
    addresses = phones | {str(c) for c in chats}
    unmatched = col(InboundMessage.case_id).is_(None) & col(InboundMessage.address).in_(addresses)
    return {
        "appointments": await _all(
            session, select(Appointment).where(Appointment.member_id == mine)
        ),
        "commitments": await _all(
            session, select(Commitment).where(Commitment.owner_member_id == mine)
        ),
        "messages_out": await _all(
            session,
            select(OutboxMessage)
            .where(OutboxMessage.member_id == mine)
            .order_by(col(OutboxMessage.id)),
        ),
        "messages_in": await _all(
            session,
            select(InboundMessage)
            .where(or_(col(InboundMessage.member_id) == mine, unmatched))
            .order_by(col(InboundMessage.id)),
        ),
        "escalations": await _all(session, select(Escalation).where(Escalation.member_id == mine)),
        "invite_codes": await _all(session, select(InviteCode).where(InviteCode.member_id == mine)),
    }


async def _meetings(session: AsyncSession, member: Member) -> list[dict[str, Any]]:
    """The meetings the member is invited to, each with their own answer."""
    rows = await session.exec(
        select(Meeting, MeetingInvitation)
        .join(MeetingInvitation, col(MeetingInvitation.meeting_id) == col(Meeting.id))
        .where(MeetingInvitation.member_id == member.id)
        .order_by(col(Meeting.starts_at))
    )
    return [row(meeting) | {"answer": inv.answer, "invited": inv.active} for meeting, inv in rows]


async def _addresses(session: AsyncSession, member: Member) -> list[dict[str, Any]]:
    phones, chats = addresses_of([member])
    addresses = phones | {str(c) for c in chats}
    return await _all(
        session, select(ContactAddress).where(col(ContactAddress.address).in_(addresses))
    )


async def _refs(session: AsyncSession, case_ids: set[int]) -> list[str]:
    return list(await session.exec(select(Case.ref).where(col(Case.id).in_(case_ids))))
