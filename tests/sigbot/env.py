"""A wired-up sigbot for tests: real database, real channel adapters, fake provider servers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import select
from telegram import Bot
from telegram.request import HTTPXRequest

from sigbot.app.core import Core, CoreOptions, build_core
from sigbot.channels.base import Channel
from sigbot.channels.telegram import TelegramChannel
from sigbot.channels.twilio_sms import TwilioSmsChannel
from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.escalations import TeamLead
from sigbot.domain.inbound import InboundHandler
from sigbot.models import Case, Member
from sigbot.outbox.dispatcher import Dispatcher, DispatchPolicy
from sigbot.outbox.messenger import Messenger
from sigbot.planfile.importer import import_plan
from sigbot.planfile.loader import parse_plan_text
from sigbot.scheduler.planner import Planner
from tests.fakes import FakeTelegramServer, FakeTwilioServer

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "case.yaml"
SENDER = "+46700000000"


@dataclass
class Env:
    """sigbot wired by ``build_core`` (as ``sigbot run`` and the demo are), plus the fakes."""

    core: Core
    clock: FakeClock
    tg: FakeTelegramServer
    tw: FakeTwilioServer
    bot: Bot
    sms: TwilioSmsChannel

    @property
    def db(self) -> Database:
        return self.core.db

    @property
    def channels(self) -> Mapping[str, Channel]:
        return self.core.channels

    @property
    def messenger(self) -> Messenger:
        return self.core.messenger

    @property
    def dispatcher(self) -> Dispatcher:
        return self.core.dispatcher

    @property
    def planner(self) -> Planner:
        return self.core.planner

    @property
    def inbound(self) -> InboundHandler:
        return self.core.inbound

    async def load(self, text: str | None = None) -> Case:
        """Import a plan (default: examples/case.yaml) and return its case."""
        plan = parse_plan_text(
            text or EXAMPLE.read_text(encoding="utf-8"),
            source="case.yaml",
            default_timezone="Europe/Stockholm",
        )
        async with self.db.session() as session:
            await import_plan(session=session, plan=plan, clock=self.clock)
            await session.commit()
            case = (await session.exec(select(Case).where(Case.ref == plan.ref))).one()
        return case

    async def member(self, key: str) -> Member:
        async with self.db.session() as session:
            return (await session.exec(select(Member).where(Member.key == key))).one()

    async def cycle(self) -> None:
        """One planner pass and one dispatch drain, as the scheduler would do."""
        await self.core.cycle()


@asynccontextmanager
async def make_env(
    db: Database,
    clock: FakeClock,
    *,
    policy: DispatchPolicy | None = None,
    team_lead_chat: int | None = None,
    daily_overview: bool = False,
    read_timeout: float = 10.0,
) -> AsyncIterator[Env]:
    """Wire sigbot to fresh fakes. ``read_timeout`` is generous by default: a loaded CI machine
    can take seconds to answer; the time-out tests pass a short one."""
    async with FakeTelegramServer() as tg, FakeTwilioServer() as tw:
        request = HTTPXRequest(read_timeout=read_timeout, connect_timeout=5.0)
        bot = Bot(tg.token, base_url=tg.base_url, request=request)
        await bot.initialize()
        sms = TwilioSmsChannel(
            account_sid=tw.account_sid,
            auth_token=tw.auth_token,
            sender=SENDER,
            api_url=tw.base_url,
            status_callback="http://sigbot.test/twilio/status",
            timeout=read_timeout,
        )
        channels: dict[str, Channel] = {"telegram": TelegramChannel(bot), "sms": sms}
        core = build_core(
            db=db,
            clock=clock,
            channels=channels,
            options=CoreOptions(
                dispatch=policy or DispatchPolicy(max_attempts=3),
                team_lead=TeamLead(team_lead_chat),
                daily_overview=daily_overview,
            ),
        )
        try:
            yield Env(core, clock, tg, tw, bot, sms)
        finally:
            await sms.close()
            await bot.shutdown()
