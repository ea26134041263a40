"""Message catalogs: complete, placeholders intact; segment counting.

What each SMS may say and how long it is: tests/sigbot/messages/test_sms_texts.py.
"""

from __future__ import annotations

import re

import pytest

from sigbot.messages.composer import MessageComposer
from sigbot.messages.sms_segments import segments
from sigbot.messages.texts import SMS
from sigbot.messages.translator import Translator, all_msgids

PLACEHOLDER = re.compile(r"\{(\w+)\}")
LANGUAGES = ["sv", "en"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_with_the_same_placeholders(language: str) -> None:
    """No message is missing, and no translation drops or invents a placeholder."""
    translator = Translator()
    for msgid in all_msgids():
        translated = translator.lookup(language, msgid)
        assert translated, msgid
        assert set(PLACEHOLDER.findall(translated)) == set(PLACEHOLDER.findall(msgid)), msgid


def test_unknown_language_falls_back_to_swedish() -> None:
    """A member with language 'ti' (no catalog yet) gets Swedish, never an empty text."""
    assert Translator().lookup("ti", SMS["ack_yes"]) == "Tack för ditt svar!"


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        pytest.param("a" * 160, 1, id="160-ascii"),
        pytest.param("a" * 161, 2, id="161-ascii"),
        pytest.param("åäöÅÄÖé" * 20, 1, id="swedish-letters-are-gsm7"),
        pytest.param("€" * 80, 1, id="euro-counts-double"),
        pytest.param("€" * 81, 2, id="euro-overflows"),
        pytest.param("مرحبا" * 14, 1, id="arabic-70"),
        pytest.param("مرحبا" * 15, 2, id="arabic-75"),
    ],
)
def test_segments(text: str, parts: int) -> None:
    """GSM-7 and UCS-2 segment counts."""
    assert segments(text) == parts


def test_telegram_reminder_names_what_and_where_in_swedish() -> None:
    """On Telegram a young person sees what and where, in plain Swedish."""
    body = MessageComposer(Translator()).render(
        "appointment_reminder",
        "telegram",
        "sv",
        {
            "what": "BUP",
            "place": "BUP Järva",
            "when_utc": "2026-11-26T09:00:00+00:00",
            "tz": "Europe/Stockholm",
        },
    )
    assert body == "Påminnelse: BUP tors 26 nov. 10:00, BUP Järva. Kommer du?"
