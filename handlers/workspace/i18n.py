"""The workspace in the account's language (``sigbot.languages``: sv, en, ar, so): texts from
the ``workspace`` catalog, dates and times with Babel in the case's time zone.

Templates call ``_("English text")``; the English text is the message id, so English needs no
catalog and Swedish lives in ``sigbot/locale/sv/LC_MESSAGES/workspace.po``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from babel.dates import format_date, format_datetime, format_time

from sigbot.languages import staff_codes
from sigbot.messages.translator import Translator
from sigbot.timeutil import zone

LANGUAGES = staff_codes()
DEFAULT_LANGUAGE = "sv"
CATALOG = Translator(domain="workspace", fallbacks=())


def pick_language(wanted: str | None, accept_language: str = "") -> str:
    """The account's language if the workspace has it, else the browser's first, else Swedish."""
    if wanted in LANGUAGES:
        return wanted
    for part in accept_language.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def N_(msgid: str) -> str:
    """Mark a text in Python for the catalog; it is translated where it is shown
    (``render(..., notice=N_("Saved."))`` shows ``_(notice)``)."""
    return msgid


def gettext(language: str) -> Callable[..., str]:
    """``_(msgid, **params)`` in ``language``: the English msgid when there is no translation."""

    def _(msgid: str, **params: Any) -> str:
        text = msgid if language == "en" else CATALOG.lookup(language, msgid)
        return text.format(**params) if params else text

    return _


class Formats:
    """Dates and times for one reader: their language, the case's time zone."""

    def __init__(self, language: str) -> None:
        self.language = language

    def when(self, at: datetime | None, tz_name: str = "Europe/Stockholm") -> str:
        """A moment as the reader says it: "26 nov. 2026 10:00"."""
        if at is None:
            return "–"
        return format_datetime(at.astimezone(zone(tz_name)), "d MMM y HH:mm", locale=self.language)

    def day(self, at: datetime | date | None, tz_name: str = "Europe/Stockholm") -> str:
        """A day; a moment is first put in the case's time zone, a date is shown as it is."""
        if at is None:
            return "–"
        if isinstance(at, datetime):
            at = at.astimezone(zone(tz_name)).date()
        return format_date(at, "d MMM y", locale=self.language)

    def time(self, at: datetime | None, tz_name: str = "Europe/Stockholm") -> str:
        if at is None:
            return "–"
        return format_time(at.astimezone(zone(tz_name)), "HH:mm", locale=self.language)
