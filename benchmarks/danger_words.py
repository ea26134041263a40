"""Danger words: false alarms, misses and speed, per language, on invented message corpora.

Run by hand: ``.venv/bin/python benchmarks/danger_words.py [--show]``. Reads
``benchmarks/data/{ordinary,danger}_messages_<language>.txt`` (one invented message a line) and
writes ``benchmarks/results/danger_words.json``. ``--show`` prints every false alarm and miss,
which is what to read before changing a list. The corpora are not the test tables: tune on these,
pin behaviour in tests/sigbot/messages/test_danger.py.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sigbot.messages.danger import detect, load_lists

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
RESULTS = HERE / "results" / "danger_words.json"
LANGUAGES = ("sv", "en", "ar", "so")
ROUNDS = 5  # timed runs of PASSES passes over all corpora; the fastest run counts, as other
PASSES = 4  # work on the same machine only ever slows a run down


def read_corpus(name: str) -> list[str]:
    """Non-empty lines of one corpus file."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip()]


def measure_language(language: str, show: bool) -> dict[str, object]:
    """False alarms among ordinary messages and misses among danger ones, for one language."""
    ordinary = read_corpus(f"ordinary_messages_{language}.txt")
    danger = read_corpus(f"danger_messages_{language}.txt")
    false_alarms = [(text, found) for text in ordinary if (found := detect(text)) is not None]
    misses = [text for text in danger if detect(text) is None]
    if show:
        for text, found in false_alarms:
            print(f"  false alarm [{language}] {text!r} <- {found.phrases}")
        for text in misses:
            print(f"  miss        [{language}] {text!r}")
    return {
        "ordinary": len(ordinary),
        "false_alarms": len(false_alarms),
        "false_alarm_rate": round(len(false_alarms) / len(ordinary), 4),
        "danger": len(danger),
        "misses": len(misses),
        "miss_rate": round(len(misses) / len(danger), 4),
    }


def measure_speed() -> dict[str, float]:
    """Messages per second through ``detect`` with all four lists, lists already loaded."""
    messages = [
        text
        for language in LANGUAGES
        for kind in ("ordinary", "danger")
        for text in read_corpus(f"{kind}_messages_{language}.txt")
    ]
    started = time.perf_counter()
    load_lists.cache_clear()
    load_lists()
    loading = time.perf_counter() - started
    runs = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(PASSES):
            for text in messages:
                detect(text)
        runs.append(time.perf_counter() - started)
    elapsed = min(runs)
    checked = PASSES * len(messages)
    return {
        "load_seconds": round(loading, 3),
        "messages": checked,
        "seconds": round(elapsed, 3),
        "messages_per_second": round(checked / elapsed),
        "microseconds_per_message": round(elapsed / checked * 1e6, 1),
    }


def print_table(results: dict[str, dict[str, object]], speed: dict[str, float]) -> None:
    """A small table for the terminal."""
    print(f"{'lang':<5}{'ordinary':>9}{'false':>7}{'rate':>8}{'danger':>8}{'missed':>8}{'rate':>8}")
    for language, row in results.items():
        print(
            f"{language:<5}{row['ordinary']:>9}{row['false_alarms']:>7}"
            f"{row['false_alarm_rate']:>8.1%}{row['danger']:>8}{row['misses']:>8}"
            f"{row['miss_rate']:>8.1%}"
        )
    print(
        f"speed: {speed['messages_per_second']:,.0f} messages/s "
        f"({speed['microseconds_per_message']} µs each); lists load in {speed['load_seconds']} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print every false alarm and miss")
    args = parser.parse_args()
    results = {language: measure_language(language, args.show) for language in LANGUAGES}
    speed = measure_speed()
    entries = {lst.language: len(lst.entries) for lst in load_lists()}
    RESULTS.parent.mkdir(exist_ok=True)
    report = {"languages": results, "speed": speed, "list_entries": entries}
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print_table(results, speed)


if __name__ == "__main__":
    main()
