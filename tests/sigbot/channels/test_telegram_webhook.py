"""Telegram's webhook read by the channel module: the secret token and the update body."""

from __future__ import annotations

import pytest

from sigbot.channels.telegram import secret_matches, update_from_body


@pytest.mark.parametrize(
    ("given", "ok"),
    [("tg-secret-123", True), ("tg-secret-124", False), ("", False), ("tg-secret-1234", False)],
)
def test_secret(given: str, ok: bool) -> None:
    """Only the exact secret given to setWebhook passes."""
    assert secret_matches(given, "tg-secret-123") is ok


def test_update_body() -> None:
    """A JSON object is an update; anything else says what is wrong."""
    assert update_from_body(b'{"update_id": 1}') == {"update_id": 1}
    with pytest.raises(ValueError, match="not JSON"):
        update_from_body(b"{")
    with pytest.raises(ValueError, match="not an update"):
        update_from_body(b"[1]")
