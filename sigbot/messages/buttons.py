"""What a Telegram button carries: one codec for both kinds, so sending and reading agree.

An answer button is ``r:<y|h|n>:<outbox id>`` (the reminder or check-in it answers); a
coordinator's escalation button is ``e:<a|c|m>:<escalation id>`` (acknowledge, I'll call, call a
meeting). The wire format is what buttons already sent carry, so old buttons keep working; it
fits Telegram's 64-byte limit for any id up to 18 digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sigbot.messages.replies import ReplyKind
from sigbot.models.enums import EscalationAction

ANSWER = "r"
ESCALATION = "e"
ANSWER_CODES: dict[ReplyKind, str] = {ReplyKind.YES: "y", ReplyKind.HELP: "h", ReplyKind.NO: "n"}
ESCALATION_CODES: dict[EscalationAction, str] = {
    EscalationAction.ACK: "a",
    EscalationAction.CALL: "c",
    EscalationAction.MEETING: "m",
}
_ANSWER_BY_CODE = {code: kind for kind, code in ANSWER_CODES.items()}
_ESCALATION_BY_CODE = {code: action for action, code in ESCALATION_CODES.items()}
_PATTERN = re.compile(r"([re]):([a-z]):(\d{1,18})")


@dataclass(frozen=True)
class AnswerPress:
    """A person answered the message ``prompt_id`` with a button."""

    kind: ReplyKind
    prompt_id: int


@dataclass(frozen=True)
class EscalationPress:
    """A coordinator answered the alert ``escalation_id`` with a button."""

    action: EscalationAction
    escalation_id: int


def encode_answer(kind: ReplyKind, prompt_id: int) -> str:
    """``r:y:42``: yes to outbox message 42.

    Raises:
        KeyError: ``kind`` is not an answer a button can give (only yes, help, no).
    """
    return f"{ANSWER}:{ANSWER_CODES[kind]}:{prompt_id}"


def encode_escalation(action: EscalationAction, escalation_id: int) -> str:
    """``e:a:42``: acknowledge escalation 42."""
    return f"{ESCALATION}:{ESCALATION_CODES[action]}:{escalation_id}"


def decode(data: str) -> AnswerPress | EscalationPress | None:
    """What a pressed button means; None for data we never sent (malformed or foreign)."""
    match = _PATTERN.fullmatch(data)
    if match is None:
        return None
    prefix, code, raw_id = match.groups()
    if prefix == ANSWER:
        kind = _ANSWER_BY_CODE.get(code)
        return AnswerPress(kind, int(raw_id)) if kind is not None else None
    action = _ESCALATION_BY_CODE.get(code)
    return EscalationPress(action, int(raw_id)) if action is not None else None
