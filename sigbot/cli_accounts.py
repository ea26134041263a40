"""``sigbot user`` and ``sigbot token``: workspace accounts and their API bearer tokens
(docs/workspace.md, "Accounts"). Registered on the ``sigbot`` command in ``sigbot/cli.py``;
kept apart so that module stays small.

Bad input is refused with one line naming the field and exit code 2; an unknown or disabled
account with exit code 1. Passwords come on stdin, never on the command line (where ``ps`` and
the shell's history would show them); ``user list`` shows whether a phone or chat is set, never
the number.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from sigbot.clock import SystemClock
from sigbot.db import Database, migrate

if TYPE_CHECKING:
    from sigbot.models import Account

user_app = typer.Typer(
    help="Workspace accounts for coordinators, team leads and admins: add, list, disable.",
    no_args_is_help=True,
)
token_app = typer.Typer(
    help="API bearer tokens of workspace accounts (for the JSON API under /api/v1).",
    no_args_is_help=True,
)

UsernameArg = Annotated[str, typer.Argument(help="the account's username, e.g. maja")]
BAD_INPUT, UNKNOWN = 2, 1
COLUMNS = ("username", "role", "name", "team", "language", "active", "telegram", "phone")


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(f"sigbot: {message}", err=True)
    raise typer.Exit(code)


def _chat_id(raw: str | None) -> int | None:
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        _fail(f"telegram-chat-id: {raw!r} is not a number", BAD_INPUT)


def _password_from_stdin(given: bool) -> str:
    """The first line of stdin without its line ending."""
    if not given:
        _fail("password: pipe it in and pass --password-stdin", BAD_INPUT)
    return sys.stdin.readline().removesuffix("\n").removesuffix("\r")


RoleOpt = Annotated[str, typer.Option(help="coordinator, team_lead or admin", show_default=False)]
PasswordStdinOpt = Annotated[
    bool,
    typer.Option(
        "--password-stdin",
        help="read the password (at least 12 characters) from the first line of stdin",
    ),
]
NameOpt = Annotated[
    str | None,
    typer.Option(help="the name the workspace and journals show (default: the username)"),
]
LanguageOpt = Annotated[
    str, typer.Option(help="the language of the workspace and staff messages: sv, en, ar or so")
]
ChatOpt = Annotated[
    str | None, typer.Option(metavar="ID", help="Telegram chat for alerts and the staff commands")
]
PhoneOpt = Annotated[
    str | None, typer.Option(metavar="E164", help="number for SMS alerts, e.g. +46701234567")
]
TeamOpt = Annotated[
    str | None, typer.Option(help="the team; a team lead sees every case of their team")
]


@user_app.command("add")
def add(
    username: UsernameArg,
    role: RoleOpt,
    password_stdin: PasswordStdinOpt = False,
    name: NameOpt = None,
    language: LanguageOpt = "sv",
    telegram_chat_id: ChatOpt = None,
    phone: PhoneOpt = None,
    team: TeamOpt = None,
) -> None:
    """Add a workspace account. The password is read from the first line of stdin
    (--password-stdin), never from the command line."""
    from sigbot.cli import _run_db, _settings
    from sigbot.domain.accounts import AccountDetails, add_account
    from sigbot.domain.cases import RuleBroken

    details = AccountDetails(
        username=username,
        role=role,
        name=name or "",
        language=language,
        team=team,
        telegram_chat_id=_chat_id(telegram_chat_id),
        phone=phone,
    )
    try:
        details.check()
    except RuleBroken as exc:
        _fail(str(exc), BAD_INPUT)
    password = _password_from_stdin(password_stdin)

    async def _work(db: Database) -> Account:
        await migrate(db)
        async with db.session() as session:
            try:
                account = await add_account(
                    session, details=details, password=password, now=SystemClock().now()
                )
            except RuleBroken as exc:
                _fail(str(exc), BAD_INPUT)
            await session.commit()
        return account

    account = _run_db(_settings(), _work)
    typer.echo(f"account {account.username} added ({account.role})")


@user_app.command("list")
def list_() -> None:
    """List the workspace accounts: username, role, name, team, language, whether active, and
    whether a Telegram chat and a phone number are set (never the numbers)."""
    from sigbot.cli import _run_db, _settings
    from sigbot.domain.accounts import list_accounts

    async def _work(db: Database) -> list[Account]:
        await migrate(db)
        async with db.session() as session:
            return await list_accounts(session)

    accounts = _run_db(_settings(), _work)
    if not accounts:
        typer.echo("no accounts yet (sigbot user add)")
        return
    rows = [COLUMNS, *(_row(account) for account in accounts)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    for row in rows:
        typer.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )


def _row(account: Account) -> tuple[str, ...]:
    def yes(flag: bool) -> str:
        return "yes" if flag else "no"

    return (
        account.username,
        account.role,
        account.name,
        account.team or "-",
        account.language,
        yes(account.active),
        yes(account.telegram_chat_id is not None),
        yes(account.phone is not None),
    )


@user_app.command("disable")
def disable(username: UsernameArg) -> None:
    """Disable an account: its browser sessions end and its API tokens are revoked at once.
    The account is kept, so journals still name who did what."""
    from sigbot.cli import _run_db, _settings
    from sigbot.domain.accounts import UnknownAccount, disable_account

    async def _work(db: Database) -> None:
        await migrate(db)
        async with db.session() as session:
            try:
                await disable_account(session, username=username, now=SystemClock().now())
            except UnknownAccount:
                _fail(f"no account {username!r}", UNKNOWN)
            await session.commit()

    _run_db(_settings(), _work)
    typer.echo(f"account {username} disabled: its sessions ended and its API tokens were revoked")


@token_app.command("create")
def create(username: UsernameArg) -> None:
    """Print a new API bearer token for an active account, alone on stdout. It is shown once
    and stored hashed; send it as "Authorization: Bearer TOKEN"."""
    from sigbot.cli import _run_db, _settings
    from sigbot.domain.accounts import UnknownAccount, create_api_token
    from sigbot.domain.cases import RuleBroken

    async def _work(db: Database) -> str:
        await migrate(db)
        async with db.session() as session:
            try:
                token = await create_api_token(session, username=username, now=SystemClock().now())
            except UnknownAccount:
                _fail(f"no account {username!r}", UNKNOWN)
            except RuleBroken as exc:
                _fail(str(exc), UNKNOWN)
            await session.commit()
        return token

    typer.echo(_run_db(_settings(), _work))


@token_app.command("revoke")
def revoke(username: UsernameArg) -> None:
    """Revoke every API token of an account at once (the account itself stays active)."""
    from sigbot.cli import _run_db, _settings
    from sigbot.domain.accounts import UnknownAccount, revoke_api_tokens

    async def _work(db: Database) -> int:
        await migrate(db)
        async with db.session() as session:
            try:
                count = await revoke_api_tokens(session, username=username, now=SystemClock().now())
            except UnknownAccount:
                _fail(f"no account {username!r}", UNKNOWN)
            await session.commit()
        return count

    count = _run_db(_settings(), _work)
    typer.echo(f"{count} API token(s) of {username} revoked")
