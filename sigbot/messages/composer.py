"""Turns a message kind and its parameters into the text and buttons one person gets.

The texts themselves are in ``sigbot.messages.texts``; this fills them in from the catalog of the
recipient's language, translating the values that are themselves message ids, and writes times
in the case's zone (docs/architecture.md, "How a message travels"). A message is in one language
from start to end: if any text it needs is missing from the reader's catalog, the whole message,
its date and its buttons are in Swedish instead (``sigbot.languages.FALLBACK``). In a
right-to-left language the filled-in values (times, references, names) are Unicode isolates, so
"ST-2026-014" or "10:00" read the right way round inside Arabic.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from babel.dates import format_datetime

from sigbot.channels.base import Attachment, Button
from sigbot.journal_texts import render_lines
from sigbot.languages import FALLBACK, is_rtl, isolate
from sigbot.messages.attachments import Titles, calendar_file, carries_calendar
from sigbot.messages.buttons import encode_answer, encode_escalation
from sigbot.messages.replies import ReplyKind
from sigbot.messages.texts import (
    ESCALATION_LABELS,
    FALLBACK_NONE,
    FALLBACK_TRYING,
    OVERVIEW_LINE,
    OVERVIEW_PAUSED,
    OVERVIEW_TODAY,
    PLACE,
    PROMPT_LABELS,
    SMS,
    SOME_CASE,
    TELEGRAM,
    TWO_MISSES,
    VALUE_MSGIDS,
)
from sigbot.messages.variants import SMS_VARIANTS, TELEGRAM_VARIANTS
from sigbot.models.enums import ChannelKind, MessageKind
from sigbot.models.messaging import OutboxMessage
from sigbot.timeutil import zone

# Parameters whose value may be a message id (VALUE_MSGIDS) to show in the reader's language.
TRANSLATED_VALUES = ("answer", "what", "reason")
ESCALATION_KINDS = frozenset(
    {MessageKind.ESCALATION, MessageKind.ESCALATION_TEAM_LEAD, MessageKind.ESCALATION_URGENT}
)
# A variant that asks nothing: no buttons under it.
SILENT_VARIANTS = frozenset({"see_you"})


def _known(kind: str) -> MessageKind | None:
    """The kinds are stored as plain strings; one we have no text for is None."""
    try:
        return MessageKind(kind)
    except ValueError:
        return None


class Catalog(Protocol):
    def text(self, language: str, msgid: str, **params: Any) -> str: ...

    def translated(self, language: str, msgid: str) -> bool: ...


class SourceCatalog:
    """The English source texts with placeholders filled: the catalog of last resort."""

    def text(self, language: str, msgid: str, **params: Any) -> str:
        return msgid.format(**params) if params else msgid

    def translated(self, language: str, msgid: str) -> bool:
        return True


class _Watched:
    """A catalog that notes whether a text was missing in the language asked for."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.missing = False

    def text(self, language: str, msgid: str, **params: Any) -> str:
        if language != "en" and not self.catalog.translated(language, msgid):
            self.missing = True
        return self.catalog.text(language, msgid, **params)

    def translated(self, language: str, msgid: str) -> bool:
        return self.catalog.translated(language, msgid)


# Values put into a text that are not words of the reader's language.
ISOLATED_VALUES = (
    "answer",
    "channel",
    "when",
    "case",
    "date",
    "deadline",
    "last",
    "place",
    "name",
    "who",
    "what",
    "coordinator",
    "text",
    "names",
    "phone",
    "ref",
)


def format_when(moment: datetime, tz_name: str, language: str) -> str:
    """A short local date and time a teenager reads easily: "tors 26 nov. 10:00"."""
    local = moment.astimezone(zone(tz_name))
    try:
        return str(format_datetime(local, "EEE d MMM HH:mm", locale=language))
    except (ValueError, LookupError):
        return str(format_datetime(local, "EEE d MMM HH:mm", locale="en"))


class MessageComposer:
    """Renders message kinds into texts and buttons in the recipient's language."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def expects_reply(self, kind: str) -> bool:
        return _known(kind) in PROMPT_LABELS

    def render(self, kind: str, channel: str, language: str, params: dict[str, Any]) -> str:
        """The body from the channel's own table: an SMS never borrows Telegram's detail.

        Raises:
            KeyError: the channel has no text for ``kind`` (nothing else is sent instead).
        """
        body, complete = self._render_watched(kind, channel, language, params)
        if complete:
            return body
        return self._render(self.catalog, kind, channel, FALLBACK, params)

    def language_for(self, kind: str, channel: str, language: str, params: dict[str, Any]) -> str:
        """``language`` if its catalog has every text this message needs, else the fallback."""
        return language if self._render_watched(kind, channel, language, params)[1] else FALLBACK

    def _render_watched(
        self, kind: str, channel: str, language: str, params: dict[str, Any]
    ) -> tuple[str, bool]:
        """The body in ``language``, and whether every text it and its buttons need was there
        (English is the source, Swedish the fallback: both count as complete)."""
        if language in ("en", FALLBACK):
            return self._render(self.catalog, kind, channel, language, params), True
        watched = _Watched(self.catalog)
        body = self._render(watched, kind, channel, language, params)
        self._labels(watched, kind, channel, language)
        return body, not watched.missing

    def _render(
        self, catalog: Catalog, kind: str, channel: str, language: str, params: dict[str, Any]
    ) -> str:
        known = _known(kind)
        table = SMS if channel == ChannelKind.SMS else TELEGRAM
        variants = SMS_VARIANTS if channel == ChannelKind.SMS else TELEGRAM_VARIANTS
        msgid = table.get(known) if known is not None else None
        variant = params.get("variant")
        if known is not None and variant and (known, variant) in variants:
            msgid = variants[(known, variant)]
        if msgid is None:
            raise KeyError(f"no {channel} text for message kind {kind!r}")
        values = self._values(catalog, kind, language, params)
        if is_rtl(language):
            values = {k: isolate(str(v)) if k in ISOLATED_VALUES else v for k, v in values.items()}
        return catalog.text(language, msgid, **values)

    def _values(
        self, catalog: Catalog, kind: str, language: str, params: dict[str, Any]
    ) -> dict[str, Any]:
        values: dict[str, Any] = {k: v for k, v in params.items() if not isinstance(v, list)}
        for key in TRANSLATED_VALUES:
            if values.get(key) in VALUE_MSGIDS:
                values[key] = catalog.text(language, str(values[key]))
        if params.get("what_id") == TWO_MISSES:
            values["what"] = catalog.text(language, TWO_MISSES, n=params.get("n", 2))
        if "when_utc" in params:
            values["when"] = format_when(
                datetime.fromisoformat(str(params["when_utc"])),
                str(params.get("tz") or "Europe/Stockholm"),
                language,
            )
        place = str(params.get("place") or "")
        if place and is_rtl(language):
            place = isolate(place)
        values["at_place"] = catalog.text(language, PLACE, place=place) if place else ""
        if kind == MessageKind.DAILY_OVERVIEW:
            cases = params.get("cases", [])
            values["lines"] = "\n".join(
                self._overview_line(catalog, language, case) for case in cases
            )
            values["alerts"] = sum(int(case.get("alerts") or 0) for case in cases)
        if "items" in params:
            items = [isolate(str(i)) if is_rtl(language) else str(i) for i in params["items"]]
            values["items"] = "\n".join(f"• {item}" for item in items)
        if isinstance(params.get("events"), list):
            values["events"] = render_lines(params["events"], language, catalog)
        if kind == MessageKind.DELIVERY_FAILED:
            values["fallback_note"] = (
                catalog.text(language, FALLBACK_TRYING)
                if params.get("fallback")
                else catalog.text(language, FALLBACK_NONE)
            )
        values.setdefault("coordinator", "")
        if not values.get("case"):
            values["case"] = catalog.text(language, SOME_CASE)
        return values

    def _overview_line(self, catalog: Catalog, language: str, case: dict[str, Any]) -> str:
        paused = catalog.text(language, OVERVIEW_PAUSED) if case.get("paused") else ""
        line = "• " + catalog.text(
            language,
            OVERVIEW_LINE,
            ref=case["ref"],
            paused=paused,
            alerts=case["alerts"],
            misses=case["misses"],
        )
        if case.get("today"):
            line += catalog.text(language, OVERVIEW_TODAY, events=case["today"])
        return line

    def buttons(
        self, kind: str, channel: str, language: str, outbox_id: int, params: dict[str, Any]
    ) -> tuple[tuple[Button, ...], ...]:
        """Telegram only: yes/no on one row and help below, or the coordinator's three."""
        if channel != ChannelKind.TELEGRAM:
            return ()
        if params.get("variant") in SILENT_VARIANTS:
            return ()
        language = self.language_for(kind, channel, language, params)
        known = _known(kind)
        labels = PROMPT_LABELS.get(known) if known is not None else None
        if labels is not None:
            yes, help_, no = (self.catalog.text(language, label) for label in labels)
            return (
                (
                    Button(yes, encode_answer(ReplyKind.YES, outbox_id)),
                    Button(no, encode_answer(ReplyKind.NO, outbox_id)),
                ),
                (Button(help_, encode_answer(ReplyKind.HELP, outbox_id)),),
            )
        if known in ESCALATION_KINDS and "escalation_id" in params:
            eid = int(params["escalation_id"])
            return (
                tuple(
                    Button(self.catalog.text(language, label), encode_escalation(action, eid))
                    for action, label in ESCALATION_LABELS.items()
                ),
            )
        return ()

    def attachment(self, row: OutboxMessage) -> Attachment | None:
        """The calendar file a Telegram message about an event's time carries (its title in
        the message's own language; made from the row alone, so a retry sends the same)."""
        if not carries_calendar(row):
            return None
        params = dict(row.params or {})
        language = self.language_for(row.kind, row.channel, row.language, params)
        title = Titles(self.catalog.text).of(row, language)
        return calendar_file(row, title, row.created_at)

    @staticmethod
    def _labels(catalog: Catalog, kind: str, channel: str, language: str) -> None:
        """Look up the button labels, so a missing label counts as a missing text."""
        if channel != ChannelKind.TELEGRAM:
            return
        known = _known(kind)
        labels: list[str] = list(PROMPT_LABELS.get(known, ())) if known is not None else []
        if known in ESCALATION_KINDS:
            labels.extend(ESCALATION_LABELS.values())
        for label in labels:
            catalog.text(language, label)
