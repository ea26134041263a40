"""Member operations: add, update, remove, link a chat; and the invitation link that uses it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from sqlmodel import select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.cases import RuleBroken
from sigbot.domain.invites import create_invite, redeem_invite
from sigbot.domain.members import MemberDetails, add_member, remove_member, update_member
from sigbot.models import Member
from tests.sigbot.domain.support import PEOPLE, REF, SEEDED_ENTRIES, journal, seed

LEILA = PEOPLE["leila"]
UPDATES: list[tuple[dict[str, Any], list[str], str]] = [
    ({}, [], ""),
    ({"phone": "+46701234599"}, ["phone"], "Leila: phone changed"),
    (
        {"language": "sv", "name": "Leila A"},
        ["name", "language"],
        "Leila A: name, language changed",
    ),
    ({"channel": "sms", "organisation": None}, ["channel"], "Leila: channel changed"),
    ({"telegram_chat_id": 4001}, ["telegram_chat_id"], "Leila: telegram_chat_id changed"),
]


@pytest.mark.parametrize(("change", "fields", "summary"), UPDATES)
async def test_update_names_the_changed_fields_never_the_number(
    db: Database, clock: FakeClock, change: dict[str, Any], fields: list[str], summary: str
) -> None:
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        leila = seeded.people["leila"]
        got = await update_member(
            session, member=leila, details=replace(LEILA, **change), now=clock.now()
        )
        lines = await journal(session, since=SEEDED_ENTRIES)
    assert got == fields
    assert lines == ([("member.updated", "leila", summary)] if fields else [])
    assert all("+467" not in text for _, _, text in lines)


BAD: list[tuple[MemberDetails, str]] = [
    (MemberDetails("aunt", "Sara"), "'aunt' is not a role"),
    (MemberDetails("guardian", " "), "a member needs a name"),
    (MemberDetails("guardian", "Sara", phone="0701234567"), "E.164"),
    (MemberDetails("guardian", "Sara", channel="sms"), "sms needs a phone number"),
    (MemberDetails("guardian", "Sara", telegram_chat_id=0), "0 is not a chat id"),
    (MemberDetails("guardian", "Sara", channel="fax"), "'fax' is not a channel"),
]


@pytest.mark.parametrize(("details", "why"), BAD)
async def test_details_no_message_could_use_are_refused(
    db: Database, clock: FakeClock, details: MemberDetails, why: str
) -> None:
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        with pytest.raises(RuleBroken, match=why):
            await add_member(
                session, case=seeded.case, key="sara", details=details, now=clock.now()
            )
        with pytest.raises(RuleBroken, match=why):
            await update_member(
                session, member=seeded.people["leila"], details=details, now=clock.now()
            )
        assert len(await journal(session)) == SEEDED_ENTRIES


async def test_add_is_journaled_and_a_key_is_used_once(db: Database, clock: FakeClock) -> None:
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        sara = MemberDetails("guardian", "Sara", phone="+46701234570", channel="sms")
        await add_member(session, case=seeded.case, key="sara", details=sara, now=clock.now())
        with pytest.raises(RuleBroken, match="has a member 'sara' already"):
            await add_member(session, case=seeded.case, key="sara", details=sara, now=clock.now())
        assert (await journal(session))[-1] == ("member.added", "sara", "Sara added as guardian")


async def test_removed_member_stays_inactive_and_can_rejoin(db: Database, clock: FakeClock) -> None:
    """Never deleted: inactive, journaled once; rejoining is an update naming ``active``."""
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        erik = seeded.people["erik"]
        assert await remove_member(session, case=seeded.case, member=erik, now=clock.now())
        assert not await remove_member(session, case=seeded.case, member=erik, now=clock.now())
        rejoined = await update_member(
            session, member=erik, details=PEOPLE["erik"], now=clock.now(), rejoin=True
        )
        await session.commit()
        rows = (await session.exec(select(Member).where(Member.key == "erik"))).all()
        lines = await journal(session, since=SEEDED_ENTRIES)
    assert rejoined == ["active"] and [m.active for m in rows] == [True]
    assert lines == [
        ("member.removed", "erik", "Erik left the case"),
        ("member.updated", "erik", "Erik: active changed"),
    ]


async def test_the_coordinator_is_handed_over_before_leaving(
    db: Database, clock: FakeClock
) -> None:
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        with pytest.raises(RuleBroken, match="hand it over first"):
            await remove_member(
                session, case=seeded.case, member=seeded.people["maja"], now=clock.now()
            )
        assert seeded.people["maja"].active


@pytest.mark.parametrize(
    ("key", "channel"), [("leila", "telegram"), ("noah", "sms")], ids=["no-channel", "sms-kept"]
)
async def test_an_invitation_link_links_the_chat(
    db: Database, clock: FakeClock, key: str, channel: str
) -> None:
    """Redeeming sets the chat; Telegram becomes the channel unless the person chose one."""
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        _, code = await create_invite(session, ref=REF, member_key=key, now=clock.now())
        redeemed = await redeem_invite(session, code=code, chat_id=5005, now=clock.now())
        member = seeded.people[key]
        lines = await journal(session, since=SEEDED_ENTRIES)
    assert redeemed.member is member and redeemed.problem is None
    assert (member.telegram_chat_id, member.channel) == (5005, channel)
    assert lines[-1] == ("invite.redeemed", key, f"{member.name} linked a Telegram chat")
