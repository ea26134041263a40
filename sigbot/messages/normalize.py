"""Typed text brought to one plain form before it is compared with word lists.

People write from phones in four languages: with or without Swedish dots (hjälp / hjalp), with
Arabic vowel marks or without, with Arabic-Indic digits (١٢٣) or Persian ones (۱۲۳), in capitals,
with a full stop or an emoji after. Replies (``sigbot.messages.replies``) and danger words
(``sigbot.messages.danger``) compare the plain form of both sides, so a list needs one spelling.
"""

from __future__ import annotations

import re
import unicodedata

# Arabic letters with several written forms that people use interchangeably.
_ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ؤ": "و",
        "ئ": "ي",
        "ـ": None,  # tatweel, a stretching stroke
        "؟": "?",
        "،": ",",
        "؛": ";",
    }
)
_SPACE = re.compile(r"\s+")
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")


def plain_digits(text: str) -> str:
    """Every decimal digit (١ ۱ １ ...) as its ASCII digit."""
    return "".join(
        str(unicodedata.digit(ch)) if ch.isdigit() and not ch.isascii() else ch for ch in text
    )


def plain(text: str) -> str:
    """Lower case, ASCII digits, no accents or Arabic vowel marks, single spaces.

    Swedish å ä ö become a a o, so "hjälp" and "hjalp" meet; Arabic hamza forms fold to their
    base letter. The result is for comparing only, never for showing.
    """
    text = plain_digits(unicodedata.normalize("NFKC", text)).casefold().translate(_ARABIC_FOLD)
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACE.sub(" ", unicodedata.normalize("NFC", stripped)).strip()


def plain_reply(text: str) -> str:
    """``plain`` without punctuation or emoji at either end: "Ja!" and " ja. " are "ja"."""
    return _EDGE.sub("", plain(text))
