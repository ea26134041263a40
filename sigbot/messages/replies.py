"""What a typed reply means: 1/JA/YES, 2/HJÄLP/HELP, 3/NEJ/NO, STOP/START, or free text.

Buttons carry the same kinds; their payloads are read in ``sigbot.messages.buttons``.
"""

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
    """Digits and words in Swedish and English; trailing punctuation is forgiven."""
    cleaned = re.sub(r"[\s.!?,]+$", "", text.strip()).strip().lower()
    for kind, words in _WORDS.items():
        if cleaned in words:
            return kind
    return ReplyKind.UNKNOWN
