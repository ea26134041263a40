"""Action-plan versions: history carried by key and wording, old promises replaced, one more
commitment added as a new version."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.cases import RuleBroken
from sigbot.domain.meetings import plan_meeting
from sigbot.domain.plans import (
    CommitmentDraft,
    add_commitment,
    plan_commitments,
    record_plan_version,
)
from sigbot.models import ActionPlan, Commitment
from sigbot.timing import parse_check_in
from tests.sigbot.domain.support import SEEDED_ENTRIES, Seeded, journal, seed

ADAPTIVE = parse_check_in("adaptive")


def _drafts(seeded: Seeded, school: str = "Gå till skolan varje dag") -> list[CommitmentDraft]:
    people = seeded.people
    return [
        CommitmentDraft("noah-school-1", people["noah"], "school", school, check_in=ADAPTIVE),
        CommitmentDraft("leila-family-1", people["leila"], "family", "Ring skolan"),
    ]


async def _by_key(session: AsyncSession, plan: ActionPlan) -> dict[str, Commitment]:
    return {c.key: c for c in await plan_commitments(session, plan=plan)}


@pytest.mark.parametrize(
    ("school", "carried"),
    [("Gå till skolan varje dag", True), ("Gå till skolan och till fritids", False)],
    ids=["same-words", "new-words"],
)
async def test_a_new_version_carries_history_of_the_same_promise(
    db: Database, clock: FakeClock, school: str, carried: bool
) -> None:
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        first = await record_plan_version(
            session, case=seeded.case, commitments=_drafts(seeded), now=clock.now()
        )
        old = await _by_key(session, first)
        old["noah-school-1"].kept_streak, old["noah-school-1"].outcomes = 3, [True, True, True]
        old["leila-family-1"].status = "done"
        await plan_meeting(
            session, case=seeded.case, key="network-1", starts_at=clock.now(), now=clock.now()
        )
        clock.advance(timedelta(hours=2))
        second = await record_plan_version(
            session, case=seeded.case, commitments=_drafts(seeded, school), now=clock.now()
        )
        new = await _by_key(session, second)
        lines = await journal(session, since=SEEDED_ENTRIES)
    assert (first.version, second.version) == (1, 2)
    assert second.meeting_id is not None
    assert old["noah-school-1"].status == "replaced" and old["leila-family-1"].status == "done"
    assert {c.status for c in new.values()} == {"open"}
    assert new["noah-school-1"].kept_streak == (3 if carried else 0)
    assert new["noah-school-1"].outcomes == ([True, True, True] if carried else [])
    assert [text for kind, _, text in lines if kind == "plan.version"] == [
        "action plan version 1 with 2 commitments",
        "action plan version 2 with 2 commitments (after meeting network-1)",
    ]


async def test_add_commitment_is_a_version_with_one_more(db: Database, clock: FakeClock) -> None:
    """Open promises go on with their history; done ones stay in the version they were kept in."""
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        first = await record_plan_version(
            session, case=seeded.case, commitments=_drafts(seeded), now=clock.now()
        )
        old = await _by_key(session, first)
        old["noah-school-1"].kept_streak = 4
        old["leila-family-1"].status = "done"
        due = datetime(2026, 12, 4, 16, 0, tzinfo=UTC)
        plan, added = await add_commitment(
            session,
            case=seeded.case,
            owner=seeded.people["noah"],
            area="school",
            text="Lämna in läxan",
            due_at=due,
            now=clock.now(),
        )
        new = await _by_key(session, plan)
        versions = (await session.exec(select(ActionPlan).order_by(col(ActionPlan.version)))).all()
        lines = await journal(session, since=SEEDED_ENTRIES)
    assert [v.version for v in versions] == [1, 2] and plan.version == 2
    assert added.key == "noah-school-2" and added.due_at == due
    assert set(new) == {"noah-school-1", "noah-school-2"}
    assert new["noah-school-1"].kept_streak == 4
    assert lines[-1] == ("plan.version", None, "action plan version 2 with 2 commitments")


async def test_the_first_commitment_makes_version_one(db: Database, clock: FakeClock) -> None:
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        plan, added = await add_commitment(
            session,
            case=seeded.case,
            owner=seeded.people["erik"],
            area="crime",
            text="Träffa Noah",
            key="erik-meet",
            now=clock.now(),
        )
    assert (plan.version, added.key, added.status) == (1, "erik-meet", "open")


@pytest.mark.parametrize(
    ("key", "area", "text", "why"),
    [
        ("noah-school-1", "school", "Igen", "has a commitment 'noah-school-1' already"),
        (None, "astrology", "Läs", "'astrology' is not an area"),
        (None, "school", "  ", "needs its words"),
    ],
)
async def test_bad_commitments_are_refused(
    db: Database, clock: FakeClock, key: str | None, area: str, text: str, why: str
) -> None:
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        await record_plan_version(
            session, case=seeded.case, commitments=_drafts(seeded), now=clock.now()
        )
        with pytest.raises(RuleBroken, match=why):
            await add_commitment(
                session,
                case=seeded.case,
                owner=seeded.people["noah"],
                area=area,
                text=text,
                key=key,
                now=clock.now(),
            )
        assert len((await session.exec(select(ActionPlan))).all()) == 1
