"""Open alerts as the workspace lists them: every visible case's, newest first, no one else's."""

from __future__ import annotations

from sqlmodel import select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.escalations import acknowledge
from sigbot.models import Account, Escalation, EscalationAction, Member
from sigbot.views.alerts import AlertRow, open_alert_for, open_alerts
from tests.sigbot.env import Env
from tests.sigbot.views.support import MAJAS, OMARS, accounts, answer, at, local, read, two_cases


async def _noah_and_ali_ask_for_help(env: Env) -> None:
    """Noah answers "I need help" to his BUP reminder at 10:00; Ali, in Omar's case, "I can't
    come" to his dentist's reminder at 18:00."""
    await at(env, 2026, 11, 25, 10, 0)
    await answer(env, "noah", "2", "appointment_reminder")
    await at(env, 2026, 11, 25, 18, 0)
    await answer(env, "ali", "3", "appointment_reminder")


def _shown(rows: list[AlertRow]) -> list[tuple[object, ...]]:
    return [
        (r.case_ref, r.level, r.reason, r.what, r.answer, r.member, r.member_key, r.timezone)
        for r in rows
    ]


# Unacknowledged for four hours by 18:00, Noah's alert has gone on to the backup.
NOAHS = (
    MAJAS,
    "backup",
    "help",
    "BUP 2026-11-26 10:00",
    "I need help",
    "Noah",
    "noah",
    "Europe/Stockholm",
)


async def test_each_account_sees_the_open_alerts_of_its_own_cases(
    db: Database, clock: FakeClock
) -> None:
    """Maja, her backup and her team lead see Noah's alert; Omar sees Ali's; an admin none."""
    async with two_cases(db, clock) as env:
        people = await accounts(env)
        await _noah_and_ali_ask_for_help(env)
        async with env.db.session() as session:
            seen = {name: await open_alerts(session, a) for name, a in people.items()}
    assert _shown(seen["maja"]) == [NOAHS]
    assert seen["maja"][0].created_at == local(2026, 11, 25, 10, 0)
    assert seen["jonas"] == seen["maja"] == seen["lena"]
    assert _shown(seen["omar"]) == [
        (
            OMARS,
            "coordinator",
            "cannot_come",
            "Tandläkare 2026-11-26 11:00",
            "can't come",
            "Ali",
            "ali",
            "Europe/Stockholm",
        )
    ]
    assert seen["root"] == []


async def test_an_acknowledged_alert_is_no_longer_open(db: Database, clock: FakeClock) -> None:
    """Once Maja acknowledges Noah's alert it leaves the list, and asking for it finds nothing."""
    async with two_cases(db, clock) as env:
        people = await accounts(env, "maja")
        await _noah_and_ali_ask_for_help(env)
        (alert,) = await read(env, lambda s: open_alerts(s, people["maja"]))
        async with env.db.session() as session:
            maja = (await session.exec(select(Member).where(Member.key == "maja"))).one()
            done = await acknowledge(
                session,
                escalation_id=alert.id,
                by=maja,
                action=EscalationAction.ACK,
                now=env.clock.now(),
            )
            await session.commit()
        assert done is not None
        assert await read(env, lambda s: open_alerts(s, people["maja"])) == []
        assert await read(env, lambda s: open_alert_for(s, people["maja"], alert.id)) is None


async def test_one_alert_is_found_only_by_those_who_may_see_its_case(
    db: Database, clock: FakeClock
) -> None:
    """Ali's alert is Omar's to open; for Maja, the admin or an unknown id it does not exist."""
    async with two_cases(db, clock) as env:
        people = await accounts(env, "maja", "omar", "root")
        await _noah_and_ali_ask_for_help(env)
        async with env.db.session() as session:
            ids = {e.reason: e.id for e in await session.exec(select(Escalation))}
        alis = ids["cannot_come"]
        assert alis is not None

        async def find(account: Account, alert_id: int) -> AlertRow | None:
            return await read(env, lambda s: open_alert_for(s, account, alert_id))

        found = await find(people["omar"], alis)
        assert found is not None and (found.case_ref, found.member) == (OMARS, "Ali")
        assert await find(people["maja"], alis) is None
        assert await find(people["root"], alis) is None
        assert await find(people["omar"], alis + 100) is None
