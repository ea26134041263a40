"""The button codec, table by table: the wire format buttons already sent carry, both ways."""

from __future__ import annotations

import pytest

from sigbot.messages.buttons import (
    AnswerPress,
    EscalationPress,
    decode,
    encode_answer,
    encode_escalation,
)
from sigbot.messages.replies import ReplyKind
from sigbot.models.enums import EscalationAction

BIG = 123456789012345678  # 18 digits: the longest id a button carries


@pytest.mark.parametrize(
    ("kind", "prompt_id", "data"),
    [
        (ReplyKind.YES, 42, "r:y:42"),
        (ReplyKind.HELP, 42, "r:h:42"),
        (ReplyKind.NO, 42, "r:n:42"),
        (ReplyKind.YES, BIG, f"r:y:{BIG}"),
    ],
)
def test_answer_buttons(kind: ReplyKind, prompt_id: int, data: str) -> None:
    """Answer buttons encode as before and decode back to what was meant."""
    assert encode_answer(kind, prompt_id) == data
    assert decode(data) == AnswerPress(kind, prompt_id)
    assert len(data.encode()) <= 64  # Telegram's limit for callback data


@pytest.mark.parametrize(
    ("action", "escalation_id", "data"),
    [
        (EscalationAction.ACK, 7, "e:a:7"),
        (EscalationAction.CALL, 7, "e:c:7"),
        (EscalationAction.MEETING, 7, "e:m:7"),
        (EscalationAction.ACK, BIG, f"e:a:{BIG}"),
    ],
)
def test_escalation_buttons(action: EscalationAction, escalation_id: int, data: str) -> None:
    """A coordinator's buttons encode as before and decode back to what was meant."""
    assert encode_escalation(action, escalation_id) == data
    assert decode(data) == EscalationPress(action, escalation_id)
    assert len(data.encode()) <= 64


@pytest.mark.parametrize(
    "data",
    [
        "",
        "r:x:1",
        "r:a:1",
        "e:y:1",
        "r:y:",
        "e:a:",
        "r:y:1:2",
        "r:y:-1",
        "e:a:-1",
        "e:a: 1",
        "x:y:1",
        f"r:y:{BIG}0",
        "R:Y:1",
    ],
)
def test_foreign_or_malformed_data_is_ignored(data: str) -> None:
    """Data we never sent decodes to None, so a handler answers '?' and changes nothing."""
    assert decode(data) is None


@pytest.mark.parametrize("kind", [ReplyKind.STOP, ReplyKind.START, ReplyKind.UNKNOWN])
def test_only_yes_help_no_are_buttons(kind: ReplyKind) -> None:
    """STOP/START and free text are typed, never pressed."""
    with pytest.raises(KeyError):
        encode_answer(kind, 1)
