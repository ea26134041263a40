"""The parts every way of running sigbot shares, built in one place: ``sigbot run``,
``sigbot demo`` and the tests differ only in their clock, database and channels."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sigbot.channels.base import Channel
from sigbot.clock import Clock
from sigbot.db import Database
from sigbot.domain.delivery import StatusRecorder
from sigbot.domain.escalations import TeamLead
from sigbot.domain.inbound import InboundHandler
from sigbot.messages.composer import Catalog, MessageComposer
from sigbot.messages.translator import Translator
from sigbot.outbox.dispatcher import Dispatcher, DispatchPolicy
from sigbot.outbox.messenger import Messenger
from sigbot.outbox.ratelimit import RateLimiter
from sigbot.scheduler.planner import Planner


@dataclass(frozen=True)
class CoreOptions:
    """The knobs the settings (or a test) choose."""

    dispatch: DispatchPolicy = field(default_factory=DispatchPolicy)
    team_lead: TeamLead = field(default_factory=lambda: TeamLead(None))
    coordinator_alerts_in_quiet_hours: bool = True
    daily_overview: bool = True
    worker_id: str | None = None


@dataclass(frozen=True)
class Core:
    """Messenger, dispatcher, planner, inbound and status handling over one database."""

    db: Database
    clock: Clock
    channels: Mapping[str, Channel]
    messenger: Messenger
    dispatcher: Dispatcher
    planner: Planner
    inbound: InboundHandler
    status: StatusRecorder

    async def cycle(self) -> None:
        """One planner pass and one dispatch drain, as the scheduler's two jobs would do."""
        await self.planner.tick()
        await self.dispatcher.drain()


def build_core(
    *,
    db: Database,
    clock: Clock,
    channels: Mapping[str, Channel],
    limiters: Mapping[str, RateLimiter] | None = None,
    catalog: Catalog | None = None,
    options: CoreOptions | None = None,
) -> Core:
    """Wire the domain and the scheduler over ``db``, ``clock`` and ``channels``."""
    options = options or CoreOptions()
    messenger = Messenger(
        MessageComposer(catalog or Translator()),
        frozenset(channels),
        coordinator_alerts_in_quiet_hours=options.coordinator_alerts_in_quiet_hours,
    )
    return Core(
        db=db,
        clock=clock,
        channels=channels,
        messenger=messenger,
        dispatcher=Dispatcher(
            db=db,
            channels=channels,
            messenger=messenger,
            clock=clock,
            limiters=limiters,
            policy=options.dispatch,
            worker_id=options.worker_id,
        ),
        planner=Planner(
            db=db,
            messenger=messenger,
            clock=clock,
            team_lead=options.team_lead,
            daily_overview=options.daily_overview,
        ),
        inbound=InboundHandler(db=db, messenger=messenger, clock=clock),
        status=StatusRecorder(db=db, clock=clock, messenger=messenger),
    )
