"""The small container of services the Telegram handlers reach through ``bot_data``."""

from __future__ import annotations

from dataclasses import dataclass

from sigbot.clock import Clock
from sigbot.db import Database
from sigbot.domain.inbound import InboundHandler
from sigbot.outbox.messenger import Messenger


@dataclass(frozen=True)
class Services:
    db: Database
    clock: Clock
    messenger: Messenger
    inbound: InboundHandler
