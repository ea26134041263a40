"""The workspace's message ids, found where they are used: ``_("...")`` in templates and
``_("...")`` / ``N_("...")`` in the workspace's Python modules (Babel's extractors).

``tools/update_catalogs.py`` writes them to ``sigbot/locale/workspace.pot`` and merges them
into each language's ``workspace.po``; tests check every id has a Swedish translation.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

HERE = Path(__file__).parent
METHODS = [
    ("templates/**.html", "jinja2.ext:babel_extract"),
    ("*.py", "python"),
]
KEYWORDS = {"_": None, "N_": None}


def workspace_msgids() -> list[str]:
    """Every message id of the workspace, in order of first use."""
    found: dict[str, None] = {}
    for _filename, _line, message, _comments, _context in extract_from_dir(
        str(HERE), METHODS, keywords=KEYWORDS, comment_tags=()
    ):
        text = message if isinstance(message, str) else message[0]
        if text:
            found.setdefault(text)
    return list(found)
