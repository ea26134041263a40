"""The plan file's ``account:``: staff members linked to workspace accounts, refused on anyone
else, and a warning for staff who cannot log in yet."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from sqlmodel import select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.access import visible_cases
from sigbot.domain.accounts import AccountDetails, add_account, disable_account, find_account
from sigbot.journal import read_journal
from sigbot.models import Member
from sigbot.planfile.importer import ImportReport, import_plan
from sigbot.planfile.loader import PlanError, parse_plan_text
from tests.cheap_hashing import CHEAP_HASHER

TZ = "Europe/Stockholm"
REF = "ST-2026-014"
NO_MAJA = "members[2] (maja): no workspace account 'maja': they cannot log in yet"
NO_JONAS = "members[3] (jonas): no workspace account 'jonas': they cannot log in yet"


def _with(example: str, **accounts: str) -> str:
    """The example plan with ``account:`` set on the members named."""
    data: dict[str, Any] = yaml.safe_load(example)
    for member in data["members"]:
        if member["key"] in accounts:
            member["account"] = accounts[member["key"]]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _problems(text: str) -> list[str]:
    with pytest.raises(PlanError) as refused:
        parse_plan_text(text, source="case.yaml", default_timezone=TZ)
    return [str(problem) for problem in refused.value.problems]


async def _import(db: Database, clock: FakeClock, text: str) -> ImportReport:
    plan = parse_plan_text(text, source="case.yaml", default_timezone=TZ)
    async with db.session() as session:
        report = await import_plan(session=session, plan=plan, clock=clock)
        await session.commit()
    return report


async def _add_account(db: Database, clock: FakeClock, username: str) -> None:
    async with db.session() as session:
        details = AccountDetails(username=username, role="coordinator", name=username.title())
        await add_account(
            session, details=details, password="x" * 12, now=clock.now(), hasher=CHEAP_HASHER
        )
        await session.commit()


@pytest.mark.parametrize(
    ("member", "account", "problem"),
    [
        pytest.param(
            "leila",
            "leila",
            "members[1].account: only staff (coordinator, team_lead) log in; "
            "'leila' has role guardian",
            id="guardian",
        ),
        pytest.param(
            "erik",
            "erik.p",
            "members[4].account: only staff (coordinator, team_lead) log in; "
            "'erik' has role police",
            id="police",
        ),
        pytest.param(
            "maja",
            "Maja Berg",
            "members[2].account: 'Maja Berg' is not allowed here",
            id="not-a-username",
        ),
    ],
)
def test_account_is_for_staff_with_a_username(
    example_plan_text: str, member: str, account: str, problem: str
) -> None:
    """``account:`` on a non-staff member, or one that is no username, refuses the file there."""
    problems = _problems(_with(example_plan_text, **{member: account}))
    assert len(problems) == 1
    assert problems[0].startswith(problem)


def test_a_file_without_account_keeps_its_digest(example_plan_text: str) -> None:
    """Adding the key to the format changes no digest of a file that does not use it (a
    re-import writes nothing); setting it does change the digest."""
    plain = parse_plan_text(example_plan_text, source="case.yaml", default_timezone=TZ)
    assert plain.digest == "646ca0532d2d35ee9e19c47ff4fe44d2f5db0a13d70fb220ecd11092bf03aee0"
    linked = parse_plan_text(
        _with(example_plan_text, maja="maja.berg"), source="case.yaml", default_timezone=TZ
    )
    assert linked.digest != plain.digest
    assert [m.account for m in linked.members if m.key == "maja"] == ["maja.berg"]


async def test_the_link_is_stored_and_opens_the_case(
    db: Database, clock: FakeClock, example_plan_text: str
) -> None:
    """Imported, ``account: maja.berg`` is on the member, and that account sees the case."""
    await _add_account(db, clock, "maja.berg")
    await _add_account(db, clock, "maja")
    await _import(db, clock, _with(example_plan_text, maja="maja.berg"))
    async with db.session() as session:
        staff = {m.key: m.account for m in await session.exec(select(Member))}
        linked = await visible_cases(session, await find_account(session, "maja.berg"))
        by_key = await visible_cases(session, await find_account(session, "maja"))
    assert (staff["maja"], staff["jonas"], staff["noah"]) == ("maja.berg", None, None)
    assert [case.ref for case in linked] == [REF]
    assert by_key == []


async def test_a_changed_link_is_an_update_of_the_member(
    db: Database, clock: FakeClock, example_plan_text: str
) -> None:
    """Re-imported with a new ``account:``, the member is updated and the journal says which
    field changed; removing it again goes back to the key."""
    await _import(db, clock, example_plan_text)
    report = await _import(db, clock, _with(example_plan_text, jonas="jonas.berg"))
    assert report.changes == ["member jonas updated"]
    back = await _import(db, clock, example_plan_text)
    assert back.changes == ["member jonas updated"]
    async with db.session() as session:
        lines = [line for line in await read_journal(session, REF) if line.member == "jonas"]
        jonas = (await session.exec(select(Member).where(Member.key == "jonas"))).one()
    assert [line.summary for line in lines[-2:]] == ["Jonas: account changed"] * 2
    assert jonas.account is None


async def test_staff_without_a_working_account_are_warned_of(
    db: Database, clock: FakeClock, example_plan_text: str
) -> None:
    """The import is taken, and its report warns of each staff member with no account or a
    disabled one, until both can log in."""
    first = await _import(db, clock, example_plan_text)
    assert first.created
    assert first.warnings == [NO_MAJA, NO_JONAS]
    await _add_account(db, clock, "maja")
    await _add_account(db, clock, "jonas")
    async with db.session() as session:
        await disable_account(session, username="jonas", now=clock.now())
        await session.commit()
    again = await _import(db, clock, example_plan_text)
    assert again.unchanged
    assert again.warnings == [
        "members[3] (jonas): the workspace account 'jonas' is disabled",
    ]
    await _add_account(db, clock, "jonas.berg")
    linked = await _import(db, clock, _with(example_plan_text, jonas="jonas.berg"))
    assert linked.warnings == []
