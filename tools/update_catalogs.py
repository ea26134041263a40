"""Regenerate sigbot/locale/sigbot.pot from the message ids and merge it into each .po file.

Run after changing texts in sigbot/messages/texts.py: ``.venv/bin/python tools/update_catalogs.py``.
Existing translations are kept; new ids get an empty msgstr for a translator to fill.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sigbot.messages.translator import DOMAIN, LOCALE_DIR, all_msgids


def main() -> None:
    template = Catalog(project="sigbot", domain=DOMAIN)
    for msgid in all_msgids():
        template.add(msgid)
    with (LOCALE_DIR / f"{DOMAIN}.pot").open("wb") as out:
        write_po(out, template, width=100, omit_header=False)
    for po_path in sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        language = po_path.parts[-3]
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        catalog.update(template, no_fuzzy_matching=True)
        with po_path.open("wb") as out:
            write_po(out, catalog, width=100, ignore_obsolete=True)
        missing = [m.id for m in catalog if m.id and not m.string]
        print(f"{language}: {len(catalog)} messages, {len(missing)} untranslated")


if __name__ == "__main__":
    main()
