"""What a reply means: 1/JA/YES, 2/HJÄLP/HELP, 3/NEJ/NO, STOP/START, or free text."""

from __future__ import annotations

import re
from enum import StrEnum


class ReplyKind(StrEnum):
    YES = "yes"
    HELP = "help"
    NO = "no"
    STOP = "stop"
    START = "start"
    UNKNOWN = "unknown"


_WORDS = {
    ReplyKind.YES: {"1", "ja", "yes", "j", "y"},
    ReplyKind.HELP: {"2", "hjälp", "hjalp", "help"},
    ReplyKind.NO: {"3", "nej", "no", "n"},
    ReplyKind.STOP: {"stop", "stopp", "stopall", "unsubscribe", "cancel", "end", "quit"},
    ReplyKind.START: {"start", "unstop"},
}


def parse_reply(text: str) -> ReplyKind:
    cleaned = re.sub(r"[\s.!?,]+$", "", text.strip()).strip().lower()
    for kind, words in _WORDS.items():
        if cleaned in words:
            return kind
    return ReplyKind.UNKNOWN


_CODES = {ReplyKind.YES: "y", ReplyKind.HELP: "h", ReplyKind.NO: "n"}


def callback_data(kind: ReplyKind, prompt_id: int) -> str:
    return f"r:{_CODES[kind]}:{prompt_id}"


def parse_callback_data(data: str) -> tuple[ReplyKind, int] | None:
    match = re.fullmatch(r"r:([yhn]):(\d{1,18})", data)
    if match is None:
        return None
    kind = next(k for k, c in _CODES.items() if c == match.group(1))
    return kind, int(match.group(2))
