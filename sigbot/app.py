"""The one place that builds and starts everything: settings, database, channels, bot, HTTP
server and scheduler, and stops them together. Nothing starts at import time."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import structlog
import uvicorn
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application, ApplicationBuilder

from sigbot.channels.base import Channel
from sigbot.channels.telegram import TelegramChannel
from sigbot.channels.twilio_sms import TwilioSmsChannel
from sigbot.clock import Clock, SystemClock
from sigbot.db import Database, migrate
from sigbot.domain.delivery import StatusRecorder
from sigbot.domain.escalations import TeamLead
from sigbot.domain.inbound import InboundHandler
from sigbot.handlers import telegram as telegram_handlers
from sigbot.handlers.http import HttpDeps, build_http_app
from sigbot.handlers.services import Services
from sigbot.messages.texts import MessageComposer
from sigbot.messages.translator import Translator
from sigbot.outbox.dispatcher import Dispatcher, DispatchPolicy
from sigbot.outbox.messenger import Messenger
from sigbot.outbox.ratelimit import RateLimiter
from sigbot.scheduler.planner import Planner
from sigbot.settings import Settings

log = structlog.get_logger(__name__)

PTBApp = Application[Any, Any, Any, Any, Any, Any]


@dataclass
class Runtime:
    """Everything ``sigbot run`` holds while it runs."""

    settings: Settings
    clock: Clock
    db: Database
    messenger: Messenger
    dispatcher: Dispatcher
    inbound: InboundHandler
    status: StatusRecorder
    planner: Planner
    channels: dict[str, Channel]
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
            async with self.db.engine.connect() as conn:
                from sqlalchemy import text

                await conn.execute(text("SELECT 1"))
            out["database"] = {"ok": True}
        except Exception as exc:  # health must report, not raise
            out["database"] = {"ok": False, "error": type(exc).__name__}
        running = self.scheduler is not None and self.scheduler.running
        out["scheduler"] = {"ok": running and not self.job_errors, "errors": self.job_errors}
        channels: dict[str, Any] = {}
        for name in ("telegram", "sms"):
            failing = self.dispatcher.failures_in_a_row.get(name, 0)
            channels[name] = {
                "enabled": name in self.channels,
                "ok": failing < 5,
                "failures_in_a_row": failing,
            }
        channels["ok"] = all(c["ok"] for c in channels.values() if isinstance(c, dict))
        out["channels"] = channels
        return out


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: ``sigbot run`` stops everything in order."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


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


async def build_runtime(
    settings: Settings, *, clock: Clock | None = None, db: Database | None = None
) -> Runtime:
    """Build (not start) every part from the settings."""
    clock = clock or SystemClock()
    db = db or Database.from_url(settings.database_url)
    channels: dict[str, Channel] = {}
    limiters: dict[str, RateLimiter] = {}
    telegram_app = None
    if settings.telegram_enabled:
        telegram_app = build_telegram(settings)
        channels["telegram"] = TelegramChannel(telegram_app.bot)
        limiters["telegram"] = RateLimiter(settings.telegram_rate_per_second, per_address_gap=1.0)
    sms = None
    if settings.sms_enabled:
        assert settings.twilio_account_sid and settings.twilio_auth_token and settings.twilio_from
        sms = TwilioSmsChannel(
            account_sid=settings.twilio_account_sid,
            auth_token=settings.twilio_auth_token,
            sender=settings.twilio_from,
            api_url=settings.twilio_api_url,
            status_callback=settings.public_url.rstrip("/") + "/twilio/status",
        )
        channels["sms"] = sms
        limiters["sms"] = RateLimiter(settings.sms_rate_per_second)
    messenger = Messenger(
        MessageComposer(Translator()),
        frozenset(channels),
        coordinators_keep_quiet_hours=not settings.coordinator_alerts_in_quiet_hours,
    )
    dispatcher = Dispatcher(
        db=db,
        channels=channels,
        messenger=messenger,
        clock=clock,
        limiters=limiters,
        policy=DispatchPolicy(max_attempts=settings.max_send_attempts),
        worker_id=f"run-{uuid.uuid4().hex[:8]}",
    )
    inbound = InboundHandler(db=db, messenger=messenger, clock=clock)
    planner = Planner(
        db=db,
        messenger=messenger,
        clock=clock,
        team_lead=TeamLead(settings.team_lead_telegram_chat_id),
        coordinator_alerts_in_quiet_hours=settings.coordinator_alerts_in_quiet_hours,
    )
    runtime = Runtime(
        settings=settings,
        clock=clock,
        db=db,
        messenger=messenger,
        dispatcher=dispatcher,
        inbound=inbound,
        status=StatusRecorder(db=db, clock=clock, messenger=messenger),
        planner=planner,
        channels=channels,
        telegram=telegram_app,
        sms=sms,
    )
    if telegram_app is not None:
        telegram_handlers.install(
            telegram_app, Services(db=db, clock=clock, messenger=messenger, inbound=inbound)
        )
    return runtime


async def _guarded(runtime: Runtime, name: str, work: Any) -> None:
    """Run a periodic job; an error is logged and shown in /healthz, never kills the loop."""
    runtime.busy += 1
    try:
        await work()
        runtime.job_errors.pop(name, None)
    except Exception as exc:
        runtime.job_errors[name] = type(exc).__name__
        log.exception("job failed", job=name)
    finally:
        runtime.busy -= 1


class StartupError(RuntimeError):
    """sigbot could not start; the message names the setting to look at."""


async def start(runtime: Runtime) -> None:
    """Start in order: schema, Telegram, HTTP server, scheduler."""
    settings = runtime.settings
    try:
        # Bind first: a port in use is a clear start-up error, not a crash later.
        sock = socket.create_server((settings.http_host, settings.http_port), reuse_port=False)
    except OSError as exc:
        raise StartupError(
            f"SIGBOT_HTTP_PORT: cannot listen on {settings.http_host}:{settings.http_port} "
            f"({exc.strerror})"
        ) from exc
    runtime.socket = sock
    try:
        await migrate(runtime.db)
    except (OSError, SQLAlchemyError) as exc:
        raise StartupError(
            f"DATABASE_URL: cannot open the database ({type(exc).__name__})"
        ) from exc
    if runtime.telegram is not None:
        try:
            await runtime.telegram.initialize()
        except InvalidToken as exc:
            raise StartupError("TELEGRAM_BOT_TOKEN: the Bot API rejected the token") from exc
        except TelegramError as exc:
            raise StartupError(
                f"TELEGRAM_API_URL: cannot reach the Bot API ({type(exc).__name__})"
            ) from exc
        await runtime.telegram.start()
        if settings.telegram_mode == "polling" and runtime.telegram.updater is not None:
            await runtime.telegram.updater.start_polling(drop_pending_updates=False)
        else:
            # Webhook mode: Telegram posts to us and proves it with the secret token.
            await runtime.telegram.bot.set_webhook(
                url=settings.public_url.rstrip("/") + "/telegram/webhook",
                secret_token=settings.telegram_webhook_secret,
            )
    telegram_app = runtime.telegram

    async def feed_update(data: dict[str, Any]) -> None:
        assert telegram_app is not None
        await telegram_app.update_queue.put(Update.de_json(data, telegram_app.bot))

    deps = HttpDeps(
        public_url=settings.public_url,
        inbound=runtime.inbound,
        status=runtime.status,
        health=runtime.health,
        twilio_auth_token=settings.twilio_auth_token,
        telegram_secret=settings.telegram_webhook_secret,
        telegram_update=feed_update if settings.telegram_mode == "webhook" else None,
    )
    config = uvicorn.Config(
        build_http_app(deps),
        host=settings.http_host,
        port=settings.http_port,
        log_level="warning",
        access_log=False,
        lifespan="off",
    )
    runtime.server = _Server(config)
    runtime.server_task = asyncio.create_task(runtime.server.serve(sockets=[sock]))
    scheduler = AsyncIOScheduler(timezone="UTC")
    jobs = {
        "dispatch": (runtime.dispatcher.drain, 1),
        "plan": (runtime.planner.tick, 15),
    }
    for name, (work, seconds) in jobs.items():
        scheduler.add_job(
            _guarded,
            "interval",
            seconds=seconds,
            args=[runtime, name, work],
            id=name,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=30,
            next_run_time=datetime.now(UTC),  # first run at start, not one interval later
        )
    scheduler.start()
    runtime.scheduler = scheduler
    # uvicorn offers no "started" event to wait on; poll its flag briefly.
    while not runtime.server.started and not runtime.server_task.done():  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    if runtime.server_task.done() and not runtime.server.started:
        raise StartupError(
            f"SIGBOT_HTTP_PORT: cannot listen on {settings.http_host}:{settings.http_port}"
        )
    log.info(
        "started",
        telegram=runtime.telegram is not None,
        sms=runtime.sms is not None,
        port=settings.http_port,
    )


async def stop(runtime: Runtime) -> None:
    """Stop taking new work, let in-flight sends finish, close everything."""
    runtime.dispatcher.stopping = True
    if runtime.scheduler is not None and runtime.scheduler.running:
        # No new jobs; let the running ones finish their current send (bounded: 30 s).
        # Shutting the scheduler down first would cancel them mid-send.
        runtime.scheduler.pause()
        for _ in range(600):
            if runtime.busy == 0:
                break
            await asyncio.sleep(0.05)
        runtime.scheduler.shutdown(wait=False)
    if runtime.server is not None:
        runtime.server.should_exit = True
        if runtime.server_task is not None:
            with contextlib.suppress(asyncio.CancelledError, SystemExit):
                await runtime.server_task
    if runtime.telegram is not None:
        if runtime.telegram.updater is not None and runtime.telegram.updater.running:
            await runtime.telegram.updater.stop()
        if runtime.telegram.running:
            await runtime.telegram.stop()
        with contextlib.suppress(TelegramError, RuntimeError):
            await runtime.telegram.shutdown()
    if runtime.sms is not None:
        await runtime.sms.close()
    if runtime.socket is not None:
        runtime.socket.close()
    await runtime.db.dispose()
    log.info("stopped")


async def run_until_signal(settings: Settings) -> None:
    """``sigbot run``: start, wait for SIGINT/SIGTERM, stop cleanly."""
    runtime = await build_runtime(settings)
    stop_event = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop_event.set)
    try:
        await start(runtime)
        await stop_event.wait()
    finally:
        await stop(runtime)
