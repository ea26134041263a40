"""Consent watch: the coordinator hears 30 and 7 days before a consent ends; when it has ended
or was withdrawn, what is queued for people it no longer covers is cancelled at once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sigbot.domain.consent import may_receive
from sigbot.models import JournalKind, MessageKind, OutboxState
from sigbot.scheduler.decisions import (
    Cancel,
    ConsentWarned,
    Decision,
    Journal,
    TellCoordinators,
)
from sigbot.scheduler.state import CaseState

WARN_DAYS_BEFORE = (30, 7)


def plan(state: CaseState, now: datetime) -> list[Decision]:
    return [*_warnings(state, now), *_uncovered(state, now)]


def _warnings(state: CaseState, now: datetime) -> list[Decision]:
    decisions: list[Decision] = []
    for consent in state.consents:
        if consent.withdrawn_at is not None or consent.id is None:
            continue
        left = consent.valid_until - now
        days_left = -(-left // timedelta(days=1))  # whole days, rounded up
        last_day = (consent.valid_until - timedelta(seconds=1)).astimezone(state.tz).date()
        for days in WARN_DAYS_BEFORE:
            if not timedelta(0) < left <= timedelta(days=days) or days in consent.warned_days:
                continue
            decisions += [
                ConsentWarned(consent.id, days),
                TellCoordinators(
                    MessageKind.CONSENT_EXPIRING,
                    key=f"consent-warn|{consent.id}|{days}",
                    params={
                        "case": state.case.ref,
                        "days": days_left,
                        "date": last_day.isoformat(),
                    },
                ),
                Journal(
                    JournalKind.CONSENT_EXPIRING,
                    f"consent {consent.key} ends in {days_left} days",
                    data={"key": consent.key, "days": days_left},
                ),
            ]
    return decisions


def _uncovered(state: CaseState, now: datetime) -> list[Decision]:
    """Queued messages for someone the consent no longer covers."""
    decisions: list[Decision] = []
    for row in state.outbox:
        if row.state != OutboxState.PENDING or row.id is None:
            continue
        member = state.members.get(row.member_id or -1)
        if member is not None and not may_receive(
            state.case, member, row.topic, state.consents, now
        ):
            decisions.append(Cancel((row.id,), "consent expired or withdrawn"))
    return decisions
