"""Replies in Swedish, English, Arabic and Somali, one row per language, text and meaning."""

from __future__ import annotations

import pytest

from sigbot.messages import replies
from sigbot.messages.replies import ReplyKind, parse_reply, reply_language

Y, H, N, S, G, INFO, U = (
    ReplyKind.YES,
    ReplyKind.HELP,
    ReplyKind.NO,
    ReplyKind.STOP,
    ReplyKind.START,
    ReplyKind.INFO,
    ReplyKind.UNKNOWN,
)

SWEDISH = [
    pytest.param("sv", "1", Y, id="sv-digit-1"),
    pytest.param("sv", "ja", Y, id="sv-ja"),
    pytest.param("sv", "JA", Y, id="sv-ja-capitals"),
    pytest.param("sv", "Ja!", Y, id="sv-ja-exclamation"),
    pytest.param("sv", "ja 👍", Y, id="sv-ja-emoji"),
    pytest.param("sv", "jaaaa", Y, id="sv-ja-stretched"),
    pytest.param("sv", "Japp", Y, id="sv-japp"),
    pytest.param("sv", "jo.", Y, id="sv-jo-full-stop"),
    pytest.param("sv", "Absolut", Y, id="sv-absolut"),
    pytest.param("sv", "Jag kommer!", Y, id="sv-jag-kommer"),
    pytest.param("sv", "Ja, jag kommer :)", Y, id="sv-two-yeses-agree"),
    pytest.param("sv", "okej", Y, id="sv-okej"),
    pytest.param("sv", "HJÄLP", H, id="sv-hjalp-capitals"),
    pytest.param("sv", "hjalp", H, id="sv-hjalp-without-dots"),
    pytest.param("sv", "Hjälp mig!!", H, id="sv-hjalp-mig"),
    pytest.param("sv", "hjälp?", H, id="sv-help-with-question-mark-still-help"),
    pytest.param("sv", "NEJ", N, id="sv-nej-capitals"),
    pytest.param("sv", "nä", N, id="sv-na"),
    pytest.param("sv", "Nääää", N, id="sv-naa-stretched"),
    pytest.param("sv", "kan inte", N, id="sv-kan-inte"),
    pytest.param("sv", "Jag kommer inte.", N, id="sv-jag-kommer-inte"),
    pytest.param("sv", "STOPP", S, id="sv-stopp"),
    pytest.param("sv", "Sluta!", S, id="sv-sluta"),
    pytest.param("sv", "Starta", G, id="sv-starta"),
    pytest.param("sv", "info", INFO, id="sv-info"),
    pytest.param("sv", "ja men jag kommer sent", U, id="sv-yes-but-late-is-free-text"),
    pytest.param("sv", "nej tack till det men...", U, id="sv-no-thanks-but-is-free-text"),
    # "okej?" asks rather than answers ("okay? what do you mean?"): the coordinator reads it.
    pytest.param("sv", "okej?", U, id="sv-okej-question-is-free-text"),
    pytest.param("sv", "ja?", U, id="sv-ja-question-is-free-text"),
    pytest.param("sv", "absolut inte", U, id="sv-absolut-inte"),
    pytest.param("sv", "nej, jag kommer", U, id="sv-no-and-yes-disagree"),
    pytest.param("sv", "orkar inte", U, id="sv-orkar-inte-is-not-no"),
    pytest.param("sv", "j", U, id="sv-bare-j-is-not-yes"),
    pytest.param("sv", "kanske", U, id="sv-kanske"),
]

ENGLISH = [
    pytest.param("en", "１", Y, id="en-fullwidth-1"),
    pytest.param("en", "yes", Y, id="en-yes"),
    pytest.param("en", "YES!", Y, id="en-yes-capitals"),
    pytest.param("en", "Yeah", Y, id="en-yeah"),
    pytest.param("en", "yep 👍", Y, id="en-yep-emoji"),
    pytest.param("en", "yesss", Y, id="en-yes-stretched"),
    pytest.param("en", "y", Y, id="en-y"),
    pytest.param("en", "OK", Y, id="en-ok"),
    pytest.param("en", "okay.", Y, id="en-okay"),
    pytest.param("en", "I'm coming", Y, id="en-im-coming"),
    pytest.param("en", "Help", H, id="en-help"),
    pytest.param("en", "help me!", H, id="en-help-me"),
    pytest.param("en", "no", N, id="en-no"),
    pytest.param("en", "Nope", N, id="en-nope"),
    pytest.param("en", "can't come", N, id="en-cant-come"),
    pytest.param("en", "Can’t come", N, id="en-cant-come-curly-apostrophe"),
    pytest.param("en", "cannot come.", N, id="en-cannot-come"),
    pytest.param("en", "STOP", S, id="en-stop"),
    pytest.param("en", "Unsubscribe", S, id="en-unsubscribe"),
    pytest.param("en", "cancel", S, id="en-cancel-as-twilio-does"),
    pytest.param("en", "STOPALL", S, id="en-stopall"),
    pytest.param("en", "UNSTOP", G, id="en-unstop"),
    pytest.param("en", "Info?", INFO, id="en-info-question"),
    pytest.param("en", "INFORMATION", INFO, id="en-information"),
    pytest.param("en", "yes but late", U, id="en-yes-but-late"),
    pytest.param("en", "ok?", U, id="en-ok-question-is-free-text"),
    pytest.param("en", "I can't", U, id="en-i-cant-is-free-text"),
    pytest.param("en", "no idea", U, id="en-no-idea"),
    pytest.param("en", "maybe", U, id="en-maybe"),
]

ARABIC = [
    pytest.param("ar", "١", Y, id="ar-digit-1"),
    pytest.param("ar", "٢", H, id="ar-digit-2"),
    pytest.param("ar", "۳", N, id="ar-persian-digit-3"),
    pytest.param("ar", "نعم", Y, id="ar-naam"),
    pytest.param("ar", "نَعَمْ", Y, id="ar-naam-tashkeel"),
    pytest.param("ar", "نعم!", Y, id="ar-naam-exclamation"),
    pytest.param("ar", "أيوه", Y, id="ar-aywa-hamza"),
    pytest.param("ar", "ايوة", Y, id="ar-aywa-taa-marbuta"),
    pytest.param("ar", "اي", Y, id="ar-ee"),
    pytest.param("ar", "اكيد 👍", Y, id="ar-akeed-emoji"),
    pytest.param("ar", "حاضر", Y, id="ar-hader"),
    pytest.param("ar", "na3am", Y, id="ar-latin-na3am"),
    pytest.param("ar", "Aywa", Y, id="ar-latin-aywa"),
    pytest.param("ar", "مساعدة", H, id="ar-musaada"),
    pytest.param("ar", "مُسَاعَدَة", H, id="ar-musaada-tashkeel"),
    pytest.param("ar", "مساعده", H, id="ar-musaada-haa"),
    pytest.param("ar", "ساعدني", H, id="ar-saedni"),
    pytest.param("ar", "النجدة!", H, id="ar-alnajda"),
    pytest.param("ar", "لا", N, id="ar-la"),
    pytest.param("ar", "لأ", N, id="ar-la-hamza"),
    pytest.param("ar", "لاااا", N, id="ar-la-stretched"),
    pytest.param("ar", "La2", N, id="ar-latin-la2"),
    pytest.param("ar", "توقف", S, id="ar-tawaqqaf"),
    pytest.param("ar", "قف!", S, id="ar-qif"),
    pytest.param("ar", "إيقاف", S, id="ar-iqaf"),
    pytest.param("ar", "الغاء الاشتراك", S, id="ar-unsubscribe-without-hamza"),
    pytest.param("ar", "ابدأ", G, id="ar-ibda"),
    pytest.param("ar", "ابدَأْ", G, id="ar-ibda-tashkeel"),
    pytest.param("ar", "معلومات", INFO, id="ar-maalumat"),
    pytest.param("ar", "نعم؟", U, id="ar-naam-question-is-pardon"),
    pytest.param("ar", "ايه", U, id="ar-eh-is-what-in-egyptian"),
    pytest.param("ar", "مش قادر", U, id="ar-mish-qader-is-free-text"),
    pytest.param("ar", "أبداً", U, id="ar-abadan-never-is-not-start"),
    pytest.param("ar", "ابدا", U, id="ar-ibda-without-hamza-is-free-text"),
    pytest.param("ar", "إلغاء", U, id="ar-cancel-alone-is-free-text"),
    pytest.param("ar", "نعم ان شاء الله", U, id="ar-naam-inshallah"),
]

SOMALI = [
    pytest.param("so", "3", N, id="so-digit-3"),
    pytest.param("so", "haa", Y, id="so-haa"),
    pytest.param("so", "HAA", Y, id="so-haa-capitals"),
    pytest.param("so", "Haa!", Y, id="so-haa-exclamation"),
    pytest.param("so", "haaaa 😊", Y, id="so-haa-stretched-emoji"),
    pytest.param("so", "haye", Y, id="so-haye"),
    pytest.param("so", "Waan imanayaa", Y, id="so-waan-imanayaa"),
    pytest.param("so", "haa, waan imanayaa.", Y, id="so-two-yeses-agree"),
    pytest.param("so", "caawi", H, id="so-caawi"),
    pytest.param("so", "Caawimaad", H, id="so-caawimaad"),
    pytest.param("so", "i caawi!", H, id="so-i-caawi"),
    pytest.param("so", "maya", N, id="so-maya"),
    pytest.param("so", "Mayo.", N, id="so-mayo"),
    pytest.param("so", "ma imaan karo", N, id="so-ma-imaan-karo"),
    pytest.param("so", "JOOJI", S, id="so-jooji"),
    pytest.param("so", "jooj", S, id="so-jooj"),
    pytest.param("so", "bilow", G, id="so-bilow"),
    pytest.param("so", "Bilaab", G, id="so-bilaab"),
    pytest.param("so", "macluumaad", INFO, id="so-macluumaad"),
    pytest.param("so", "haa laakiin waan soo daahayaa", U, id="so-yes-but-late"),
    pytest.param("so", "maya?", U, id="so-maya-question"),
    pytest.param("so", "ha", U, id="so-short-ha-is-not-haa"),
    pytest.param("so", "malaha", U, id="so-malaha-maybe"),
]


@pytest.mark.parametrize(("language", "text", "kind"), SWEDISH + ENGLISH + ARABIC + SOMALI)
def test_parse_reply_in_four_languages(language: str, text: str, kind: ReplyKind) -> None:
    """Each language's answer words, as people type them, mean the same kinds."""
    assert parse_reply(text) == kind, language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        pytest.param("ja", "sv", id="sv-ja"),
        pytest.param("Stopp!", "sv", id="sv-stopp"),
        pytest.param("ok, jag kommer", "sv", id="sv-shared-ok-narrowed-by-swedish"),
        pytest.param("Yes", "en", id="en-yes"),
        pytest.param("نعم", "ar", id="ar-naam"),
        pytest.param("la2", "ar", id="ar-latin-la2"),
        pytest.param("haa", "so", id="so-haa"),
        pytest.param("1", None, id="digit"),
        pytest.param("١", None, id="arabic-digit"),
        pytest.param("ok", None, id="ok-is-shared"),
        pytest.param("START", None, id="start-is-shared"),
        pytest.param("info", None, id="info-is-shared"),
        pytest.param("kanske", None, id="free-text"),
        pytest.param("okej?", None, id="question"),
    ],
)
def test_reply_language(text: str, language: str | None) -> None:
    """A reply names its language only when exactly one language has that word."""
    assert reply_language(text) == language


@pytest.mark.parametrize("language", replies.LANGUAGES)
def test_every_listed_word_reads_as_its_kind(language: str) -> None:
    """No listed word is lost to clause splitting, the question rule or another list."""
    for kind, words in replies._WORDS[language].items():
        for word in words:
            assert parse_reply(word) == kind, word
            assert reply_language(word) in (language, None), word


def test_help_never_means_information() -> None:
    """HELP is "I need help" in every language; the request for information is INFO."""
    assert {parse_reply(w) for w in ("help", "hjälp", "مساعدة", "caawi")} == {ReplyKind.HELP}
    assert {parse_reply(w) for w in ("info", "معلومات", "macluumaad")} == {ReplyKind.INFO}
