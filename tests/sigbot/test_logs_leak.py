"""Errors are logged without phone numbers, chat ids, names or message texts, in both formats,
yet still say what failed: the ids, the kinds and the exception's type."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import structlog
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from telegram import Update
from telegram.ext import ApplicationBuilder

from sigbot.app.core import CoreOptions, build_core
from sigbot.channels.base import Channel, Outgoing, SendResult
from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.handlers import telegram as telegram_handlers
from sigbot.handlers.services import Services
from sigbot.logs import configure_logging
from sigbot.models import Case, InboundMessage
from sigbot.planfile.importer import import_plan
from sigbot.planfile.loader import parse_plan_text
from tests.sigbot.env import make_env

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "case.yaml"
CHAT_IDS = {"1001": "731000001", "2001": "731000002", "2002": "731000003", "3001": "731000004"}
BODY = "Jag kan inte komma, ring mamma"
SECRETS = [
    "701234567",
    "701234568",
    "701234569",
    *CHAT_IDS.values(),
    "Noah",
    "Leila",
    "Maja",
    "Jonas",
    "Erik",
    "Karin",
    BODY,
    "Tensta träff",
    "BUP Järva",
]


def plan_text() -> str:
    """examples/case.yaml with chat ids long enough to be recognised in any output."""
    content = EXAMPLE.read_text(encoding="utf-8")
    for short, long in CHAT_IDS.items():
        content = content.replace(f"telegram_chat_id: {short}", f"telegram_chat_id: {long}")
    return content


@contextmanager
def restored_logging() -> Iterator[None]:
    """Whatever configure_logging changes is put back afterwards."""
    root = logging.getLogger()
    handlers, level, hook = list(root.handlers), root.level, sys.excepthook
    named = {n: logging.getLogger(n).level for n in ("httpx", "telegram", "apscheduler", "twilio")}
    saved = structlog.get_config()
    try:
        yield
    finally:
        _restore(root, handlers, level, named)
        sys.excepthook = hook
        structlog.configure(**saved)


def _restore(
    root: logging.Logger, handlers: list[logging.Handler], level: int, named: dict[str, int]
) -> None:
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    for handler in handlers:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(level)
    for name, named_level in named.items():
        logging.getLogger(name).setLevel(named_level)


@pytest.fixture(params=["console", "json"])
def log_format(request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]) -> Iterator[str]:
    """sigbot's logging as `sigbot run` sets it up, in each format; restored afterwards."""
    with restored_logging():
        configure_logging("INFO", request.param)
        yield str(request.param)


def assert_safe(output: str, fmt: str, *, says: list[str]) -> None:
    """No secret in the output (raw or JSON-decoded); every word of ``says`` is there."""
    readable = output
    if fmt == "json":
        lines = [json.loads(line) for line in output.splitlines() if line.strip()]
        assert lines and all(isinstance(line, dict) for line in lines)
        readable = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
    for secret in SECRETS:
        assert secret not in output and secret not in readable, secret
    for word in says:
        assert word in readable, word


class ExplodingChannel:
    """A provider adapter that fails in a way nobody planned for, quoting what it was given."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.bodies: list[str] = []

    async def send(self, message: Outgoing) -> SendResult:
        self.bodies.append(message.body)
        raise RuntimeError(f"provider refused {message.body!r} for {message.address}")


async def _load(db: Database, clock: FakeClock) -> Case:
    plan = parse_plan_text(plan_text(), source="case.yaml", default_timezone="Europe/Stockholm")
    async with db.session() as session:
        await import_plan(session=session, plan=plan, clock=clock)
        await session.commit()
    async with db.session() as session:
        case = await session.get(Case, 1)
        assert case is not None
        return case


async def test_dispatch_failure_log_holds_no_personal_data(
    db: Database, clock: FakeClock, log_format: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A channel raising with a number and a text in its message: the log names the row only."""
    exploding = {"telegram": ExplodingChannel("telegram"), "sms": ExplodingChannel("sms")}
    channels: dict[str, Channel] = dict(exploding)
    core = build_core(db=db, clock=clock, channels=channels)
    await _load(db, clock)
    await core.cycle()
    bodies = [body for channel in exploding.values() for body in channel.bodies]
    assert bodies, "the plan queued nothing due now"
    output = capsys.readouterr().err
    assert_safe(output, log_format, says=["dispatch failed", "outbox_id", "RuntimeError"])
    for body in bodies:
        assert body not in output


async def test_planning_failure_log_holds_no_personal_data(
    db: Database, clock: FakeClock, log_format: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A case whose stored time zone is a phone number breaks planning; the log says which case."""
    # The daily overview reads every case's zone outside the per-case guard: off here.
    core = build_core(db=db, clock=clock, channels={}, options=CoreOptions(daily_overview=False))
    case = await _load(db, clock)
    async with db.engine.begin() as conn:
        await conn.execute(
            text("UPDATE sig_case SET timezone = :tz WHERE id = :id"),
            {"tz": "+46701234567", "id": case.id},
        )
    await core.planner.tick()
    output = capsys.readouterr().err
    assert_safe(output, log_format, says=["planning failed for a case", "case_id", "ValueError"])


async def _refuse_inbound(db: Database, *, on: bool) -> None:
    """Make the database refuse every stored inbound message (or stop refusing)."""
    if db.is_postgres:
        sql = (
            "ALTER TABLE inbound_message ADD CONSTRAINT refuse_inbound CHECK (body = '') NOT VALID"
            if on
            else "ALTER TABLE inbound_message DROP CONSTRAINT IF EXISTS refuse_inbound"
        )
    else:
        sql = (
            "CREATE TRIGGER refuse_inbound BEFORE INSERT ON inbound_message "
            "BEGIN SELECT RAISE(ABORT, 'refused'); END"
            if on
            else "DROP TRIGGER IF EXISTS refuse_inbound"
        )
    async with db.engine.begin() as conn:
        await conn.execute(text(sql))


async def test_inbound_failure_log_holds_no_personal_data(
    db: Database, clock: FakeClock, log_format: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Telegram text the database refuses: python-telegram-bot's error log keeps it private."""
    async with make_env(db, clock) as env:
        await _load(db, clock)
        app = ApplicationBuilder().token(env.tg.token).base_url(env.tg.base_url).updater(None)
        ptb = app.build()
        telegram_handlers.install(
            ptb, Services(db=env.db, clock=clock, messenger=env.messenger, inbound=env.inbound)
        )
        await ptb.initialize()
        await _refuse_inbound(db, on=True)
        try:
            update = env.tg.push_message(int(CHAT_IDS["1001"]), BODY, first_name="Noah")
            await ptb.process_update(Update.de_json(update, ptb.bot))
        finally:
            await _refuse_inbound(db, on=False)
            await ptb.shutdown()
    output = capsys.readouterr().err
    assert_safe(output, log_format, says=["IntegrityError", "error"])


async def test_integrity_error_hides_its_parameters(
    db: Database, clock: FakeClock, log_format: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A duplicate row's IntegrityError neither says nor logs the values it was given."""
    case = await _load(db, clock)

    def row() -> InboundMessage:
        return InboundMessage(
            channel="sms",
            address="+46701234567",
            provider_id="SM-same",
            case_id=case.id,
            body=BODY,
            reply_kind="other",
            received_at=clock.now(),
        )

    with pytest.raises(IntegrityError) as caught:
        async with db.session() as session:
            session.add(row())
            await session.commit()
            session.add(row())
            await session.commit()
    assert BODY not in str(caught.value) and "701234567" not in str(caught.value)
    structlog.get_logger("test").error("store failed", case_id=case.id, exc_info=caught.value)
    output = capsys.readouterr().err
    assert_safe(output, log_format, says=["store failed", "case_id", "IntegrityError"])


def test_nested_values_and_objects_are_redacted(
    log_format: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Personal keys deep inside a value, numbers in free text and whole objects are hidden."""
    log = structlog.get_logger("test")
    log.warning(
        "odd input",
        outbox_id=7,
        detail={"member": {"phone": "+46701234568", "name": "Leila"}, "kind": "sms"},
        rows=[{"chat_id": 731000004}, {"text": BODY}],
        note="call +46 70 123 45 69 or 731000002",
        error=ValueError(f"bad text {BODY}"),
        who=Outgoing("+46701234567", BODY),
    )
    output = capsys.readouterr().err
    assert_safe(output, log_format, says=["odd input", "outbox_id", "ValueError", "Outgoing"])


def test_uncaught_exception_is_logged_without_its_message(
    log_format: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A crash reaches stderr as a log line with the type and frames, not the message."""
    message = f"no member with number {'+46701234567'} ({BODY})"
    try:
        raise KeyError(message)
    except KeyError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    output = capsys.readouterr().err
    assert_safe(output, log_format, says=["uncaught exception", "KeyError", "test_logs_leak.py"])


def test_library_records_go_through_the_same_filter(
    log_format: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A library's own error record (with an exception and a number) is masked too."""
    message = "sms to {} failed".format("+46701234569")
    try:
        raise ConnectionError(message)
    except ConnectionError:
        logging.getLogger("telegram.ext.Application").exception(
            "update %s from chat %s failed", 12, 731000001
        )
    output = capsys.readouterr().err
    assert_safe(output, log_format, says=["update 12 from chat", "ConnectionError"])


def test_format_defaults_to_the_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without a format given (sigbot demo), SIGBOT_LOG_FORMAT=json gives one JSON object a line."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SIGBOT_LOG_FORMAT", "json")
    with restored_logging():
        configure_logging("INFO")
        structlog.get_logger("test").info("demo started", days=28)
        output = capsys.readouterr().err
    assert json.loads(output) | {"timestamp": "t"} == {
        "days": 28,
        "event": "demo started",
        "level": "info",
        "timestamp": "t",
    }
