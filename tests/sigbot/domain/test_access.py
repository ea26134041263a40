"""Who sees which case: coordinators their own and those they back up, team leads their
team's, an admin and a disabled account none; and the journal line every access leaves."""

from __future__ import annotations

import pytest
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.access import case_for, journal_access, member_for, visible_cases
from sigbot.domain.accounts import AccountDetails, add_account, disable_account
from sigbot.domain.cases import CaseSettings, create_case, hand_over
from sigbot.domain.members import MemberDetails, add_member
from sigbot.journal import UnknownCase, read_journal
from sigbot.models import Account
from tests.cheap_hashing import CHEAP_HASHER

ACCOUNTS = {
    "maja": ("coordinator", "north"),
    "olle": ("coordinator", "north"),
    "jonas": ("coordinator", "south"),
    "anna": ("team_lead", "north"),
    "sven": ("team_lead", "south"),
    "root": ("admin", None),
}
# ref: coordinator, backup, staff members as (key, role, account:)
CASES: dict[str, tuple[str, str | None, list[tuple[str, str, str | None]]]] = {
    "ST-1": ("maja", "jonas", [("maja", "coordinator", None), ("jonas", "coordinator", None)]),
    "ST-2": ("berg", None, [("berg", "coordinator", "maja")]),
    "ST-3": ("olle", None, [("olle", "coordinator", None), ("sven", "team_lead", None)]),
    "ST-4": ("jonas", None, [("jonas", "coordinator", None), ("maja", "coordinator", None)]),
    "ST-5": ("maja", None, [("maja", "coordinator", "maja.k")]),
}
SEES = {
    "maja": ["ST-1", "ST-2"],
    "jonas": ["ST-1", "ST-4"],
    "anna": ["ST-1", "ST-2", "ST-3"],
    "sven": ["ST-1", "ST-3", "ST-4"],
    "olle": [],
    "root": [],
}


async def _seed(session: AsyncSession, clock: FakeClock) -> None:
    """The accounts above (olle disabled) and five cases built by the domain operations."""
    for username, (role, team) in ACCOUNTS.items():
        details = AccountDetails(username=username, role=role, name=username.title(), team=team)
        await add_account(
            session, details=details, password="x" * 12, now=clock.now(), hasher=CHEAP_HASHER
        )
    await disable_account(session, username="olle", now=clock.now())
    settings = CaseSettings(timezone="Europe/Stockholm")
    for ref, (coordinator, backup, staff) in CASES.items():
        case = await create_case(
            session,
            ref=ref,
            coordinator_key=coordinator,
            backup_key=backup,
            settings=settings,
            now=clock.now(),
        )
        noah = MemberDetails("youth", "Noah", phone="+46701234567")
        await add_member(session, case=case, key="noah", details=noah, now=clock.now())
        for key, role, account in staff:
            details = MemberDetails(role, key.title(), account=account)
            await add_member(session, case=case, key=key, details=details, now=clock.now())


@pytest.fixture
async def seeded(db: Database, clock: FakeClock) -> None:
    async with db.session() as session:
        await _seed(session, clock)
        await session.commit()


async def _account(session: AsyncSession, username: str) -> Account:
    return (await session.exec(select(Account).where(Account.username == username))).one()


@pytest.mark.usefixtures("seeded")
async def test_each_account_sees_its_cases(db: Database) -> None:
    """The cases per account: own and backed-up cases (by key or ``account:``), the team's for
    a team lead, a case naming a team lead; none for admin and disabled; any other is unknown."""
    async with db.session() as session:
        for username, refs in SEES.items():
            account = await _account(session, username)
            seen = [case.ref for case in await visible_cases(session, account)]
            assert seen == refs, username
            for ref in CASES:
                if ref in refs:
                    assert (await case_for(session, account, ref)).ref == ref
                else:
                    with pytest.raises(UnknownCase):
                        await case_for(session, account, ref)


@pytest.mark.usefixtures("seeded")
async def test_a_missing_case_and_a_hidden_one_look_alike(db: Database) -> None:
    """Another coordinator's case and a case that does not exist raise the same error."""
    async with db.session() as session:
        maja = await _account(session, "maja")
        with pytest.raises(UnknownCase) as hidden:
            await case_for(session, maja, "ST-4")
        with pytest.raises(UnknownCase) as missing:
            await case_for(session, maja, "ST-404")
    assert type(hidden.value) is type(missing.value)


@pytest.mark.usefixtures("seeded")
async def test_handing_over_takes_the_case_out_of_sight(db: Database, clock: FakeClock) -> None:
    """A coordinator who handed the case over no longer sees it; the new one does."""
    async with db.session() as session:
        case = await case_for(session, await _account(session, "maja"), "ST-1")
        await hand_over(
            session, case=case, coordinator_key="jonas", backup_key=None, now=clock.now()
        )
        await session.commit()
        assert [c.ref for c in await visible_cases(session, await _account(session, "maja"))] == [
            "ST-2"
        ]
        assert (await case_for(session, await _account(session, "jonas"), "ST-1")).ref == "ST-1"


@pytest.mark.usefixtures("seeded")
async def test_member_for_finds_the_account_in_the_case(db: Database) -> None:
    """Maja is member ``berg`` of ST-2 through ``account:``; Anna sees ST-1 by team only."""
    async with db.session() as session:
        maja, anna = await _account(session, "maja"), await _account(session, "anna")
        berg = await member_for(session, await case_for(session, maja, "ST-2"), maja)
        assert berg is not None and berg.key == "berg"
        assert await member_for(session, await case_for(session, anna, "ST-1"), anna) is None


@pytest.mark.usefixtures("seeded")
async def test_every_access_writes_a_journal_line(db: Database, clock: FakeClock) -> None:
    """A read and a change each leave a line naming the account and what it did."""
    async with db.session() as session:
        anna = await _account(session, "anna")
        case = await case_for(session, anna, "ST-2")
        journal_access(session, case=case, account=anna, what="case page", now=clock.now())
        journal_access(
            session,
            case=case,
            account=anna,
            what="appointment added",
            now=clock.now(),
            changed=True,
            data={"appointment": 7},
        )
        await session.commit()
        lines = (await read_journal(session, "ST-2"))[-2:]
    assert [(line.kind, line.summary) for line in lines] == [
        ("account.read", "Anna (anna) read: case page"),
        ("account.changed", "Anna (anna) changed: appointment added"),
    ]
    assert lines[1].data == {
        "account": "anna",
        "what": "appointment added",
        "name": "Anna",
        "appointment": 7,
    }
