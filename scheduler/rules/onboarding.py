"""Onboarding and plan notices: a welcome SMS to everyone reached by SMS, and after each new
plan version every member gets their own commitments in plain words."""

from __future__ import annotations

from datetime import datetime

from sigbot.domain.consent import may_receive
from sigbot.models import ChannelKind, Commitment, MessageKind, Topic
from sigbot.models.enums import STAFF_ROLES
from sigbot.outbox.store import Route
from sigbot.scheduler.decisions import Decision, Queue
from sigbot.scheduler.state import CaseState


def welcome(state: CaseState, now: datetime) -> list[Decision]:
    """The first SMS to a number says who writes and how to answer (and how to stop)."""
    decisions: list[Decision] = []
    for member in state.members.values():
        if not member.active or not member.phone or member.role in STAFF_ROLES:
            continue
        if member.channel != ChannelKind.SMS and member.telegram_chat_id is not None:
            continue
        if member.id is None or not may_receive(
            state.case, member, Topic.REMINDERS, state.consents, now
        ):
            continue
        chat = member.telegram_chat_id
        decisions.append(
            Queue(
                member.id,
                MessageKind.WELCOME_SMS,
                Topic.REMINDERS,
                key=f"welcome|{member.id}|{member.phone}",
                at=now,
                exclude=frozenset({Route(ChannelKind.TELEGRAM, str(chat))} if chat else set()),
            )
        )
    return decisions


def plan_notices(state: CaseState, now: datetime) -> list[Decision]:
    """After a (new) plan version, each owner receives their own commitments."""
    plan = state.plan
    if plan is None:
        return []
    by_owner: dict[int, list[Commitment]] = {}
    for commitment in state.commitments:
        by_owner.setdefault(commitment.owner_member_id, []).append(commitment)
    decisions: list[Decision] = []
    for owner_id, own in by_owner.items():
        member = state.members.get(owner_id)
        if member is None or not member.active:
            continue
        items = [
            c.text + (f" ({state.local_text(c.due_at)})" if c.due_at is not None else "")
            for c in own
        ]
        decisions.append(
            Queue(
                owner_id,
                MessageKind.PLAN_NOTICE,
                Topic.PLAN,
                key=f"plan|{plan.id}|{owner_id}",
                at=now,
                params={"version": plan.version, "items": items},
            )
        )
    return decisions
