"""Keys for entries written without one, so a re-import updates instead of duplicating
(docs/plan-file.md, "Re-import and identity"):

- appointment: ``who`` + ``what``, numbered in time order when one person has several of the
  same (``ali-bup``, ``ali-bup-2``); moving the time keeps the identity. Give a ``key`` when
  appointments of the same kind are added or removed between imports.
- meeting: ``kind`` numbered in time order (``network-1``, ``network-2``).
- commitment: ``owner`` + ``area`` numbered in file order (``ali-school-1``).
- consent: the givers joined, numbered in file order (``ali+sara-1``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable

from sigbot.planfile.resolved import PlanProblem


def slug(text: str) -> str:
    """``"Skolmöte i aula"`` -> ``skolmote-i-aula``: a key part from free text."""
    slugged = re.sub(r"[^a-z0-9]+", "-", text.lower().translate(str.maketrans("åäöéü", "aaoeu")))
    return slugged.strip("-")[:40] or "x"


def number(keys: Iterable[str]) -> list[str]:
    """Give repeated base keys a suffix: a, a -> a, a-2."""
    seen: Counter[str] = Counter()
    out = []
    for key in keys:
        seen[key] += 1
        out.append(key if seen[key] == 1 else f"{key}-{seen[key]}")
    return out


def keys_in_time_order(
    entries: list[tuple[int, str | None, dt.datetime | None]], bases: dict[int, str]
) -> dict[int, str]:
    """Keys for entries without one: their base, numbered in time order (file order on ties)."""
    ordered = sorted(
        ((i, at) for i, key, at in entries if key is None and at is not None),
        key=lambda entry: (entry[1], entry[0]),
    )
    return dict(zip((i for i, _ in ordered), number(bases[i] for i, _ in ordered), strict=True))


def renumber(key: str) -> str:
    """``ali-school-1-2`` (second of its kind) reads better as ``ali-school-2``."""
    match = re.fullmatch(r"(.+)-1-(\d+)", key)
    return f"{match.group(1)}-{match.group(2)}" if match else key


def check_unique(keys: Iterable[str], section: str, problems: list[PlanProblem]) -> None:
    """One problem per key used twice in ``section``."""
    counts = Counter(keys)
    for key, count in counts.items():
        if count > 1:
            problems.append(PlanProblem(section, f"duplicate key {key!r}"))
