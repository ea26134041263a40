"""SMS segments per message kind and language, with the parameters as long as real ones get.

Run by hand: ``.venv/bin/python benchmarks/sms_segments.py``. Prints a table (kind × language:
segments, and characters in the encoding's units) and writes
``benchmarks/results/sms_segments.json``. ``tests/sigbot/messages/test_every_language.py``
asserts the limits (at most two segments; GSM-7 for sv, en, so; UCS-2 for ar).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from sigbot.languages import codes  # noqa: E402
from sigbot.messages.sms_segments import is_gsm7, segments  # noqa: E402
from sigbot.models.enums import ChannelKind  # noqa: E402
from tests.sigbot.messages.test_every_language import WORDINGS, render  # noqa: E402

RESULTS = HERE / "results" / "sms_segments.json"


def units(text: str) -> int:
    """Length in the encoding's units: septets for GSM-7, UTF-16 code units for UCS-2."""
    if is_gsm7(text):
        return sum(2 if ch in "^{}\\[~]|€\f" else 1 for ch in text)
    return len(text.encode("utf-16-le")) // 2


def main() -> None:
    table: dict[str, dict[str, dict[str, object]]] = {}
    for kind, variant in WORDINGS:
        name = f"{kind}+{variant}" if variant else str(kind)
        table[name] = {}
        for language in codes():
            body = render(kind, variant, ChannelKind.SMS, language)
            table[name][language] = {
                "segments": segments(body),
                "units": units(body),
                "encoding": "GSM-7" if is_gsm7(body) else "UCS-2",
            }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(table, indent=2) + "\n", encoding="utf-8")
    languages = codes()
    print(f"{'kind':<42}" + "".join(f"{lang:>12}" for lang in languages))
    for name, row in table.items():
        cells = "".join(
            f"{row[lang]['segments']:>6} ({row[lang]['units']:>3})" for lang in languages
        )
        print(f"{name:<42}{cells}")
    most = {
        lang: max(int(str(row[lang]["segments"])) for row in table.values()) for lang in languages
    }
    print("most segments:", most)


if __name__ == "__main__":
    main()
