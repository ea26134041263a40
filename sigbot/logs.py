"""Structured logs to stderr. By rule they carry ids, kinds and counts: never a phone number,
a chat id, a name or a message text (those live in the journal, inside the database; see
docs/architecture.md, "Privacy").

Whatever a caller passes, the pipeline here makes it so: values under personal keys are
redacted at any depth, objects are shown by type only, long digit runs (numbers, chat ids)
are masked, and an exception is shown as its type, its safe codes and a traceback without
local variables and without its message (an IntegrityError's or a provider error's text can
quote the very number or text it failed on). The standard library's records (uvicorn,
python-telegram-bot, asyncio, APScheduler) go through the same pipeline.
"""

from __future__ import annotations

import logging
import re
import sys
import traceback
from collections.abc import Mapping, MutableMapping
from datetime import date, datetime, time, timedelta
from enum import Enum
from types import TracebackType
from typing import Any, Literal, TextIO

import structlog

LogFormat = Literal["console", "json"]
"""``console`` for people, ``json`` (one object a line) for log collectors (.env.example)."""

# Keys whose values must never reach a log line, at any depth, whatever a caller passes.
# fmt: off
FORBIDDEN_KEYS = frozenset({
    "phone", "phone_number", "number", "address", "body", "text", "message", "content", "to",
    "from", "from_", "sender", "recipient", "chat_id", "name", "first_name", "last_name",
    "full_name", "username", "email", "params", "summary", "password", "token", "secret",
    "auth_token",
})
# fmt: on
REDACTED = "[redacted]"
HIDDEN_MESSAGE = "[message hidden]"
# Our own fields: rendered safely here, never masked again.
_OWN_KEYS = frozenset({"timestamp", "level", "logger", "exception", "exc_type"})
# A phone number or chat id: 6+ digits, maybe with a leading + and single spaces or hyphens
# (an ISO date is not one).
_NUMBER = re.compile(r"(?<![\d\-])(?!\d{4}-\d\d-\d\d)\+?\d(?:[ \-]?\d){5,}(?!\d)")
# Exception attributes that are codes, never data: shown when they look like codes.
_SAFE_ATTRS = ("code", "status", "sqlstate", "sqlite_errorname", "constraint_name", "errno")
_CODE = re.compile(r"[A-Za-z0-9_.\-]{1,64}")
_CAUSE = "\nThe above exception was the direct cause of the following exception:\n\n"
_CONTEXT = "\nDuring handling of the above exception, another exception occurred:\n\n"
_NOISY = ("httpx", "httpcore", "twilio", "telegram", "aiosqlite", "alembic")


def mask_numbers(text: str) -> str:
    """``text`` with every phone-number-like digit run replaced."""
    return _NUMBER.sub("[number]", text)


def _safe_value(value: Any, depth: int = 0) -> Any:
    """A value fit for a log line: primitives as they are, anything else reduced."""
    if isinstance(value, BaseException):
        return describe_exception(value)
    if isinstance(value, bool | int | float) or value is None:
        return value
    if isinstance(value, Enum):
        return _safe_value(value.value, depth)
    if isinstance(value, str):
        return mask_numbers(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if depth >= 4:
        return f"<{type(value).__name__}>"
    if isinstance(value, Mapping):
        return {
            str(k): REDACTED if str(k) in FORBIDDEN_KEYS else _safe_value(v, depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        return [_safe_value(item, depth + 1) for item in value]
    # A model, a dataclass, an Update: their repr would print every field.
    return f"<{type(value).__name__}>"


def _scrub(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Redact personal keys at any depth and reduce every other value to a safe one."""
    for key in list(event.keys()):
        if key in _OWN_KEYS or key.startswith("_"):
            continue
        value = event[key]
        event[key] = REDACTED if key in FORBIDDEN_KEYS else _safe_value(value)
    return event


def _exception_name(exc: BaseException) -> str:
    cls = type(exc)
    if cls.__module__ == "builtins":
        return cls.__qualname__
    return f"{cls.__module__}.{cls.__qualname__}"


def _is_code(value: object) -> bool:
    """A small number or a short token: an error code, not a number or a text."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) < 1_000_000
    return isinstance(value, str) and bool(_CODE.fullmatch(value)) and value == mask_numbers(value)


def describe_exception(exc: BaseException) -> str:
    """The exception's type and its code-like attributes, e.g. ``TwilioRestException(code=21211,
    status=400)``; never its message."""
    parts = [
        f"{attr}={value}" for attr in _SAFE_ATTRS if _is_code(value := getattr(exc, attr, None))
    ]
    name = _exception_name(exc)
    if isinstance(exc, BaseExceptionGroup):
        name += "[" + ", ".join(_exception_name(inner) for inner in exc.exceptions) + "]"
    return f"{name}({', '.join(parts)})" if parts else name


def _chain(exc: BaseException) -> list[tuple[BaseException, str]]:
    """The exception and its causes, oldest first, each with the text that links it to the
    next (newer) one, as Python's own tracebacks word it."""
    chain: list[tuple[BaseException, str]] = []
    seen: set[int] = set()
    link = ""
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, link))
        if current.__cause__ is not None:
            current, link = current.__cause__, _CAUSE
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, _CONTEXT
        else:
            current = None
    chain.reverse()
    return chain


def format_exception(exc: BaseException) -> str:
    """A plain traceback: frames (file, line, function, source) and safe descriptions, with no
    local variables and no exception messages."""
    out: list[str] = []
    chain = _chain(exc)
    for n, (current, link) in enumerate(chain):
        if current.__traceback__ is not None:
            out.append("Traceback (most recent call last):\n")
            frames = traceback.StackSummary.extract(
                traceback.walk_tb(current.__traceback__), capture_locals=False
            )
            out.extend(frames.format())
        out.append(f"{describe_exception(current)}: {HIDDEN_MESSAGE}\n")
        if n + 1 < len(chain):
            out.append(link)
    return "".join(out).rstrip("\n")


def _exception_of(exc_info: Any) -> BaseException | None:
    if isinstance(exc_info, BaseException):
        return exc_info
    if isinstance(exc_info, tuple):
        return exc_info[1] if len(exc_info) == 3 else None
    if exc_info:
        return sys.exc_info()[1]
    return None


def _safe_exception(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Replace ``exc_info`` by ``exc_type`` and a traceback that cannot carry personal data."""
    exc = _exception_of(event.pop("exc_info", None))
    given = event.pop("exception", None)
    if exc is None and isinstance(given, BaseException):
        exc = given
    if exc is not None:
        event["exc_type"] = describe_exception(exc)
        event["exception"] = format_exception(exc)
    elif given is not None:
        # Someone's preformatted text (format_exc_info): it would quote the message.
        event["exception"] = REDACTED
    return event


def _drop_record_extras(
    _: Any, __: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """A library record's arguments are already in its message (masked by _scrub)."""
    event.pop("positional_args", None)
    event.pop("stack_info", None)
    return event


def _renderer(fmt: LogFormat) -> structlog.typing.Processor:
    if fmt == "json":
        return structlog.processors.JSONRenderer(sort_keys=False)
    # Tracebacks come preformatted by _safe_exception; never rich's (it prints locals).
    return structlog.dev.ConsoleRenderer(
        colors=False, exception_formatter=structlog.dev.plain_traceback
    )


class _Handler(logging.StreamHandler[TextIO]):
    """The one root handler this module installs (so a second configure replaces it); it
    writes to whatever ``sys.stderr`` is at the time, as logging's last resort does."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _: TextIO) -> None:
        pass


def _stderr_logger(*_: Any) -> structlog.PrintLogger:
    """structlog's output: whatever ``sys.stderr`` is at the time."""
    return structlog.PrintLogger(sys.stderr)


def _install_stdlib(numeric: int, renderer: structlog.typing.Processor) -> None:
    """Send the standard library's records through the same safe pipeline."""
    handler = _Handler()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[
                structlog.stdlib.add_log_level,
                structlog.stdlib.add_logger_name,
                structlog.processors.TimeStamper(fmt="iso", utc=True),
            ],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                _safe_exception,
                _drop_record_extras,
                _scrub,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        if isinstance(old, _Handler) or _is_basic(old):
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(numeric)
    # Libraries that log request details (numbers, texts, tokens in URLs) stay at WARNING.
    for noisy in _NOISY:
        logging.getLogger(noisy).setLevel(max(numeric, logging.WARNING))
    # "skipped: maximum number of running instances" is the intended max_instances=1 at work.
    logging.getLogger("apscheduler").setLevel(max(numeric, logging.ERROR))


def _is_basic(handler: logging.Handler) -> bool:
    """A handler logging.basicConfig made (plain ``%(message)s`` to a stream)."""
    fmt = handler.formatter._fmt if handler.formatter is not None else None
    return type(handler) is logging.StreamHandler and fmt in (None, "%(message)s")


def _uncaught(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """A crash is logged like any error, not printed with its message by Python."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    structlog.get_logger(__name__).critical("uncaught exception", exc_info=exc)


def configure_logging(level: str = "INFO", fmt: LogFormat | None = None) -> None:
    """Route structlog and the standard library's logging to stderr at ``level``, as
    ``console`` lines or ``json`` objects; by default as SIGBOT_LOG_FORMAT says (.env.example)."""
    if fmt is None:
        from sigbot.settings import log_format_setting  # settings imports this module

        fmt = log_format_setting()
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        numeric = logging.INFO
    renderer = _renderer(fmt)
    _install_stdlib(numeric, renderer)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _safe_exception,
            _scrub,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=_stderr_logger,
        cache_logger_on_first_use=False,
    )
    sys.excepthook = _uncaught
