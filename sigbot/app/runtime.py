"""``sigbot run``'s parts, built from the settings: the channels the settings switch on, the
shared core (``sigbot.app.core``), the Telegram bot with sigbot's handlers, and what
``/healthz`` reports. Building starts nothing; ``sigbot.app.service`` starts and stops it."""

from __future__ import annotations

import asyncio
import socket
import uuid
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import text
from telegram.ext import Application, ApplicationBuilder

from sigbot.app.core import Core, CoreOptions, build_core
from sigbot.channels.base import Channel
from sigbot.channels.telegram import TelegramChannel
from sigbot.channels.twilio_sms import TwilioSmsChannel
from sigbot.clock import Clock, SystemClock
from sigbot.db import Database
from sigbot.domain.escalations import TeamLead
from sigbot.handlers import telegram as telegram_handlers
from sigbot.handlers.services import Services
from sigbot.models import ChannelKind
from sigbot.outbox.dispatcher import DispatchPolicy
from sigbot.outbox.ratelimit import RateLimiter
from sigbot.settings import Settings

PTBApp = Application[Any, Any, Any, Any, Any, Any]
FAILING_AFTER = 5  # sends failed in a row before /healthz calls a channel not ok


@dataclass
class Runtime:
    """Everything ``sigbot run`` holds while it runs."""

    settings: Settings
    core: Core
    telegram: PTBApp | None = None
    sms: TwilioSmsChannel | None = None
    scheduler: AsyncIOScheduler | None = None
    server: uvicorn.Server | None = None
    server_task: asyncio.Task[None] | None = None
    job_errors: dict[str, str] = field(default_factory=dict)
    busy: int = 0
    socket: socket.socket | None = None

    async def health(self) -> dict[str, Any]:
        """Status of the database, the scheduler and each channel, for /healthz."""
        out: dict[str, Any] = {}
        try:
            async with self.core.db.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            out["database"] = {"ok": True}
        except Exception as exc:  # health must report, not raise
            out["database"] = {"ok": False, "error": type(exc).__name__}
        running = self.scheduler is not None and self.scheduler.running
        out["scheduler"] = {"ok": running and not self.job_errors, "errors": self.job_errors}
        channels: dict[str, Any] = {}
        for name in (ChannelKind.TELEGRAM, ChannelKind.SMS):
            failing = self.core.dispatcher.failures_in_a_row.get(name, 0)
            channels[name] = {
                "enabled": name in self.core.channels,
                "ok": failing < FAILING_AFTER,
                "failures_in_a_row": failing,
            }
        channels["ok"] = all(c["ok"] for c in channels.values() if isinstance(c, dict))
        out["channels"] = channels
        return out


def build_telegram(settings: Settings) -> PTBApp:
    """The python-telegram-bot Application, polling or (webhook mode) without an updater."""
    assert settings.telegram_bot_token
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.telegram_api_url.replace("/bot", "/file/bot"))
    )
    if settings.telegram_mode == "webhook":
        builder = builder.updater(None)
    return builder.build()


def build_sms(settings: Settings) -> TwilioSmsChannel:
    """The Twilio channel; its status callbacks come back to this service."""
    assert settings.twilio_account_sid and settings.twilio_auth_token and settings.twilio_from
    return TwilioSmsChannel(
        account_sid=settings.twilio_account_sid,
        auth_token=settings.twilio_auth_token,
        sender=settings.twilio_from,
        api_url=settings.twilio_api_url,
        status_callback=settings.public_url.rstrip("/") + "/twilio/status",
    )


async def build_runtime(
    settings: Settings, *, clock: Clock | None = None, db: Database | None = None
) -> Runtime:
    """Build (not start) every part from the settings."""
    channels: dict[str, Channel] = {}
    limiters: dict[str, RateLimiter] = {}
    telegram_app = build_telegram(settings) if settings.telegram_enabled else None
    if telegram_app is not None:
        channels[ChannelKind.TELEGRAM] = TelegramChannel(telegram_app.bot)
        limiters[ChannelKind.TELEGRAM] = RateLimiter(
            settings.telegram_rate_per_second, per_address_gap=1.0
        )
    sms = build_sms(settings) if settings.sms_enabled else None
    if sms is not None:
        channels[ChannelKind.SMS] = sms
        limiters[ChannelKind.SMS] = RateLimiter(settings.sms_rate_per_second)
    core = build_core(
        db=db or Database.from_url(settings.database_url),
        clock=clock or SystemClock(),
        channels=channels,
        limiters=limiters,
        options=CoreOptions(
            dispatch=DispatchPolicy(max_attempts=settings.max_send_attempts),
            team_lead=TeamLead(settings.team_lead_telegram_chat_id),
            coordinator_alerts_in_quiet_hours=settings.coordinator_alerts_in_quiet_hours,
            worker_id=f"run-{uuid.uuid4().hex[:8]}",
        ),
    )
    if telegram_app is not None:
        telegram_handlers.install(
            telegram_app,
            Services(db=core.db, clock=core.clock, messenger=core.messenger, inbound=core.inbound),
        )
    return Runtime(settings=settings, core=core, telegram=telegram_app, sms=sms)
