"""People the plan counts on but sigbot cannot reach: the coordinator hears once.

A member with an open commitment, an appointment or a meeting invitation, but no phone number
and no Telegram chat, or a professional whose consent does not cover what they would be told,
would otherwise be accepted without a word and never followed up.
"""

from __future__ import annotations

from datetime import datetime

from sigbot.domain.consent import may_receive
from sigbot.models import (
    CommitmentStatus,
    EventStatus,
    JournalKind,
    Member,
    MessageKind,
    Topic,
)
from sigbot.scheduler.decisions import Decision, Journal, TellCoordinators
from sigbot.scheduler.state import CaseState


def plan(state: CaseState, now: datetime) -> list[Decision]:
    decisions: list[Decision] = []
    for member, topic in _expected_to_hear(state, now):
        if member.phone is None and member.telegram_chat_id is None:
            kind, reason = MessageKind.MEMBER_NO_CHANNEL, "no phone number or Telegram chat"
        elif not may_receive(state.case, member, topic, state.consents, now):
            kind, reason = MessageKind.MEMBER_NO_CONSENT, f"no consent covers {topic}"
        else:
            continue
        key = f"unreachable|{member.id}|{kind}|{topic}"
        if f"{key}|{state.case.coordinator_key}" in state.keys:
            continue  # told once already
        decisions += [
            TellCoordinators(
                kind,
                key=key,
                params={"case": state.case.ref, "who": member.name},
            ),
            Journal(
                JournalKind.MEMBER_UNREACHABLE,
                f"{member.name} cannot be reached: {reason}; the coordinator was told",
                member_key=member.key,
                data={"kind": kind, "topic": topic},
            ),
        ]
    return decisions


def _expected_to_hear(state: CaseState, now: datetime) -> list[tuple[Member, Topic]]:
    """Each active member with something coming to them, and the topic it is about."""
    wanted: dict[tuple[int, Topic], Member] = {}

    def want(member_id: int, topic: Topic) -> None:
        member = state.members.get(member_id)
        if member is not None and member.id is not None and member.active:
            wanted.setdefault((member.id, topic), member)

    for commitment in state.commitments:
        if commitment.status == CommitmentStatus.OPEN:
            want(commitment.owner_member_id, Topic.REMINDERS)
    for appointment in state.appointments:
        if appointment.status == EventStatus.PLANNED and appointment.starts_at > now:
            want(appointment.member_id, Topic.REMINDERS)
    for meeting in state.meetings:
        if meeting.status == EventStatus.PLANNED and meeting.starts_at > now and meeting.id:
            for invitation in state.invitations.get(meeting.id, []):
                if invitation.active:
                    want(invitation.member_id, Topic.MEETINGS)
    return [(member, topic) for (_, topic), member in wanted.items()]
