"""The languages sigbot speaks: one line each here, one catalog file each in ``sigbot/locale``.

Adding a language (Tigrinya ``ti`` and Persian ``fa`` are the next asked for) is a line below and
``sigbot/locale/<code>/LC_MESSAGES/sigbot.po`` (and ``workspace.po`` for staff pages);
docs/languages.md says how. ``direction`` tells pages and texts to run right to left.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # the language's own name, as a reader looks for it
    direction: str = "ltr"  # "rtl" for Arabic script
    staff: bool = True  # the workspace and staff Telegram offer it


LANGUAGES: dict[str, Language] = {
    "sv": Language("sv", "Svenska"),
    "en": Language("en", "English"),
    "ar": Language("ar", "العربية", direction="rtl"),
    "so": Language("so", "Soomaali"),
}
ISOLATE_START, ISOLATE_END = "\u2068", "\u2069"  # FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE
# A message with any text missing in the reader's catalog is sent whole in this language.
FALLBACK = "sv"


def codes() -> tuple[str, ...]:
    return tuple(LANGUAGES)


def staff_codes() -> tuple[str, ...]:
    return tuple(code for code, lang in LANGUAGES.items() if lang.staff)


def is_rtl(code: str) -> bool:
    found = LANGUAGES.get(code)
    return found is not None and found.direction == "rtl"


def isolate(value: str) -> str:
    """``value`` as a Unicode isolate: its own direction inside a right-to-left sentence
    ("ST-2026-014" or "10:00" inside Arabic)."""
    return f"{ISOLATE_START}{value}{ISOLATE_END}" if value else value
