"""Message catalogs: gettext ``.po`` files read with Babel, one per language.

The English source texts in ``sigbot.messages.texts`` are the message ids. Swedish and English are
complete; a language without a catalog (Arabic, Somali, ... until translated) falls back to
Swedish, then to the English source text, so nobody ever gets an empty message.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from sigbot import journal_texts
from sigbot.messages import texts, variants

LOCALE_DIR = Path(__file__).parent.parent / "locale"
DOMAIN = "sigbot"
FALLBACKS = ("sv", "en")


@cache
def _load(directory: Path, language: str, domain: str = DOMAIN) -> dict[str, str]:
    path = directory / language / "LC_MESSAGES" / f"{domain}.po"
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        catalog: Catalog = read_po(handle, locale=language)
    return {
        str(message.id): str(message.string)
        for message in catalog
        if message.id and message.string and not message.fuzzy
    }


class Translator:
    """Looks up message ids in the recipient's language, with fallbacks."""

    def __init__(
        self,
        locale_dir: Path = LOCALE_DIR,
        *,
        domain: str = DOMAIN,
        fallbacks: tuple[str, ...] = FALLBACKS,
    ) -> None:
        self.locale_dir = locale_dir
        self.domain = domain
        self.fallbacks = fallbacks

    def languages(self) -> list[str]:
        return sorted(p.name for p in self.locale_dir.iterdir() if (p / "LC_MESSAGES").is_dir())

    def lookup(self, language: str, msgid: str) -> str:
        """The translation of ``msgid``; falls back by language, then to the source text."""
        for lang in (language, *self.fallbacks):
            found = _load(self.locale_dir, lang, self.domain).get(msgid)
            if found:
                return found
        return msgid

    def translated(self, language: str, msgid: str) -> bool:
        """True if ``language``'s own catalog has ``msgid`` (no fallback)."""
        return msgid in _load(self.locale_dir, language, self.domain)

    def text(self, language: str, msgid: str, **params: Any) -> str:
        template = self.lookup(language, msgid)
        return template.format(**params) if params else template


def all_msgids() -> list[str]:
    """Every message id sigbot uses (the template catalog is built from these)."""
    ids: list[str] = [*texts.SMS.values(), *texts.TELEGRAM.values()]
    ids.extend([*variants.SMS_VARIANTS.values(), *variants.TELEGRAM_VARIANTS.values()])
    for labels in texts.PROMPT_LABELS.values():
        ids.extend(labels)
    ids.extend(texts.ESCALATION_LABELS.values())
    ids.extend(texts.EXTRA_MSGIDS)
    ids.extend(journal_texts.JOURNAL_MSGIDS)
    return list(dict.fromkeys(ids))
