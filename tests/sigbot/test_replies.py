"""What people answer, table by table (shared/CONTRACT.md: replies)."""

from __future__ import annotations

import pytest

from sigbot.messages.replies import ReplyKind, callback_data, parse_callback_data, parse_reply

Y, H, N, S, G, U = (
    ReplyKind.YES,
    ReplyKind.HELP,
    ReplyKind.NO,
    ReplyKind.STOP,
    ReplyKind.START,
    ReplyKind.UNKNOWN,
)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("1", Y), ("JA", Y), ("ja", Y), (" Ja! ", Y), ("yes", Y), ("YES.", Y),
        ("2", H), ("HJÄLP", H), ("hjälp", H), ("hjalp", H), ("HELP", H),
        ("3", N), ("NEJ", N), ("nej.", N), ("no", N),
        ("STOP", S), ("stopp", S), ("Unsubscribe", S), ("QUIT", S),
        ("START", G), ("unstop", G),
        ("kanske", U), ("1 2", U), ("yes but late", U), ("", U), ("12", U),
    ],
)  # fmt: skip
def test_parse_reply(text: str, kind: ReplyKind) -> None:
    """Digits and words in Swedish and English; anything else is kept as free text."""
    assert parse_reply(text) == kind


@pytest.mark.parametrize("kind", [Y, H, N])
def test_callback_round_trip(kind: ReplyKind) -> None:
    """Button data fits Telegram's 64 bytes and parses back."""
    data = callback_data(kind, 123456789012)
    assert len(data.encode()) <= 64
    assert parse_callback_data(data) == (kind, 123456789012)


@pytest.mark.parametrize("data", ["", "r:x:1", "r:y:", "e:a:1", "r:y:1:2", "r:y:-1"])
def test_bad_callback_data(data: str) -> None:
    """Malformed or foreign button data is ignored."""
    assert parse_callback_data(data) is None
