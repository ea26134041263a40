"""Meeting invitations and appointment notices reach Telegram with a calendar file; a move sends
the same UID with a higher SEQUENCE, a cancellation METHOD:CANCEL; an SMS carries no file."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar
from sqlmodel import select

from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.meetings import cancel_meeting, move_meeting
from sigbot.models import Meeting
from tests.sigbot.env import Env, make_env


def _calendar(env: Env, chat: int) -> list[Calendar]:
    return [
        Calendar.from_ical(m.document[1])
        for m in env.tg.messages_to(chat)
        if m.document is not None
    ]


async def _network_meeting(env: Env) -> Meeting:
    async with env.db.session() as session:
        return (await session.exec(select(Meeting).where(Meeting.kind == "network"))).one()


async def test_an_invitation_carries_the_meeting_and_a_move_replaces_it(
    db: Database, clock: FakeClock
) -> None:
    async with make_env(db, clock) as env:
        await env.load()
        await env.cycle()
        (invite,) = _calendar(env, 1001)  # Noah: the network meeting only
        event = invite.walk("VEVENT")[0]
        assert invite["METHOD"] == "PUBLISH" and int(event["SEQUENCE"]) == 0
        assert event.decoded("DTSTART") == datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
        assert str(event["SUMMARY"]) == "nätverksmöte"  # Noah reads Swedish
        assert str(event["LOCATION"]) == "Tensta träff"
        caption = next(m for m in env.tg.messages_to(1001) if m.document is not None)
        assert "nätverksmöte" in caption.text and caption.reply_markup is not None
        meeting = await _network_meeting(env)
        async with env.db.session() as session:
            meeting = await session.get(Meeting, meeting.id)
            assert meeting is not None
            await move_meeting(
                session,
                meeting=meeting,
                starts_at=datetime(2026, 12, 2, 14, 0, tzinfo=UTC),
                now=clock.now(),
            )
            await session.commit()
        await env.cycle()
        moved = _calendar(env, 1001)[-1].walk("VEVENT")[0]
        assert str(moved["UID"]) == str(event["UID"]) and int(moved["SEQUENCE"]) == 1
        assert moved.decoded("DTSTART") == datetime(2026, 12, 2, 14, 0, tzinfo=UTC)


async def test_a_cancelled_meeting_withdraws_the_calendar_entry(
    db: Database, clock: FakeClock
) -> None:
    async with make_env(db, clock) as env:
        await env.load()
        await env.cycle()
        meeting = await _network_meeting(env)
        async with env.db.session() as session:
            meeting = await session.get(Meeting, meeting.id)
            assert meeting is not None
            await cancel_meeting(session, meeting=meeting, now=clock.now())
            await session.commit()
        await env.cycle()
        cancelled = _calendar(env, 1001)[-1]
        assert cancelled["METHOD"] == "CANCEL"
        assert int(cancelled.walk("VEVENT")[0]["SEQUENCE"]) == 1
        assert str(cancelled.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"


async def test_an_sms_invitation_carries_no_file(db: Database, clock: FakeClock) -> None:
    async with make_env(db, clock) as env:
        await env.load()
        await env.cycle()
        to_leila = env.tw.messages_to("+46701234568")
        assert to_leila and all(".ics" not in m.body for m in to_leila)
