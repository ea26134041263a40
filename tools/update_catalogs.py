"""Regenerate the catalog templates and merge them into each language's .po file.

Two domains: ``sigbot`` (what people receive: the ids in sigbot/messages/texts.py) and
``workspace`` (the coordinators' pages: ``_()`` in handlers/workspace, found by Babel).
Run after changing texts: ``.venv/bin/python tools/update_catalogs.py``. Existing translations
are kept; new ids get an empty msgstr for a translator to fill. English is the source language
of the workspace, so it has no workspace catalog.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sigbot.handlers.workspace.catalog import workspace_msgids
from sigbot.languages import codes, staff_codes
from sigbot.messages.translator import DOMAIN, LOCALE_DIR, all_msgids

WORKSPACE = "workspace"


def main() -> None:
    update(DOMAIN, all_msgids(), [_po(code, DOMAIN) for code in codes()])
    # English is the workspace's source language: it needs no catalog.
    update(WORKSPACE, workspace_msgids(), [_po(c, WORKSPACE) for c in staff_codes() if c != "en"])


def _po(language: str, domain: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"


def update(domain: str, msgids: list[str], po_paths: list[Path]) -> None:
    """Write ``domain``.pot from ``msgids`` and merge it into each file of ``po_paths``."""
    template = Catalog(project="sigbot", domain=domain)
    for msgid in msgids:
        template.add(msgid)
    with (LOCALE_DIR / f"{domain}.pot").open("wb") as out:
        write_po(out, template, width=100, omit_header=False)
    for po_path in po_paths:
        language = po_path.parts[-3]
        if po_path.exists():
            with po_path.open("rb") as handle:
                catalog = read_po(handle, locale=language)
        else:
            catalog = Catalog(locale=language, project="sigbot", domain=domain)
        catalog.update(template, no_fuzzy_matching=True)
        po_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("wb") as out:
            write_po(out, catalog, width=100, ignore_obsolete=True)
        missing = [m.id for m in catalog if m.id and not m.string]
        print(f"{language}: {len(catalog)} messages, {len(missing)} untranslated")


if __name__ == "__main__":
    main()
