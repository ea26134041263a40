"""The small container of services the Telegram handlers reach through ``bot_data``."""

from __future__ import annotations

from dataclasses import dataclass

from telegram.ext import ContextTypes

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


SERVICES_KEY = "sigbot.services"


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """The container the wiring put in ``bot_data`` (handlers.telegram.install)."""
    found = context.bot_data.get(SERVICES_KEY)
    assert isinstance(found, Services), "services not installed on the Application"
    return found
