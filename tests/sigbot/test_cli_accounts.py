"""`sigbot user` and `sigbot token` as an operator uses them (docs/workspace.md, "Accounts")."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from sigbot.cli import app
from sigbot.db import Database
from sigbot.domain.accounts import account_for_token
from sigbot.domain.web_sessions import LoginRefused, SessionPolicy, log_in, resume
from tests.sigbot.test_cli import Run

PASSWORD = "a long passphrase"
POLICY = SessionPolicy(secret_key="a-secret-key-of-at-least-32-characters")
MAJA = ("user", "add", "maja", "--role", "coordinator", "--name", "Maja Berg", "--team", "north")
MAJA_CONTACTS = ("--telegram-chat-id", "2001", "--phone", "+46701234570", "--password-stdin")


@pytest.fixture
def run(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Run:
    """Run ``sigbot ...`` in-process against the test database; ``input`` is stdin."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def _run(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return _run


def _now() -> datetime:
    return datetime.now(UTC)


async def _log_in(url: str, username: str, password: str) -> str:
    """Log in as the workspace's form does; returns the session cookie's token."""
    db = Database.from_url(url)
    try:
        async with db.session() as session:
            started = await log_in(
                session,
                username=username,
                password=password,
                remote="127.0.0.1",
                policy=POLICY,
                now=_now(),
            )
            await session.commit()
        return started.token
    finally:
        await db.dispose()


async def _works(url: str, *, cookie: str, token: str) -> tuple[bool, bool]:
    """Whether the session cookie and the bearer token still find their account."""
    db = Database.from_url(url)
    try:
        async with db.session() as session:
            by_cookie = await resume(session, token=cookie, policy=POLICY, now=_now())
            by_token = await account_for_token(session, token, _now())
        return by_cookie is not None, by_token is not None
    finally:
        await db.dispose()


def test_added_accounts_are_listed_without_secrets_or_numbers(run: Run) -> None:
    """`user add` then `user list`: a table of the accounts that says whether a chat or phone
    is set but never shows the number, the chat id or the password's hash."""
    added = run(*MAJA, *MAJA_CONTACTS, input=f"{PASSWORD}\n")
    assert added.exit_code == 0, added.output
    assert added.stdout == "account maja added (coordinator)\n"
    root = ("user", "add", "root", "--role", "admin", "--language", "en", "--password-stdin")
    admin = run(*root, input=f"{PASSWORD}\n")
    assert admin.exit_code == 0, admin.output
    listed = run("user", "list")
    assert listed.exit_code == 0
    assert listed.stdout.splitlines() == [
        "username  role         name       team   language  active  telegram  phone",
        "maja      coordinator  Maja Berg  north  sv        yes     yes       yes",
        "root      admin        root       -      en        yes     no        no",
    ]
    assert all(secret not in listed.output for secret in ("2001", "+4670", "argon2", PASSWORD))


def test_the_password_is_the_first_line_of_stdin(run: Run, database_url: str) -> None:
    """Only the line ending is taken off: the typed password logs in, with or without CR."""
    assert run(*MAJA, "--password-stdin", input=f"{PASSWORD} \r\nignored\n").exit_code == 0
    assert asyncio.run(_log_in(database_url, "maja", f"{PASSWORD} "))
    with pytest.raises(LoginRefused):
        asyncio.run(_log_in(database_url, "maja", PASSWORD))


def test_no_accounts_yet(run: Run) -> None:
    """`user list` on a new database says there are none and how to add one."""
    listed = run("user", "list")
    assert (listed.exit_code, listed.stdout) == (0, "no accounts yet (sigbot user add)\n")


@pytest.mark.parametrize(
    ("args", "stdin", "said"),
    [
        pytest.param(("--role", "boss"), PASSWORD, "role: 'boss' is not one of", id="role"),
        pytest.param(("--language", "de"), PASSWORD, "language: 'de' is not one of", id="lang"),
        pytest.param(("--phone", "0701234570"), PASSWORD, "phone: must be in E.164", id="phone"),
        pytest.param(
            ("--telegram-chat-id", "maja"), PASSWORD, "telegram-chat-id: 'maja' is not", id="chat"
        ),
        pytest.param((), "too short", "password: at least 12 characters", id="password"),
        pytest.param((), "", "password: at least 12 characters", id="empty-stdin"),
        pytest.param(("--name", "M" * 201), PASSWORD, "name: at most 200", id="name"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    run: Run, args: tuple[str, ...], stdin: str, said: str
) -> None:
    """One line on stderr naming the field, exit code 2, and no account is made."""
    result = run(*MAJA, "--password-stdin", *args, input=f"{stdin}\n" if stdin else "")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"sigbot: {said}")
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""
    assert run("user", "list").stdout == "no accounts yet (sigbot user add)\n"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        pytest.param(
            ("user", "add", "Maja Berg", "--role", "admin", "--password-stdin"),
            "username: 2-64 characters of a-z 0-9 _ . - starting with a letter or digit",
            id="username",
        ),
        pytest.param(MAJA, "password: pipe it in and pass --password-stdin", id="no-stdin-flag"),
    ],
)
def test_a_bad_username_or_no_password_is_refused(
    run: Run, args: tuple[str, ...], said: str
) -> None:
    """A username that is not one, or no --password-stdin, is refused with exit code 2."""
    result = run(*args, input=f"{PASSWORD}\n")
    assert (result.exit_code, result.stderr) == (2, f"sigbot: {said}\n")


def test_a_username_is_taken_once(run: Run) -> None:
    """A second `user add maja` is refused with exit 2 and the first account is unchanged."""
    assert run(*MAJA, "--password-stdin", input=f"{PASSWORD}\n").exit_code == 0
    again = run("user", "add", "maja", "--role", "admin", "--password-stdin", input=PASSWORD)
    assert (again.exit_code, again.stderr) == (2, "sigbot: username: 'maja' is taken\n")
    assert "maja      coordinator" in run("user", "list").stdout


def test_token_create_prints_the_token_alone(run: Run, database_url: str) -> None:
    """stdout is the token and a newline, nothing else; the token finds the account."""
    assert run(*MAJA, "--password-stdin", input=f"{PASSWORD}\n").exit_code == 0
    created = run("token", "create", "maja")
    assert created.exit_code == 0
    token = created.stdout.removesuffix("\n")
    assert token.startswith("sigbot_") and "\n" not in token and " " not in token
    cookie = asyncio.run(_log_in(database_url, "maja", PASSWORD))
    assert asyncio.run(_works(database_url, cookie=cookie, token=token)) == (True, True)


def test_disable_ends_the_session_and_the_token(run: Run, database_url: str) -> None:
    """After `user disable` the browser session and the API token find nothing, no new token
    is given, and the list shows the account inactive."""
    assert run(*MAJA, "--password-stdin", input=f"{PASSWORD}\n").exit_code == 0
    token = run("token", "create", "maja").stdout.strip()
    cookie = asyncio.run(_log_in(database_url, "maja", PASSWORD))
    disabled = run("user", "disable", "maja")
    assert disabled.exit_code == 0
    assert "account maja disabled" in disabled.stdout
    assert asyncio.run(_works(database_url, cookie=cookie, token=token)) == (False, False)
    refused = run("token", "create", "maja")
    assert (refused.exit_code, refused.stdout) == (1, "")
    assert refused.stderr == "sigbot: account 'maja' is disabled\n"
    assert "maja      coordinator  Maja Berg  north  sv        no" in run("user", "list").stdout


def test_token_revoke_ends_every_token(run: Run, database_url: str) -> None:
    """`token revoke` ends the account's tokens and says how many; the session lives on."""
    assert run(*MAJA, "--password-stdin", input=f"{PASSWORD}\n").exit_code == 0
    token = run("token", "create", "maja").stdout.strip()
    cookie = asyncio.run(_log_in(database_url, "maja", PASSWORD))
    revoked = run("token", "revoke", "maja")
    assert (revoked.exit_code, revoked.stdout) == (0, "1 API token(s) of maja revoked\n")
    assert asyncio.run(_works(database_url, cookie=cookie, token=token)) == (True, False)


@pytest.mark.parametrize(
    "args",
    [("user", "disable", "nobody"), ("token", "create", "nobody"), ("token", "revoke", "nobody")],
    ids=["disable", "token-create", "token-revoke"],
)
def test_an_unknown_account_exits_1(run: Run, args: tuple[str, ...]) -> None:
    """An unknown username is said on stderr with exit code 1 and nothing on stdout."""
    result = run(*args)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "sigbot: no account 'nobody'\n"


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (("user",), "Workspace accounts"),
        (("user", "add"), "password is read from the first line"),
        (("user", "list"), "never the"),
        (("user", "disable"), "sessions end"),
        (("token",), "API bearer tokens"),
        (("token", "create"), "shown once"),
        (("token", "revoke"), "Revoke every API token"),
    ],
)
def test_every_command_explains_itself(
    command: tuple[str, ...], said: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--help` of each account command exits 0 and says what it does."""
    monkeypatch.setenv("COLUMNS", "200")
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert said in result.stdout
