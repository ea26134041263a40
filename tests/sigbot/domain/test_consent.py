"""Consent operations: record, change, withdraw; and the gate that reads them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.cases import RuleBroken
from sigbot.domain.consent import (
    ConsentTerms,
    change_consent,
    may_receive_now,
    record_consent,
    withdraw_consent,
)
from tests.sigbot.domain.support import SEEDED_ENTRIES, journal, seed

UNTIL = datetime(2027, 2, 28, 23, tzinfo=UTC)
POLICE = ConsentTerms(("noah", "leila"), ("erik",), ("meetings",), UNTIL)


async def test_recorded_consent_opens_the_gate(db: Database, clock: FakeClock) -> None:
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        erik = seeded.people["erik"]
        assert not await may_receive_now(session, seeded.case, erik, "meetings", clock.now())
        consent = await record_consent(
            session, case=seeded.case, key="police", terms=POLICE, now=clock.now()
        )
        assert consent.valid_from == clock.now()
        assert await may_receive_now(session, seeded.case, erik, "meetings", clock.now())
        assert not await may_receive_now(session, seeded.case, erik, "plan", clock.now())
        assert (await journal(session))[-1] == (
            "consent.recorded",
            None,
            "consent from noah, leila: share with erik about meetings",
        )


CHANGES: list[tuple[dict[str, Any], list[str], tuple[str, str]]] = [
    ({}, [], ("", "")),
    (
        {"valid_until": UNTIL + timedelta(days=31)},
        ["valid_until"],
        ("consent.changed", "consent police: valid_until"),
    ),
    (
        {"share_with": ("erik", "jonas"), "topics": ("meetings", "plan")},
        ["share_with", "topics"],
        ("consent.changed", "consent police: share_with, topics"),
    ),
    (
        {"withdrawn_at": datetime(2026, 11, 29, 23, tzinfo=UTC), "withdrawn_reason": "ville inte"},
        ["withdrawn_at", "withdrawn_reason"],
        ("consent.withdrawn", "consent police withdrawn: ville inte"),
    ),
]


@pytest.mark.parametrize(("change", "fields", "entry"), CHANGES)
async def test_change_names_the_fields_or_the_withdrawal(
    db: Database,
    clock: FakeClock,
    change: dict[str, Any],
    fields: list[str],
    entry: tuple[str, str],
) -> None:
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        consent = await record_consent(
            session, case=seeded.case, key="police", terms=POLICE, now=clock.now()
        )
        got = await change_consent(
            session, consent=consent, terms=replace(POLICE, **change), now=clock.now()
        )
        lines = await journal(session, since=SEEDED_ENTRIES + 1)
    assert got == fields
    assert [(kind, text) for kind, _, text in lines] == ([entry] if fields else [])


async def test_withdrawal_closes_the_gate_once(db: Database, clock: FakeClock) -> None:
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        consent = await record_consent(
            session, case=seeded.case, key="police", terms=POLICE, now=clock.now()
        )
        clock.advance(timedelta(hours=1))
        now = clock.now()
        assert await withdraw_consent(session, consent=consent, now=now, reason="ångrade sig")
        assert not await withdraw_consent(session, consent=consent, now=now)
        erik = seeded.people["erik"]
        assert not await may_receive_now(session, seeded.case, erik, "meetings", now)
        assert (await journal(session))[-1] == (
            "consent.withdrawn",
            None,
            "consent police withdrawn (ångrade sig)",
        )


BAD: list[tuple[dict[str, Any], str]] = [
    ({"given_by": ("erik",)}, "'erik' has role police, expected guardian or youth"),
    ({"share_with": ("ghost",)}, "unknown member key 'ghost'"),
    ({"topics": ("gossip",)}, "'gossip' is not a topic"),
    ({"valid_from": UNTIL + timedelta(days=1)}, "valid_until is before valid_from"),
    ({"given_by": ()}, "needs who gave it"),
    ({"given_by": ("noah",)}, "'leila' \\(guardian\\) has not given this consent"),
    ({"given_by": ("leila",)}, "'noah' \\(youth\\) has not given this consent"),
]


@pytest.mark.parametrize(("change", "why"), BAD)
async def test_consent_only_from_the_family_to_people_of_the_case(
    db: Database, clock: FakeClock, change: dict[str, Any], why: str
) -> None:
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        with pytest.raises(RuleBroken, match=why):
            await record_consent(
                session, case=seeded.case, key="x", terms=replace(POLICE, **change), now=clock.now()
            )
        assert len(await journal(session)) == SEEDED_ENTRIES


async def test_a_withdrawal_may_name_only_who_withdrew(db: Database, clock: FakeClock) -> None:
    """Stopping the sharing needs no one else's word: Leila alone withdraws it."""
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        consent = await record_consent(
            session, case=seeded.case, key="police", terms=POLICE, now=clock.now()
        )
        withdrawn = replace(POLICE, given_by=("leila",), withdrawn_at=clock.now())
        assert await change_consent(session, consent=consent, terms=withdrawn, now=clock.now())
        erik = seeded.people["erik"]
        assert not await may_receive_now(session, seeded.case, erik, "meetings", clock.now())
