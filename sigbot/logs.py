"""Structured logs to stderr. By rule they carry ids, kinds and counts: never a phone number,
a chat id or a message text (those live in the journal, inside the database)."""

from __future__ import annotations

import logging
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

# Keys that must never reach a log line, whatever a caller passes.
FORBIDDEN_KEYS = frozenset({"phone", "address", "body", "text", "to", "from_", "chat_id"})


def _scrub(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key in FORBIDDEN_KEYS & event.keys():
        event[key] = "[redacted]"
    return event


def configure_logging(level: str = "INFO", *, json: bool = False) -> None:
    """Route structlog and the standard library's logging to stderr at ``level``."""
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        numeric = logging.INFO
    logging.basicConfig(stream=sys.stderr, level=numeric, format="%(message)s", force=True)
    # Libraries that log request details (numbers, texts) stay at WARNING.
    for noisy in ("httpx", "httpcore", "twilio", "telegram", "aiosqlite"):
        logging.getLogger(noisy).setLevel(max(numeric, logging.WARNING))
    # "skipped: maximum number of running instances" is the intended max_instances=1 at work.
    logging.getLogger("apscheduler").setLevel(max(numeric, logging.ERROR))
    logging.getLogger("alembic").setLevel(max(numeric, logging.WARNING))
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _scrub,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
