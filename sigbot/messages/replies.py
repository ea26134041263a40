"""What a typed reply means, in Swedish, English, Arabic and Somali.

People answer reminders from their phones in their own language: ``1``/``١``/``۱``, "Ja!",
"نعم", "haa". One table, keyed by the plain form (``sigbot.messages.normalize``), says what each
answer word means and which languages it belongs to, so ``parse_reply`` is a dict lookup and
``reply_language`` tells the caller which language a person answers in. Buttons carry the same
kinds; their payloads are read in ``sigbot.messages.buttons``.

A reply is read as a whole: "ja men jag kommer sent" is free text for the coordinator, never a
yes. A wrong "yes" hides a problem from the coordinator, while free text only costs them a
glance, so doubtful words are left out of the table on purpose (the comments say which).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from sigbot.messages.normalize import plain, plain_reply


class ReplyKind(StrEnum):
    YES = "yes"
    HELP = "help"  # "I need help": the coordinator is alerted; never "send me information"
    NO = "no"
    STOP = "stop"
    START = "start"
    INFO = "info"  # "what is this?": what the bot does and who the coordinator is
    UNKNOWN = "unknown"


LANGUAGES = ("sv", "en", "ar", "so")

K = ReplyKind  # short, so each language's lists stay one line per kind

# "ok" alone is read as yes in every language (ok/okej, تمام, haye). Each question the bot asks
# has yes as its "fine" answer: "coming?", "how are you? 1 all good", a coordinator's "answer 1
# to acknowledge". Read as free text, an "ok" would leave the question open, and the silence
# would later be escalated as a miss. "ok?" is a question and stays free text (see _ANSWERS).
_WORDS: dict[str, dict[ReplyKind, tuple[str, ...]]] = {
    "sv": {
        # No bare "j": Swedes write "ja"/"japp", and a stray letter must not confirm anything.
        K.YES: ("ja", "jaa", "japp", "jepp", "jo", "absolut", "kommer", "jag kommer", "ok", "okej"),
        K.HELP: ("hjälp", "hjälp mig"),
        # "kan inte" is "can't [make it]"; despair is written "orkar inte", which stays free text.
        K.NO: ("nej", "nä", "nää", "kan inte", "kommer inte", "jag kommer inte"),
        K.STOP: ("stopp", "stop", "sluta"),
        K.START: ("start", "starta"),
        K.INFO: ("info", "information"),
    },
    "en": {
        K.YES: ("yes", "yeah", "yep", "yup", "y", "ok", "okay", "coming", "i'm coming"),
        K.HELP: ("help", "help me"),
        # No bare "can't": "I can't" is as often "I can't cope" as "I can't come".
        K.NO: ("no", "nope", "nah", "n", "can't come", "cannot come", "not coming"),
        # Twilio's own opt-out words: Twilio blocks the number on any of them, so we must agree,
        # even where "cancel" might have meant the appointment.
        K.STOP: ("stop", "stopall", "unsubscribe", "cancel", "end", "quit"),
        K.START: ("start", "unstop"),
        K.INFO: ("info", "information"),
    },
    "ar": {
        # Not "ايه": in Levantine it is "yes", in Egyptian "what?". "اي" is the Levantine and
        # Iraqi yes; "أي؟" (which?) ends in a question mark and stays free text.
        # Latin-letter Arabic ("Arabizi") writes ع as 3 and ء as 2.
        K.YES: ("نعم", "أيوه", "ايوا", "اي", "أكيد", "حاضر", "تمام", "na3am", "aywa", "aiwa"),
        K.HELP: ("مساعدة", "ساعدني", "ساعدوني", "النجدة"),
        # Not "مش قادر": "I can't" there reads as "I can't go on" as often as "I can't come".
        K.NO: ("لا", "لأ", "لاء", "la", "la2"),
        # Not bare "إلغاء" (cancel): to a reminder it more likely means the appointment.
        K.STOP: ("توقف", "قف", "أوقف", "إيقاف", "إلغاء الاشتراك"),
        K.START: ("ابدأ",),  # needs its final hamza, see _START_AR
        K.INFO: ("معلومات",),
    },
    "so": {
        K.YES: ("haa", "haye", "waan imanayaa"),  # haye: "all right", Somali's "ok"
        K.HELP: ("caawi", "caawimaad", "i caawi"),
        K.NO: ("maya", "mayo", "ma imaan karo"),
        K.STOP: ("jooji", "jooj"),  # jooj: the clipped imperative people type
        K.START: ("bilow", "bilaab"),
        K.INFO: ("macluumaad",),
    },
}
_DIGITS = {"1": K.YES, "2": K.HELP, "3": K.NO}

# "ابدأ" (start!) and "أبداً" (never) are one word once hamza and vowel marks are folded away,
# and "never" is a likely answer to "are you coming?". Only a written final hamza makes it START.
_START_AR = plain_reply("ابدأ")
_FINAL_HAMZA = "بدأ"
_ARABIC_VOWEL_MARKS = re.compile("[\u064b-\u0652\u0670]")

# Yes and no followed by a question mark are questions ("ja?", "ok?", "نعم؟" = "pardon?").
_ANSWERS = frozenset({K.YES, K.NO})
_APOSTROPHES = str.maketrans("", "", "'’‘ʼ`")
# "Ja, jag kommer!" is two answers that agree; "ja men ..." has no punctuation and stays whole.
_CLAUSE = re.compile(r"\s*[,.!;]+\s*")
# Chat stretches words: "jaaa", "neeej", "لاااا". Three or more of one letter are tried as one
# and as two, so "haaa" still finds Somali "haa" and "neeeej" finds "nej".
_STRETCH = re.compile(r"([^\W\d_])\1{2,}")


@dataclass(frozen=True)
class _Entry:
    kind: ReplyKind
    languages: frozenset[str]


def _key(text: str) -> str:
    """The form both the table and a reply are compared in: plain, without apostrophes."""
    return plain_reply(text.translate(_APOSTROPHES))


def _build() -> dict[str, _Entry]:
    """One entry per plain word; a word two kinds claim is a mistake in the lists."""
    table = {digit: _Entry(kind, frozenset(LANGUAGES)) for digit, kind in _DIGITS.items()}
    for language, kinds in _WORDS.items():
        for kind, words in kinds.items():
            for word in words:
                key = _key(word)
                old = table.get(key)
                if old is not None and old.kind is not kind:
                    raise ValueError(f"{word!r} is both {old.kind} and {kind}")
                langs = old.languages if old else frozenset()
                table[key] = _Entry(kind, langs | {language})
    return table


_TABLE = _build()


def _lookup(clause: str) -> _Entry | None:
    """The clause as written, else with stretched letters brought back to two, then to one."""
    for candidate in (clause, _STRETCH.sub(r"\1\1", clause), _STRETCH.sub(r"\1", clause)):
        entry = _TABLE.get(candidate)
        if entry is not None:
            return entry
    return None


def _read(text: str) -> _Entry | None:
    """What ``text`` answers, or None when it is free text."""
    core = _key(text)
    if not core:
        return None
    clauses = _CLAUSE.split(core)
    if _START_AR in clauses and _FINAL_HAMZA not in _without_vowel_marks(text):
        return None
    entries: list[_Entry] = []
    for clause in clauses:
        entry = _lookup(clause)
        if entry is None:
            return None
        entries.append(entry)
    kinds = {entry.kind for entry in entries}
    if len(kinds) != 1:
        return None
    kind = kinds.pop()
    if kind in _ANSWERS and _asks(text, core):
        return None
    return _Entry(kind, frozenset(LANGUAGES).intersection(*(e.languages for e in entries)))


def _asks(text: str, core: str) -> bool:
    """Whether a question mark follows the reply ("ja?", "okej?!", "نعم؟")."""
    whole = plain(text.translate(_APOSTROPHES))
    return "?" in whole[whole.find(core) + len(core) :]


def _without_vowel_marks(text: str) -> str:
    """Arabic without vowel marks but with its hamza letters, which ``plain`` folds away."""
    return _ARABIC_VOWEL_MARKS.sub("", unicodedata.normalize("NFC", text))


def parse_reply(text: str) -> ReplyKind:
    """Digits in any script and answer words in four languages; anything else is UNKNOWN."""
    entry = _read(text)
    return entry.kind if entry else ReplyKind.UNKNOWN


def reply_language(text: str) -> str | None:
    """The language whose answer word ``text`` is ("sv", "en", "ar", "so").

    None for digits, for words several languages share ("ok", "start", "info") and for free
    text, so a person's language is learnt only from a reply that can say it.
    """
    entry = _read(text)
    if entry is None or len(entry.languages) != 1:
        return None
    return next(iter(entry.languages))
