"""Danger words: a reply that says someone is hurt or in danger must never pass as free text.

The phrases live as data in ``words/danger_<language>.txt`` (one ``category<TAB>phrase`` a line)
so people who know the languages can extend them without reading code. Every message is checked
against every language's list, because people mix languages in one line. Phrases of the category
``not`` are everyday look-alikes ("jag dör av skratt"): a danger match that overlaps one of them
is cancelled. A missed alarm costs far more than a false one, so the lists lean towards alarm;
the figures are in ``benchmarks/danger_words.py``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from sigbot.messages.normalize import plain

WORDS = Path(__file__).resolve().parent / "words"
_NOT = "not"
# Three or more of one letter ("dööööö", "pleeease") are read as one; lists spell words once.
_REPEATS = re.compile(r"(\w)\1{2,}")
# An Arabic word may carry joined clitics in front: "and"/"so" (و ف), "with"/"to" (ب ل) and the
# article (ال): "وبدي اموت", "بالسكين", "سكين والشوكه". Lists write the bare words.
_ARABIC_CLITICS = "[وفبل]{0,2}(?:ال)?"
_CLITIC_LETTERS = "وفبلا"
_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")
# A phrase's words: runs of letters, an optional "*" closing each.
_TOKEN = re.compile(r"[^\W_]+\*?|\*")


class DangerCategory(StrEnum):
    """What a danger phrase speaks of; the coordinator's alert can say which."""

    SELF_HARM = "self_harm"
    SUICIDE = "suicide"
    VIOLENCE = "violence"
    THREAT = "threat"
    WEAPON = "weapon"
    ABUSE = "abuse"


_CATEGORIES = frozenset({*DangerCategory, _NOT})


@dataclass(frozen=True)
class Entry:
    """One line of a list: its category, the phrase as the list writes it, and its regex."""

    category: str
    phrase: str
    pattern: re.Pattern[str] = field(compare=False, repr=False)


@dataclass(frozen=True)
class PhraseList:
    """One language's list: its entries and one regex that finds where any of them starts."""

    language: str
    entries: tuple[Entry, ...]
    pattern: re.Pattern[str]
    by_letter: Mapping[str, tuple[Entry, ...]] = field(compare=False, repr=False)


@dataclass(frozen=True)
class DangerMatch:
    """What was found, in the order it appears: categories, phrases, the lists that matched."""

    categories: tuple[str, ...]
    phrases: tuple[str, ...]
    language_hints: tuple[str, ...]


def prepare(text: str) -> str:
    """The form both messages and phrases are compared in: ``plain`` without letter runs."""
    return _REPEATS.sub(r"\1", plain(text))


def phrase_pieces(phrase: str, where: str) -> tuple[str, ...]:
    """A phrase as regex pieces, one per letter: its words in order, any punctuation between.

    ``*`` at the end of a word stands for any ending ("kniv*": kniv, knivar, knivhögg). Where
    the list joins two words by punctuation ("don't") the punctuation may be left out ("dont").
    One piece per letter lets a list share the prefixes of its phrases (see ``_trie_regex``).

    Raises:
        ValueError: ``*`` anywhere but at a word's end, or no word at all.
    """
    prepared = prepare(phrase)
    tokens = list(_TOKEN.finditer(prepared))
    gaps = [prepared[a.end() : b.start()] for a, b in pairwise(tokens)]
    stars_inside = any(
        a.group().endswith("*") and " " not in gap for a, gap in zip(tokens, gaps, strict=False)
    )
    if not tokens or stars_inside or any(t.group() == "*" for t in tokens):
        raise ValueError(f"{where}: cannot read {phrase!r}; '*' may only end a word")
    pieces: list[str] = []
    for gap, token in zip(["", *gaps], tokens, strict=True):
        if gap:
            pieces.append(r"[\W_]+" if " " in gap else r"[\W_]*")
        word = token.group()
        if _ARABIC_LETTER.match(word) and " " in f" {gap}":
            pieces.append(_ARABIC_CLITICS)
        pieces.extend(re.escape(letter) for letter in word.rstrip("*"))
        if word.endswith("*"):
            pieces.append(r"\w*")
    pieces.append(r"(?!\w)")
    return tuple(pieces)


def _trie_regex(sequences: Sequence[tuple[str, ...]]) -> str:
    """One alternation with shared prefixes factored out, so ``re`` tests each letter once."""
    trie: dict[str, Any] = {}
    for pieces in sequences:
        node = trie
        for piece in pieces:
            node = node.setdefault(piece, {})
    return _node_regex(trie)


def _node_regex(node: dict[str, Any]) -> str:
    branches = [piece + _node_regex(child) for piece, child in node.items()]
    if len(branches) <= 1:
        return "".join(branches)
    return "(?:" + "|".join(branches) + ")"


def read_entries(path: Path) -> tuple[Entry, ...]:
    """The entries of one list file.

    Raises:
        ValueError: a line that is not ``category<TAB>phrase`` with a known category, naming
            the file and line number.
    """
    entries: list[Entry] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{path.name} line {number}"
        category, tab, phrase = line.partition("\t")
        category, phrase = category.strip(), phrase.strip()
        if not tab or not phrase:
            raise ValueError(f"{where}: expected 'category<TAB>phrase', got {line!r}")
        if category not in _CATEGORIES:
            known = ", ".join(sorted(_CATEGORIES))
            raise ValueError(f"{where}: unknown category {category!r} (known: {known})")
        pattern = re.compile("".join(phrase_pieces(phrase, where)))
        entries.append(Entry(category, phrase, pattern))
    return tuple(entries)


def compile_list(language: str, entries: Sequence[Entry]) -> PhraseList:
    """One regex for the whole list that finds every word where some phrase starts."""
    trie = _trie_regex([phrase_pieces(entry.phrase, language) for entry in entries])
    by_letter: dict[str, list[Entry]] = {}
    for entry in entries:
        first = prepare(entry.phrase)[0]
        clitics = _CLITIC_LETTERS if _ARABIC_LETTER.match(first) else ""
        for letter in dict.fromkeys(first + clitics):
            by_letter.setdefault(letter, []).append(entry)
    return PhraseList(
        language,
        tuple(entries),
        re.compile(rf"(?<!\w)(?=(?:{trie}))"),
        {letter: tuple(group) for letter, group in by_letter.items()},
    )


@lru_cache(maxsize=8)
def load_lists(directory: Path = WORDS) -> tuple[PhraseList, ...]:
    """Every ``danger_<language>.txt`` in ``directory``, compiled, read once per directory."""
    files = sorted(directory.glob("danger_*.txt"))
    if not files:
        raise ValueError(f"no danger_*.txt word lists in {directory}")
    return tuple(
        compile_list(path.stem.removeprefix("danger_"), read_entries(path)) for path in files
    )


def _find(text: str, lists: Sequence[PhraseList]) -> list[tuple[int, int, str, Entry]]:
    """Every phrase found, as (start, end, language, entry), look-alikes included.

    The list's regex finds where phrases start (fast, and rare); each entry's own regex then
    says which phrases start there, so overlapping and nested phrases are all seen.
    """
    found: list[tuple[int, int, str, Entry]] = []
    for phrase_list in lists:
        for hit in phrase_list.pattern.finditer(text):
            start = hit.start()
            for entry in phrase_list.by_letter.get(text[start], ()):
                if match := entry.pattern.match(text, start):
                    found.append((match.start(), match.end(), phrase_list.language, entry))
    return found


def detect(text: str, lists: Sequence[PhraseList] | None = None) -> DangerMatch | None:
    """The danger a message speaks of, or None for an ordinary message.

    Phrases are named in the order they appear; one inside a longer match ("vill inte leva"
    in "vill inte leva längre") is not named again.
    """
    found = _find(prepare(text), load_lists() if lists is None else lists)
    found.sort(key=lambda hit: (hit[0], -hit[1]))
    if not found:
        return None
    excluded = [(start, end) for start, end, _, entry in found if entry.category == _NOT]
    danger = [
        (start, end, language, entry)
        for start, end, language, entry in found
        if entry.category != _NOT and not any(s < end and start < e for s, e in excluded)
    ]
    kept = [
        (language, entry)
        for start, end, language, entry in danger
        if not any(s <= start and end <= e and (s, e) != (start, end) for s, e, _, _ in danger)
    ]
    if not kept:
        return None
    return DangerMatch(
        categories=tuple(dict.fromkeys(entry.category for _, entry in kept)),
        phrases=tuple(dict.fromkeys(entry.phrase for _, entry in kept)),
        language_hints=tuple(dict.fromkeys(language for language, _ in kept)),
    )
