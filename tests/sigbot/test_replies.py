"""What people answer in words, table by table (button payloads: tests/sigbot/messages)."""

from __future__ import annotations

import pytest

from sigbot.messages.replies import ReplyKind, parse_reply

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
