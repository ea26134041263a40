"""Replies and buttons: any text is a reply kind, any button data decodes safely."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from sigbot.messages.buttons import (
    ANSWER_CODES,
    ESCALATION_CODES,
    AnswerPress,
    EscalationPress,
    decode,
    encode_answer,
    encode_escalation,
)
from sigbot.messages.replies import ReplyKind, parse_reply
from sigbot.models.enums import EscalationAction
from tests.property import FAST

IDS = st.integers(min_value=0, max_value=10**18 - 1)


@FAST
@given(st.text())
@example("  JA!! ")
@example("\x00\u200b\U0001f600")
def test_any_text_is_a_reply_kind(text: str) -> None:
    """parse_reply never raises and always answers with one of the kinds."""
    assert isinstance(parse_reply(text), ReplyKind)


@FAST
@given(st.sampled_from(sorted(ANSWER_CODES)), IDS)
def test_answer_button_round_trips(kind: ReplyKind, prompt_id: int) -> None:
    """An answer button reads back as what was written, within Telegram's 64 bytes."""
    data = encode_answer(kind, prompt_id)
    assert len(data.encode()) <= 64
    assert decode(data) == AnswerPress(kind, prompt_id)


@FAST
@given(st.sampled_from(sorted(ESCALATION_CODES)), IDS)
def test_escalation_button_round_trips(action: EscalationAction, escalation_id: int) -> None:
    """An escalation button reads back as what was written, within Telegram's 64 bytes."""
    data = encode_escalation(action, escalation_id)
    assert len(data.encode()) <= 64
    assert decode(data) == EscalationPress(action, escalation_id)


BUTTONISH = st.one_of(
    st.text(),
    st.from_regex(r"[re]:[a-z]:[0-9]{1,20}", fullmatch=True),
    st.builds(lambda s: s.encode("utf-8", "replace").decode("latin-1"), st.text()),
)


@FAST
@given(BUTTONISH)
@example("r:y:" + "9" * 19)
@example("e:x:1")
@example("r:y:1\n")
def test_any_button_data_decodes_to_none_or_a_valid_press(data: str) -> None:
    """Foreign or malformed callback data is None; otherwise a known kind and a sane id."""
    press = decode(data)
    if press is None:
        return
    if isinstance(press, AnswerPress):
        assert press.kind in ANSWER_CODES
        assert 0 <= press.prompt_id < 10**18
    else:
        assert isinstance(press, EscalationPress)
        assert press.action in ESCALATION_CODES
        assert 0 <= press.escalation_id < 10**18
