"""Every message kind has its own SMS text: discreet on a lock screen, one segment long.

An SMS can be read by anyone holding the phone, so it names no person, place, agency, reason or
anything someone wrote; an alert to a coordinator by SMS names only the case reference and what
to do, and an alert says it is acknowledged by answering 1 (the contract's last paragraph;
docs/architecture.md, "Privacy").
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from sigbot.languages import codes
from sigbot.messages.composer import MessageComposer
from sigbot.messages.sms_segments import segments
from sigbot.messages.texts import SMS, TELEGRAM
from sigbot.messages.translator import Translator
from sigbot.models.enums import ChannelKind, MessageKind

CASE_REF = "ST-2026-014"
# Every language sigbot speaks, and Tigrinya, which has no catalog yet (it falls back to Swedish).
LANGUAGES = [*codes(), "ti"]
ONE_SEGMENT = frozenset({"sv", "en"})
FREE_TEXT = "Noah was beaten up by Malik at Tensta centrum, he has a knife"
# Every parameter any kind takes, filled with what must never reach a lock screen.
PARAMS: dict[str, Any] = {
    "case": CASE_REF,
    "who": "Leila Haddad",
    "name": "Noah",
    "coordinator": "Maja-Kristin",
    "what": "can't come",
    "what_id": None,
    "answer": FREE_TEXT,
    "text": FREE_TEXT,
    "events": "• BUP Järva psykiatri: kan inte komma\n• Jobbtorg Kista: inget svar",
    "place": "Maria Ungdom, Polishuset Tensta",
    "reason": "the person blocked the bot",
    "channel": "telegram",
    "fallback": True,
    "items": ["Gå till BUP Järva varje tisdag", "Ring socialtjänsten om polisen hör av sig"],
    "days": 7,
    "date": "2027-05-24",
    "last": "tis 1 dec. 15:00",
    "deadline": "2026-12-29",
    "when_utc": datetime(2026, 12, 30, 13, 30, tzinfo=UTC).isoformat(),
    "tz": "Europe/Stockholm",
    "escalation_id": 17,
    "n": 2,
    "cases": [
        {"ref": CASE_REF, "paused": False, "alerts": 2, "misses": 1, "today": "BUP Järva 10:00"},
        {"ref": "ST-2026-020", "paused": True, "alerts": 1, "misses": 0, "today": ""},
    ],
}
# Lower-case fragments no SMS may contain: agencies, clinics, places, people, what was written.
SECRETS = (
    "bup",
    "psykiatri",
    "psychiatry",
    "socialtjänst",
    "social serv",
    "polis",
    "police",
    "maria ungdom",
    "jobbtorg",
    "järva",
    "tensta",
    "kista",
    "leila",
    "haddad",
    "noah",
    "maja",
    "malik",
    "beaten",
    "knife",
    "blocked",
    "blockerat",
    "“",
    "”",
)
# Alerts to staff also name no reason (the family's texts offer "2 help", "3 can't come").
REASONS = ("help", "hjälp", "can't", "kan inte", "not done", "inte klart", "no answer", "svar:")
STAFF_KINDS = frozenset(
    {
        MessageKind.ESCALATION,
        MessageKind.ESCALATION_TEAM_LEAD,
        MessageKind.DELIVERY_FAILED,
        MessageKind.REPLY_ATTENTION,
        MessageKind.OPTED_OUT,
        MessageKind.OPTED_IN,
        MessageKind.TELEGRAM_RELINKED,
        MessageKind.TELEGRAM_STOPPED,
        MessageKind.CONSENT_EXPIRING,
        MessageKind.MEETING_OVERDUE,
        MessageKind.DAILY_OVERVIEW,
        MessageKind.MEMBER_NO_CHANNEL,
        MessageKind.MEMBER_NO_CONSENT,
    }
)
# Alerts a coordinator acknowledges, and how each language says "answer 1".
ACKNOWLEDGED = frozenset({MessageKind.ESCALATION, MessageKind.ESCALATION_TEAM_LEAD})
ANSWER_ONE = {"sv": "Svara 1", "en": "Answer 1", "ar": "1", "so": "1", "ti": "Svara 1"}


def _sms(kind: MessageKind, language: str, params: dict[str, Any] = PARAMS) -> str:
    return MessageComposer(Translator()).render(kind, ChannelKind.SMS, language, params)


def test_every_kind_has_its_own_sms_and_telegram_text() -> None:
    """No kind is left to borrow another channel's text: both tables cover every MessageKind."""
    assert set(MessageKind) - set(SMS) == set()
    assert set(MessageKind) - set(TELEGRAM) == set()


def test_a_kind_without_a_text_is_an_error() -> None:
    """Rendering a kind sigbot has no text for raises instead of sending something else."""
    with pytest.raises(KeyError):
        MessageComposer(Translator()).render("no_such_kind", ChannelKind.SMS, "sv", PARAMS)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", list(MessageKind))
def test_sms_names_nobody_and_fits_one_segment(kind: MessageKind, language: str) -> None:
    """Every kind's SMS hides names, places, agencies and free text and takes one segment
    (two at most where a language without a catalog brings its own script)."""
    body = _sms(kind, language)
    assert [word for word in SECRETS if word in body.lower()] == [], body
    assert segments(body) <= (1 if language in ONE_SEGMENT else 2), (len(body), body)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", sorted(STAFF_KINDS))
def test_staff_sms_gives_only_the_case_and_what_to_do(kind: MessageKind, language: str) -> None:
    """An alert by SMS names the case reference, no reason, and how to acknowledge it."""
    body = _sms(kind, language)
    assert [word for word in REASONS if word in body.lower()] == [], body
    if kind != MessageKind.DAILY_OVERVIEW:
        assert CASE_REF in body, body
    if kind in ACKNOWLEDGED:
        assert ANSWER_ONE[language] in body, body


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("sv", "ST-2026-014: nytt larm. Svara 1 för att kvittera. Detaljer finns i arbetsytan."),
        ("en", "ST-2026-014: new alert. Answer 1 to acknowledge. Details in the workspace."),
    ],
)
def test_escalation_sms_reads_like_this(language: str, expected: str) -> None:
    """A coordinator with only a phone reads exactly this for an escalation."""
    assert _sms(MessageKind.ESCALATION, language) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("sv", "God morgon! Öppna larm i dina ärenden: 3. Detaljer finns i arbetsytan."),
        ("en", "Good morning! Open alerts in your cases: 3. Details in the workspace."),
    ],
)
def test_daily_overview_sms_counts_open_alerts(language: str, expected: str) -> None:
    """The morning overview by SMS sums the open alerts of all cases and names none of them."""
    assert _sms(MessageKind.DAILY_OVERVIEW, language) == expected


def test_delivery_failed_sms_without_a_case_reference_still_renders() -> None:
    """A caller that passes no case reference gets a readable text, not a crash."""
    params = {k: v for k, v in PARAMS.items() if k != "case"}
    body = _sms(MessageKind.DELIVERY_FAILED, "sv", params)
    assert (
        body
        == "Ett av dina ärenden: ett meddelande kunde inte levereras. Detaljer finns i arbetsytan."
    )


@pytest.mark.parametrize("kind", sorted(STAFF_KINDS))
def test_telegram_alerts_keep_their_detail(kind: MessageKind) -> None:
    """Telegram is the coordinator's own chat: its alerts still say who and what."""
    body = MessageComposer(Translator()).render(kind, ChannelKind.TELEGRAM, "en", PARAMS)
    assert body != _sms(kind, "en")
