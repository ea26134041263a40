"""A real python-telegram-bot Application with sigbot's handlers, fed updates from the fake."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder

from sigbot.handlers import telegram as telegram_handlers
from sigbot.handlers.services import Services
from tests.sigbot.env import Env

PTBApp = Application[Any, Any, Any, Any, Any, Any]


@asynccontextmanager
async def bot_app(env: Env) -> AsyncIterator[PTBApp]:
    app = ApplicationBuilder().token(env.tg.token).base_url(env.tg.base_url).updater(None).build()
    telegram_handlers.install(
        app, Services(db=env.db, clock=env.clock, messenger=env.messenger, inbound=env.inbound)
    )
    await app.initialize()
    try:
        yield app
    finally:
        await app.shutdown()


async def feed(app: PTBApp, update: dict[str, Any]) -> None:
    await app.process_update(Update.de_json(update, app.bot))
