"""Every message kind (and each wording variant) rendered in every language on both channels:
one language from start to end (every text it needs is in the reader's catalog, so nothing falls
back), an SMS at most two segments, GSM-7 where the language allows it (sv, en, so) and UCS-2
for Arabic, and no SMS that names a person, a place or what someone wrote.

``benchmarks/sms_segments.py`` prints the same renderings as a table of segment counts.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from sigbot.languages import ISOLATE_END, ISOLATE_START, codes, is_rtl
from sigbot.messages.composer import MessageComposer
from sigbot.messages.sms_segments import is_gsm7, segments
from sigbot.messages.translator import Translator
from sigbot.messages.variants import SMS_VARIANTS, TELEGRAM_VARIANTS
from sigbot.models.enums import ChannelKind, MessageKind

COMPOSER = MessageComposer(Translator())
# Every parameter any kind takes, as long as real ones get.
PARAMS: dict[str, Any] = {
    "case": "ST-2026-014",
    "who": "Leila Haddad",
    "name": "Noah",
    "coordinator": "Maja Lind",
    "what": "BUP Järva",
    "answer": "kan inte idag",
    "text": "Gå till skolan varje dag",
    "events": [
        {
            "kind": "reply.received",
            "data": {
                "channel": "sms",
                "text": "kan inte idag",
                "reply": "unknown",
                "button": False,
                "held": False,
            },
            "member": "Leila",
            "summary": "Leila wrote",
        },
    ],
    "place": "Tensta träff",
    "reason": "the person blocked the bot",
    "channel": "sms",
    "fallback": True,
    "items": ["Gå till skolan varje dag", "Ring skolan om frånvaro"],
    "days": 30,
    "date": "2027-05-24",
    "last": "2026-11-03",
    "deadline": "2026-12-01",
    "when_utc": datetime(2026, 12, 30, 13, 30, tzinfo=UTC).isoformat(),
    "tz": "Europe/Stockholm",
    "escalation_id": 17,
    "names": "Noah, Sara",
    "n": 2,
    "cases": [
        {"ref": "ST-2026-014", "paused": False, "alerts": 2, "misses": 1, "today": "BUP 10:00"},
        {"ref": "ST-2026-020", "paused": True, "alerts": 1, "misses": 0, "today": ""},
    ],
}
# (kind, variant) pairs: every kind as it is, and every variant of a kind.
WORDINGS = [(kind, None) for kind in MessageKind] + sorted(
    {key for key in (*SMS_VARIANTS, *TELEGRAM_VARIANTS)}
)
CHANNELS = (ChannelKind.SMS, ChannelKind.TELEGRAM)
# Names, places and what people wrote: shown as written, in any script.
PEOPLES_WORDS = ("Leila Haddad", "Leila", "kan inte idag", "ST-2026-014", "ST-2026-020", "BUP")
# What may stay in Latin letters inside an Arabic text: names of things and commands.
LATIN_ALLOWED = {
    "STOP",
    "START",
    "INFO",
    "SIG",
    "BRIS",
    "mind",
    "se",
    "Självmordslinjen",
    "stop",
    "SMS",
    "Telegram",
}


def render(kind: MessageKind, variant: str | None, channel: str, language: str) -> str:
    params = {**PARAMS, **({"variant": variant} if variant else {})}
    return COMPOSER.render(kind, channel, language, params)


def _wording_id(pair: tuple[MessageKind, str | None]) -> str:
    return f"{pair[0]}+{pair[1]}" if pair[1] else str(pair[0])


@pytest.mark.parametrize("language", codes())
@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("wording", WORDINGS, ids=_wording_id)
def test_a_message_is_whole_in_its_language(
    wording: tuple[MessageKind, str | None], channel: str, language: str
) -> None:
    kind, variant = wording
    params = {**PARAMS, **({"variant": variant} if variant else {})}
    assert COMPOSER.language_for(kind, channel, language, params) == language, (
        f"{kind} ({variant}) on {channel} lacks a {language} text: it would go out in Swedish"
    )
    body = render(kind, variant, channel, language)
    if is_rtl(language):
        bare = re.sub(f"{ISOLATE_START}.*?{ISOLATE_END}", " ", body, flags=re.S)
        for content in PEOPLES_WORDS:  # names and what people wrote stay as they were written
            bare = bare.replace(content, " ")
        latin = set(re.findall(r"[A-Za-zÅÄÖåäö]{2,}", bare)) - LATIN_ALLOWED
        assert latin == set(), f"Latin words in an Arabic text: {latin}: {body}"


@pytest.mark.parametrize("language", codes())
@pytest.mark.parametrize("wording", WORDINGS, ids=_wording_id)
def test_an_sms_fits_two_segments_in_the_alphabet_its_language_needs(
    wording: tuple[MessageKind, str | None], language: str
) -> None:
    kind, variant = wording
    body = render(kind, variant, ChannelKind.SMS, language)
    assert segments(body) <= 2, (segments(body), len(body), body)
    if language == "ar":
        assert not is_gsm7(body)  # Arabic script: UCS-2, 70 characters a segment
    else:
        assert is_gsm7(body), [ch for ch in body if not is_gsm7(ch)]


@pytest.mark.parametrize("language", codes())
@pytest.mark.parametrize("wording", WORDINGS, ids=_wording_id)
def test_an_sms_names_no_one_and_quotes_nothing(
    wording: tuple[MessageKind, str | None], language: str
) -> None:
    kind, variant = wording
    body = render(kind, variant, ChannelKind.SMS, language).lower()
    for secret in (
        "leila",
        "haddad",
        "noah",
        "maja",
        "bup",
        "järva",
        "tensta",
        "kan inte idag",
        "gå till skolan",
    ):
        assert secret not in body, (secret, body)


@pytest.mark.parametrize("language", codes())
@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("kind", [MessageKind.DANGER_ANSWER, MessageKind.DANGER_ANSWER_UNKNOWN])
def test_the_danger_answer_gives_every_number_in_every_language(
    kind: MessageKind, channel: str, language: str
) -> None:
    body = render(kind, None, channel, language)
    assert all(number in body for number in ("112", "116 111", "90101")), body
