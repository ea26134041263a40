"""Start and stop ``sigbot run`` in order: schema, Telegram, HTTP server, scheduler jobs; and on
SIGINT/SIGTERM stop taking work, let in-flight sends finish, close everything."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import structlog
import uvicorn
from fastapi import FastAPI
from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.error import InvalidToken, TelegramError

from sigbot.app.runtime import PTBApp, Runtime, build_runtime
from sigbot.db import migrate
from sigbot.domain.web_sessions import SessionPolicy
from sigbot.handlers.http import HttpDeps, build_http_app
from sigbot.handlers.telegram_staff import publish_command_menus
from sigbot.handlers.workspace.app import build_workspace
from sigbot.handlers.workspace.deps import WorkspaceDeps
from sigbot.scheduler.jobs import (
    DISPATCH_EVERY_S,
    OVERVIEW_EVERY_S,
    PLAN_EVERY_S,
    Work,
    start_jobs,
)
from sigbot.scheduler.rules.retention import RETENTION_EVERY_S, RetentionJob
from sigbot.settings import Settings

log = structlog.get_logger(__name__)


class StartupError(RuntimeError):
    """sigbot could not start; the message names the setting to look at."""


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: ``sigbot run`` stops everything in order."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def start(runtime: Runtime) -> None:
    """Start in order: schema, Telegram, HTTP server, scheduler."""
    settings = runtime.settings
    try:
        # Bind first: a port in use is a clear start-up error, not a crash later.
        runtime.socket = socket.create_server((settings.http_host, settings.http_port))
    except OSError as exc:
        raise StartupError(
            f"SIGBOT_HTTP_PORT: cannot listen on {settings.http_host}:{settings.http_port} "
            f"({exc.strerror})"
        ) from exc
    try:
        await migrate(runtime.core.db)
    except (OSError, SQLAlchemyError) as exc:
        raise StartupError(
            f"DATABASE_URL: cannot open the database ({type(exc).__name__})"
        ) from exc
    if runtime.telegram is not None:
        await _start_telegram(runtime.telegram, settings)
        # Staff chats get their own command menu (/today, /alerts, /case).
        await publish_command_menus(runtime.telegram.bot, runtime.core.db)
    await _start_http(runtime)

    async def guarded(name: str, work: Work) -> None:
        await _guarded(runtime, name, work)

    core = runtime.core
    runtime.scheduler = start_jobs(
        {
            "dispatch": (core.dispatcher.drain, DISPATCH_EVERY_S),
            "plan": (core.planner.plan, PLAN_EVERY_S),
            "overview": (core.planner.morning_overview, OVERVIEW_EVERY_S),
            "retention": (
                RetentionJob(
                    db=core.db, clock=core.clock, retention_days=settings.retention_days
                ).run,
                RETENTION_EVERY_S,
            ),
        },
        guarded,
    )
    log.info(
        "started",
        telegram=runtime.telegram is not None,
        sms=runtime.sms is not None,
        port=settings.http_port,
    )


async def _start_telegram(telegram: PTBApp, settings: Settings) -> None:
    try:
        await telegram.initialize()
    except InvalidToken as exc:
        raise StartupError("TELEGRAM_BOT_TOKEN: the Bot API rejected the token") from exc
    except TelegramError as exc:
        raise StartupError(
            f"TELEGRAM_API_URL: cannot reach the Bot API ({type(exc).__name__})"
        ) from exc
    await telegram.start()
    if settings.telegram_mode == "polling" and telegram.updater is not None:
        await telegram.updater.start_polling(drop_pending_updates=False)
    else:
        # Webhook mode: Telegram posts to us and proves it with the secret token.
        await telegram.bot.set_webhook(
            url=settings.public_url.rstrip("/") + "/telegram/webhook",
            secret_token=settings.telegram_webhook_secret,
        )


async def _start_http(runtime: Runtime) -> None:
    """Serve the webhooks and /healthz on the socket bound at start."""
    settings, telegram = runtime.settings, runtime.telegram
    assert runtime.socket is not None

    async def feed_update(data: dict[str, Any]) -> None:
        assert telegram is not None
        try:
            update = Update.de_json(data, telegram.bot)
        except (TypeError, KeyError, AttributeError, ValueError):
            raise ValueError("not an update") from None
        await telegram.update_queue.put(update)

    deps = HttpDeps(
        public_url=settings.public_url,
        inbound=runtime.core.inbound,
        status=runtime.core.status,
        health=runtime.health,
        twilio_auth_token=settings.twilio_auth_token,
        telegram_secret=settings.telegram_webhook_secret,
        telegram_update=feed_update if settings.telegram_mode == "webhook" else None,
        workspace=_workspace(runtime),
    )
    config = uvicorn.Config(
        build_http_app(deps),
        host=settings.http_host,
        port=settings.http_port,
        log_level="warning",
        log_config=None,  # uvicorn's records go through sigbot's filter (no request data)
        access_log=False,
        lifespan="off",
    )
    server = runtime.server = _Server(config)
    task = runtime.server_task = asyncio.create_task(server.serve(sockets=[runtime.socket]))
    # uvicorn offers no "started" event to wait on; poll its flag briefly.
    while not server.started and not task.done():  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    if task.done() and not server.started:
        raise StartupError(
            f"SIGBOT_HTTP_PORT: cannot listen on {settings.http_host}:{settings.http_port}"
        )


def _workspace(runtime: Runtime) -> FastAPI | None:
    """The coordinators' workspace, unless SIGBOT_WORKSPACE=off."""
    settings, telegram = runtime.settings, runtime.telegram
    secret = settings.require_secret_key()
    if secret is None:
        return None

    async def plan_now() -> None:
        # A change from the workspace is planned now, not at the next 15-second pass.
        if runtime.scheduler is not None and runtime.scheduler.running:
            runtime.scheduler.modify_job("plan", next_run_time=datetime.now(UTC))

    return build_workspace(
        WorkspaceDeps(
            db=runtime.core.db,
            clock=runtime.core.clock,
            sessions=SessionPolicy(secret_key=secret),
            secure_cookies=settings.public_url.startswith("https://"),
            default_timezone=settings.timezone,
            bot_username=lambda: telegram.bot.username if telegram is not None else None,
            changed=plan_now,
        )
    )


async def _guarded(runtime: Runtime, name: str, work: Work) -> None:
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


async def stop(runtime: Runtime) -> None:
    """Stop taking new work, let in-flight sends finish, close everything."""
    runtime.core.dispatcher.stopping = True
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
        await _stop_telegram(runtime.telegram)
    if runtime.sms is not None:
        await runtime.sms.close()
    if runtime.socket is not None:
        runtime.socket.close()
    await runtime.core.db.dispose()
    log.info("stopped")


async def _stop_telegram(telegram: PTBApp) -> None:
    if telegram.updater is not None and telegram.updater.running:
        await telegram.updater.stop()
    if telegram.running:
        await telegram.stop()
    with contextlib.suppress(TelegramError, RuntimeError):
        await telegram.shutdown()


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
