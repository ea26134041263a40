"""The journal in the reader's language: an entry is an event (kind, data, member), and its
sentence is made when it is read, from the templates in ``sigbot.journal_templates`` through the
message catalog. Words among the values (a status, an answer, a channel) are translated, times
are written in the reader's locale in the case's zone, and what people wrote or were sent stays
as it was. An entry whose data lacks a field its template needs (rows from before the data
carried it) shows the English ``summary`` it stored.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from functools import cache
from typing import Any, Protocol

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime

from sigbot.journal_templates import (
    DAYS,
    NO_CHANGE,
    PHRASED,
    PHRASES,
    TEMPLATES,
    TIMES,
    WORDS,
    Variant,
)
from sigbot.languages import is_rtl, isolate
from sigbot.models.kinds import JournalKind
from sigbot.timeutil import zone

DEFAULT_TZ = "Europe/Stockholm"
# Fields that may hold a message id of another text ("no answer", "the person blocked the bot").
LOOKED_UP = frozenset({"answer", "what", "detail", "reason"})


class Catalog(Protocol):
    def text(self, language: str, msgid: str, **params: Any) -> str: ...


@cache
def placeholders(text: str) -> tuple[str, ...]:
    """The ``{names}`` a template fills in."""
    return tuple(name for _, name, _, _ in string.Formatter().parse(text) if name)


def template_fields(kind: str) -> frozenset[str]:
    """Every field some variant of ``kind`` names: each must be in an entry's data."""
    names: set[str] = set()
    for text, when in TEMPLATES.get(kind, ()):
        names.update(placeholders(text))
        if when:
            names.add(when.split("=")[0])
    return frozenset(names - {"member", "body"})


def describe(
    kind: str,
    data: Mapping[str, Any],
    member: str | None,
    summary: str,
    language: str,
    catalog: Catalog,
) -> str:
    """The entry's sentence in ``language``; the stored ``summary`` when the data falls short."""
    variants = TEMPLATES.get(kind)
    if not variants or any(name not in data for name in template_fields(kind)):
        return summary
    values: dict[str, Any] = {**data, "member": member}
    if kind == JournalKind.MESSAGE_SENT:
        values["body"] = _body(summary, data.get("channel"))
    chosen = _choose(variants, values)
    if chosen is None:
        return summary
    tz = str(data.get("tz") or DEFAULT_TZ)
    try:
        shown = {n: _show(n, values[n], tz, language, catalog) for n in placeholders(chosen)}
        if is_rtl(language):  # names, times and quoted texts keep their own direction
            shown = {n: isolate(value) for n, value in shown.items()}
        return catalog.text(language, chosen, **shown)
    except (KeyError, ValueError, IndexError, TypeError):
        return summary


def _choose(variants: Iterable[Variant], values: Mapping[str, Any]) -> str | None:
    for text, when in variants:
        if when is not None:
            name, _, wanted = when.partition("=")
            if not (values.get(name) == wanted if wanted else values.get(name)):
                continue
        if all(values.get(name) is not None for name in placeholders(text)):
            return text
    return None


def _body(summary: str, channel: Any) -> str | None:
    """The text a message had, as its line stored it (erasure blanks it there)."""
    _, found, body = summary.partition(f" via {channel}: ")
    return body if found else None


def _show(name: str, value: Any, tz: str, language: str, catalog: Catalog) -> str:
    if name in TIMES:
        moment = _utc(str(value)).astimezone(zone(tz))
        return str(format_datetime(moment, "d MMM y HH:mm", locale=_locale(language)))
    if name in DAYS:
        text = str(value)
        day = _utc(text).astimezone(zone(tz)).date() if "T" in text else date.fromisoformat(text)
        return str(format_date(day, "d MMM y", locale=_locale(language)))
    if name in PHRASED:
        items = value if isinstance(value, list) else [value]
        if not items:
            return catalog.text(language, NO_CHANGE)
        return "; ".join(phrase(str(item), language, catalog, tz) for item in items)
    if isinstance(value, list):
        return ", ".join(word(name, item, language, catalog) for item in value)
    return word(name, value, language, catalog)


def _utc(text: str) -> datetime:
    """A stored moment; one without an offset is UTC, as the database keeps it."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def word(name: str, value: Any, language: str, catalog: Catalog) -> str:
    """A value in ``language`` when ``name`` holds words (or may hold a message id, as an
    escalation's answer does), else as it is."""
    if not isinstance(value, str):
        return str(value)
    words = WORDS.get(name, {})
    if value in words:
        return catalog.text(language, words[value])
    if name in LOOKED_UP and value:
        return catalog.text(language, value)
    return value


def phrase(text: str, language: str, catalog: Catalog, tz: str = DEFAULT_TZ) -> str:
    """One of our own English phrases ("place changed", "moved A → B") in ``language``; a
    phrase no pattern knows is shown as it is."""
    for pattern, msgid in _PATTERNS:
        found = pattern.fullmatch(text)
        if found is None:
            continue
        parts = {k: _part(k, v, language, catalog, tz) for k, v in found.groupdict().items()}
        return catalog.text(language, msgid, **parts)
    return text


def _part(name: str, value: str, language: str, catalog: Catalog, tz: str) -> str:
    if name in ("old", "new"):
        local = datetime.strptime(value, "%Y-%m-%d %H:%M").replace(tzinfo=zone(tz))
        return str(format_datetime(local, "d MMM y HH:mm", locale=_locale(language)))
    if name == "fields":
        return ", ".join(word(name, item.strip(), language, catalog) for item in value.split(","))
    return word(name, value, language, catalog)


_PATTERNS = tuple((re.compile(pattern), msgid) for pattern, msgid in PHRASES)


def _locale(language: str) -> str:
    """Babel's locale for ``language``; English when Babel does not know it."""
    try:
        Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return "en"
    return language


def render_lines(items: Iterable[Any], language: str, catalog: Catalog) -> str:
    """Journal items (``{kind, data, member, at, summary}``; a bare string from an older alert
    is its own summary) as bullet lines in ``language``, or "-" when there are none."""
    lines = []
    for item in items:
        if isinstance(item, Mapping):
            text = describe(
                str(item.get("kind") or ""),
                item.get("data") or {},
                item.get("member"),
                str(item.get("summary") or ""),
                language,
                catalog,
            )
        else:
            text = str(item)
        lines.append(f"• {text}")
    return "\n".join(lines) or "-"


def _msgids() -> tuple[str, ...]:
    ids: list[str] = [text for variants in TEMPLATES.values() for text, _ in variants]
    for words in WORDS.values():
        ids.extend(words.values())
    ids.append(NO_CHANGE)
    ids.extend(msgid for _, msgid in PHRASES)
    return tuple(dict.fromkeys(ids))


# Every message id the journal's sentences use, for the catalog (sigbot.messages.translator).
JOURNAL_MSGIDS: tuple[str, ...] = _msgids()
