"""Taking a person's words out of the texts that quote them: names, numbers and what they wrote
are replaced by ``[erased]`` wherever they stand in a text (docs/privacy.md, "Erasure")."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

ERASED = "[erased]"
# What a person wrote is looked for in other texts only from this length on: "1", "ja" or "ok"
# are answers to a question, not words about anyone, and would match everywhere.
MIN_QUOTED = 3


class Scrubber:
    """Replaces a person's names, numbers and words in strings and JSON values."""

    def __init__(
        self,
        *,
        names: Iterable[str],
        numbers: Iterable[str],
        chats: Iterable[int],
        words: Iterable[str],
    ) -> None:
        self.chats = frozenset(chats)
        quoted = {w.strip() for w in words if len(w.strip()) >= MIN_QUOTED and w != ERASED}
        secrets = {s.strip() for s in (*names, *numbers) if s.strip() and s != ERASED}
        secrets |= quoted | {str(c) for c in self.chats}
        self.words = frozenset(quoted)
        # Longest first, so a whole message goes before a name inside it.
        alternatives = "|".join(re.escape(s) for s in sorted(secrets, key=len, reverse=True))
        self.pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)") if alternatives else None

    @classmethod
    def of_words(cls, words: Iterable[str]) -> Scrubber:
        """A scrubber for what a person wrote only (to find the messages that quote it)."""
        return cls(names=(), numbers=(), chats=(), words=words)

    def text(self, value: str) -> str:
        """``value`` with every secret replaced by the marker."""
        if self.pattern is None:
            return value
        return self.pattern.sub(ERASED, value)

    def value(self, value: Any) -> Any:
        """A JSON value (or a column's value) with every secret replaced, recursively."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in self.chats:
            return ERASED
        if isinstance(value, list | tuple):
            return [self.value(item) for item in value]
        if isinstance(value, dict):
            return {key: self.value(item) for key, item in value.items()}
        return value

    def quotes(self, value: Any) -> bool:
        """Whether a JSON value holds, as one of its strings, something the person wrote."""
        if isinstance(value, str):
            return value.strip() in self.words
        if isinstance(value, list | tuple):
            return any(self.quotes(item) for item in value)
        if isinstance(value, dict):
            return any(self.quotes(item) for item in value.values())
        return False
