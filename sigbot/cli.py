"""The ``sigbot`` command: init, import, journal, invite, run, demo."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from sigbot.clock import SystemClock
from sigbot.db import Database, migrate
from sigbot.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from sigbot.app.core import Core

T = TypeVar("T")

app = typer.Typer(
    name="sigbot",
    help="Reminders, check-ins and escalation for SIG cases over Telegram and SMS.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        typer.echo(f"sigbot: configuration error: {exc}", err=True)
        raise typer.Exit(2) from None


def _run_db(settings: Settings, work: Callable[[Database], Awaitable[T]]) -> T:
    async def _main() -> T:
        db = Database.from_url(settings.database_url)
        try:
            return await work(db)
        finally:
            await db.dispose()

    return asyncio.run(_main())


@app.command()
def init() -> None:
    """Create the database schema, or upgrade it to the newest version. Safe to run twice."""
    from sigbot.db import current_revision

    settings = _settings()

    async def _work(db: Database) -> str | None:
        await migrate(db)
        return await current_revision(db)

    revision = _run_db(settings, _work)
    typer.echo(f"database ready (schema revision {revision})")


@app.command("import")
def import_(
    files: Annotated[
        list[Path], typer.Argument(help="plan files (YAML), one case each; see docs/plan-file.md")
    ],
    check: Annotated[
        bool, typer.Option("--check", help="only validate the files; write nothing")
    ] = False,
) -> None:
    """Create or update one case per plan file. A bad file is refused whole, the good ones are
    taken; the exit code is 2 if any file was refused."""
    settings = _settings()
    from sigbot.cli_import import import_files, say_totals

    refused = asyncio.run(import_files(settings, files, check=check))
    if len(files) > 1:
        say_totals(len(files), refused, check=check)
    if refused:
        raise typer.Exit(2)


@app.command()
def journal(
    ref: Annotated[str, typer.Argument(help="the case reference, e.g. ST-2026-014")],
    format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text or json")
    ] = OutputFormat.TEXT,
    lang: Annotated[str, typer.Option("--lang", help="sv, en, ar or so")] = "sv",
) -> None:
    """Show every event and message of one case, oldest first, in --lang (Swedish by default)."""
    from sigbot.journal import UnknownCase, render_journal
    from sigbot.languages import codes

    if lang not in codes():
        raise typer.BadParameter(f"one of {', '.join(codes())}", param_hint="--lang")
    settings = _settings()

    async def _work(db: Database) -> str | None:
        await migrate(db)
        async with db.session() as session:
            try:
                return await render_journal(
                    session, ref, as_json=format is OutputFormat.JSON, language=lang
                )
            except UnknownCase:
                return None

    out = _run_db(settings, _work)
    if out is None:
        typer.echo(f"sigbot: no case with reference {ref!r}", err=True)
        raise typer.Exit(1)
    typer.echo(out)


@app.command()
def invite(
    ref: Annotated[str, typer.Argument(help="the case reference")],
    member: Annotated[str, typer.Argument(help="the member key in the plan file")],
) -> None:
    """Print a one-time Telegram link (valid 7 days) that ties a chat to MEMBER of case REF."""
    from sigbot.domain.invites import UnknownMember, create_invite, deep_link
    from sigbot.journal import UnknownCase

    settings = _settings()
    if not settings.telegram_enabled:
        typer.echo("sigbot: TELEGRAM_BOT_TOKEN is not set; invitations need the bot", err=True)
        raise typer.Exit(2)

    async def _work(db: Database) -> str:
        username = await _bot_username(settings)
        await migrate(db)
        async with db.session() as session:
            try:
                found, code = await create_invite(
                    session, ref=ref, member_key=member, now=SystemClock().now()
                )
            except UnknownCase:
                return f"!no case with reference {ref!r}"
            except UnknownMember:
                return f"!case {ref} has no active member {member!r}"
            await session.commit()
        return f"Link for {found.name} (valid 7 days, works once):\n{deep_link(username, code)}"

    out = _run_db(settings, _work)
    if out.startswith("!"):
        typer.echo(f"sigbot: {out[1:]}", err=True)
        raise typer.Exit(1)
    typer.echo(out)


async def _bot_username(settings: Settings) -> str:
    """The bot's username from getMe (SIGBOT_BOT_USERNAME skips the call)."""
    import os

    from telegram import Bot

    configured = os.environ.get("SIGBOT_BOT_USERNAME")
    if configured:
        return configured
    assert settings.telegram_bot_token
    async with Bot(settings.telegram_bot_token, base_url=settings.telegram_api_url) as bot:
        me = await bot.get_me()
    return str(me.username)


@app.command()
def schema() -> None:
    """Print the plan file's JSON Schema."""
    from sigbot.planfile.schema import json_schema

    typer.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))


@app.command()
def demo(
    days: Annotated[int, typer.Option(help="how many days to play", min=1, max=60)] = 28,
    serve: Annotated[
        bool,
        typer.Option(
            "--serve",
            help="afterwards, keep the workspace open on 127.0.0.1, logged in as the demo "
            "coordinator, until Ctrl-C",
        ),
    ] = False,
    port: Annotated[int, typer.Option(help="port for --serve", min=0, max=65535)] = 8080,
) -> None:
    """Play about four weeks of an example case on a simulated clock: no tokens, no network."""
    from sigbot.demo import run_demo
    from sigbot.demo.serve import serve_workspace
    from sigbot.logs import configure_logging
    from sigbot.messages.translator import Translator

    configure_logging("WARNING")

    async def then(core: Core) -> None:
        await serve_workspace(core, port=port, out=typer.echo)

    try:
        counts = asyncio.run(
            run_demo(catalog=Translator(), days=days, then=then if serve else None)
        )
    except KeyboardInterrupt:
        return
    if counts["sent"] == 0:
        raise typer.Exit(1)


@app.command()
def run() -> None:
    """Run the service: Telegram bot, HTTP server (webhooks, /healthz) and scheduler."""
    from sigbot.app import run_until_signal
    from sigbot.logs import configure_logging

    settings = _settings()
    configure_logging(settings.log_level, settings.log_format)
    try:
        settings.require_secret_key()
    except SettingsError as exc:
        typer.echo(f"sigbot: {exc}", err=True)
        raise typer.Exit(2) from None
    if not (settings.telegram_enabled or settings.sms_enabled):
        typer.echo(
            "sigbot: warning: neither TELEGRAM_BOT_TOKEN nor TWILIO_* is set; nothing can be sent",
            err=True,
        )
    from sigbot.app import StartupError

    try:
        asyncio.run(run_until_signal(settings))
    except StartupError as exc:
        typer.echo(f"sigbot: cannot start: {exc}", err=True)
        raise typer.Exit(2) from None


def main() -> None:
    """Console entry point."""
    import os

    # python-telegram-bot 22: opt in to timedelta retry_after (the int form is deprecated).
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


# The person's rights (docs/privacy.md): access and erasure, kept in sigbot/cli_rights.py.
from sigbot.cli_rights import erase, export  # noqa: E402

app.command()(export)
app.command()(erase)

# Workspace accounts and API tokens (docs/workspace.md), kept in sigbot/cli_accounts.py.
from sigbot.cli_accounts import token_app, user_app  # noqa: E402

app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
