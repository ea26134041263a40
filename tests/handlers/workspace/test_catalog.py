"""The workspace speaks Swedish and English: every text on its pages is in the Swedish catalog."""

from __future__ import annotations

import re

from sigbot.handlers.workspace.catalog import workspace_msgids
from sigbot.handlers.workspace.i18n import CATALOG, gettext

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def test_every_workspace_text_has_a_swedish_translation() -> None:
    """No page text is left in English for a Swedish account, and no placeholder is lost."""
    swedish = gettext("sv")
    missing = [msgid for msgid in workspace_msgids() if not CATALOG.translated("sv", msgid)]
    assert not missing, f"untranslated in sigbot/locale/sv/LC_MESSAGES/workspace.po: {missing}"
    for msgid in workspace_msgids():
        translated = swedish(msgid)
        assert set(PLACEHOLDER.findall(translated)) == set(PLACEHOLDER.findall(msgid)), msgid


def test_english_is_the_source() -> None:
    """An English account reads the texts as written in the templates."""
    assert gettext("en")("My day") == "My day"
    assert gettext("en")("Hello {name}", name="Maja") == "Hello Maja"
