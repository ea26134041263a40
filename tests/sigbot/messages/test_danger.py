"""Danger words, table by table: what must alarm, what must not, and how the lists are read.

The sentences here are not the benchmark corpora (benchmarks/data/), so a list tuned on the
corpora is checked on text it was not tuned on.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sigbot.messages.danger import DangerMatch, detect, load_lists

P = pytest.param

DANGER = [
    # Swedish
    P("jag vill inte leva längre", "suicide", id="sv-vill-inte-leva"),
    P("Jag vill DÖ", "suicide", id="sv-vill-do-capitals"),
    P("vill ba dö asså", "suicide", id="sv-vill-ba-do"),
    P("jag vill döööö", "suicide", id="sv-letter-run"),
    P("orkar inte leva mer ärligt", "suicide", id="sv-orkar-inte-leva"),
    P("tänker ta livet av mig ikväll", "suicide", id="sv-ta-livet-av-mig"),
    P("jag har skurit mig igen", "self_harm", id="sv-skurit-mig"),
    P("jag har cuttat mig", "self_harm", id="sv-cuttat"),
    P("han slår mig varje dag", "violence", id="sv-han-slar-mig"),
    P("pappa hotar att döda mamma", "threat", id="sv-hotar-att-doda"),
    P("en kille har en kniv i skolan", "weapon", id="sv-har-en-kniv"),
    P("jag vågar inte gå hem ikväll", "abuse", id="sv-vagar-inte-ga-hem"),
    P("ok men jag vill inte leva", "suicide", id="sv-after-ordinary-words"),
    # English
    P("kms", "suicide", id="en-kms"),
    P("honestly i wanna die", "suicide", id="en-wanna-die"),
    P("im going to kill myself", "suicide", id="en-kill-myself"),
    P("thinking of unaliving myself", "suicide", id="en-unalive"),
    P("i dont want to live anymore", "suicide", id="en-dont-without-apostrophe"),
    P("I don’t want to be here anymore", "suicide", id="en-curly-apostrophe"),
    P("started cutting myself again", "self_harm", id="en-cutting-myself"),
    P("he hits me when mum is out", "violence", id="en-he-hits-me"),
    P("my brother got stabbed", "violence", id="en-stabbed"),
    P("he threatened to hurt my sister", "threat", id="en-threatened"),
    P("he has a gun in his bag", "weapon", id="en-gun"),
    P("my uncle touches me", "abuse", id="en-touches-me"),
    # Arabic
    P("بدي موت", "suicide", id="ar-bdi-mut"),
    P("بدي أموت", "suicide", id="ar-bdi-amut-hamza"),
    P("بدي اموت", "suicide", id="ar-bdi-amut-no-hamza"),
    P("وبدي انتحر", "suicide", id="ar-clitic-wa"),
    P("ما بدي عيش", "suicide", id="ar-ma-bdi-3ish"),
    P("أريد أن أموت", "suicide", id="ar-msa"),
    P("رح أقتل حالي", "suicide", id="ar-aqtul-hali"),
    P("جرحت نفسي مرة ثانية", "self_harm", id="ar-jarahtu-nafsi"),
    P("أبوي يضربني كل يوم", "violence", id="ar-yadribuni"),
    P("هددوني بالقتل", "threat", id="ar-haddaduni"),
    P("معه مسدس", "weapon", id="ar-musaddas"),
    P("خايفة ارجع عالبيت", "abuse", id="ar-khayfe-arja3"),
    P("bdi moot", "suicide", id="ar-arabizi"),
    # Somali
    P("waxaan rabaa inaan dhinto", "suicide", id="so-inaan-dhinto"),
    P("ma rabo inaan noolaado", "suicide", id="so-ma-rabo-noolaado"),
    P("waan is dilayaa", "suicide", id="so-is-dilayaa"),
    P("caawa ayaan is dili doonaa", "suicide", id="so-is-dili"),
    P("waan is jaray mar kale", "self_harm", id="so-is-jaray"),
    P("aabahay wuu i garaacaa", "violence", id="so-i-garaacaa"),
    P("adeer wuu na garaacay", "violence", id="so-na-garaacay"),
    P("wuu i dileyaa", "violence", id="so-spelling-ey"),
    P("wuxuu igu hanjabay", "threat", id="so-hanjabay"),
    P("mindi ayuu haystaa", "weapon", id="so-mindi"),
    P("waa la i kufsaday", "abuse", id="so-kufsaday"),
    P("waan ka cabsanayaa aabahay", "abuse", id="so-afraid-of-father"),
    # mixed languages in one message
    P("ok tack men i wanna die", "suicide", id="mixed-sv-en"),
]

ORDINARY = [
    # Swedish
    P("ok tack", id="sv-ok-tack"),
    P("kommer 10 min sent", id="sv-late"),
    P("vi är sjuka idag", id="sv-sick"),
    P("jag dör av skratt", id="sv-dor-av-skratt"),
    P("det var döda tråkigt", id="sv-doda-trakigt"),
    P("jag skjuter upp mötet", id="sv-skjuter-upp"),
    P("jag är mördande trött", id="sv-mordande-trott"),
    P("det slår mig att vi glömt", id="sv-det-slar-mig"),
    P("jag slår mig ner i väntrummet", id="sv-slar-mig-ner"),
    P("vi gittar nu", id="sv-gitta"),
    P("lite knivigt med tiden", id="sv-knivigt"),
    P("hon spöade mig i fifa", id="sv-spoade-i-fifa"),
    P("min farmor dog i helgen", id="sv-grandmother-died"),
    # English
    P("ok", id="en-ok"),
    P("can we move it", id="en-move-it"),
    P("the exam killed me", id="en-exam-killed-me"),
    P("this traffic is killing me", id="en-killing-me"),
    P("I was dying laughing", id="en-dying-laughing"),
    P("I could kill myself laughing at that video", id="en-kill-myself-laughing"),
    P("hit me up when you're free", id="en-hit-me-up"),
    P("shoot me a text later", id="en-shoot-me-a-text"),
    P("we had a photo shoot", id="en-photo-shoot"),
    P("beats me", id="en-beats-me"),
    P("can't go on Friday", id="en-cant-go-on-friday"),
    P("we live 4 kms away", id="en-kms-distance"),
    # Arabic
    P("تمام شكراً", id="ar-tamam"),
    P("رح اتأخر شوي", id="ar-late"),
    P("نحنا مرضانين اليوم", id="ar-sick"),
    P("بموت من الضحك", id="ar-laughter"),
    P("بدي اموت من الضحك", id="ar-want-die-laughing"),
    P("اموت من الجوع", id="ar-hunger"),
    P("بموت فيك", id="ar-love"),
    P("الحر رح يقتلني", id="ar-heat"),
    P("ابني عم يتعلم جدول الضرب", id="ar-multiplication"),
    P("بدي روح عالبيت", id="ar-go-home"),
    P("اشتريت قلم رصاص", id="ar-pencil"),
    P("عيد مبارك", id="ar-eid"),
    # Somali
    P("haa mahadsanid", id="so-yes-thanks"),
    P("waan soo daahayaa", id="so-late"),
    P("maanta waan xanuunsanahay", id="so-sick"),
    P("gaajo ayaa i dileysa", id="so-hunger-kills-me"),
    P("imtixaanka ayaa i dilay", id="so-exam-killed-me"),
    P("awoowe wuu dhintay, aas ayaan joognaa", id="so-funeral"),
    P("garaacay albaabka qofna ma furin", id="so-knocked-door"),
    P("ma hubo saacadda", id="so-hubo-not-sure"),
    P("waan qori doonaa", id="so-qori-write"),
    P("waxaan rabaa inaan noolaado si fiican", id="so-want-to-live-well"),
    P("ma rabo inaan maanta aado", id="so-dont-want-to-go"),
    P("my son is diligent", id="so-look-alike-in-english"),
]


@pytest.mark.parametrize(("text", "category"), DANGER)
def test_danger_messages_alarm(text: str, category: str) -> None:
    """Each message is flagged, with the category a coordinator would give it."""
    found = detect(text)
    assert found is not None
    assert category in found.categories


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_messages_pass(text: str) -> None:
    """Everyday replies, look-alikes included, raise no alarm."""
    assert detect(text) is None


def test_match_names_phrases_as_written_and_lists() -> None:
    """The match quotes the list's own phrase and names every list that matched."""
    found = detect("I want to die, jag vill inte leva längre")
    assert found == DangerMatch(
        categories=("suicide",),
        phrases=("want to die", "vill inte leva langre"),
        language_hints=("en", "sv"),
    )


def test_look_alike_cancels_only_what_it_overlaps() -> None:
    """A look-alike elsewhere in the message does not hide a real danger phrase."""
    found = detect("jag dör av skratt men han slår mig")
    assert found is not None
    assert found.categories == ("violence",)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_loader_reads_comments_wildcards_and_not(tmp_path: Path) -> None:
    """Comments and blank lines are skipped; `*` ends a word; `not` cancels its look-alike."""
    write(tmp_path, "danger_xx.txt", "# header\n\nweapon\tkniv*\nnot\tknivig*\n")
    lists = load_lists(tmp_path)
    assert [lst.language for lst in lists] == ["xx"]
    assert detect("har knivar", lists) == DangerMatch(("weapon",), ("kniv*",), ("xx",))
    assert detect("det är knivigt", lists) is None


def test_loader_normalises_phrases(tmp_path: Path) -> None:
    """A phrase written with dots or hamza matches the plain spelling, and the other way."""
    write(tmp_path, "danger_xx.txt", "suicide\tvill dö\nsuicide\tبدي أموت\n")
    lists = load_lists(tmp_path)
    assert detect("VILL DO", lists) is not None
    assert detect("بدي اموت", lists) is not None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        P("danger\tkniv\n", "danger_bad.txt line 2: unknown category 'danger'", id="category"),
        P("weapon kniv\n", "danger_bad.txt line 2: expected 'category<TAB>phrase'", id="no-tab"),
        P("weapon\t\n", "danger_bad.txt line 2: expected 'category<TAB>phrase'", id="no-phrase"),
        P("weapon\tkn*iv\n", "danger_bad.txt line 2: cannot read 'kn*iv'", id="star-inside"),
        P("weapon\t*\n", "danger_bad.txt line 2: cannot read '*'", id="star-alone"),
    ],
)
def test_loader_rejects_bad_lines(tmp_path: Path, line: str, message: str) -> None:
    """A bad line fails loading with the file name and line number."""
    write(tmp_path, "danger_bad.txt", "# header\n" + line)
    with pytest.raises(ValueError, match=message.replace("*", r"\*")):
        load_lists(tmp_path)


def test_loader_needs_lists(tmp_path: Path) -> None:
    """An empty folder is an error, not a detector that never alarms."""
    with pytest.raises(ValueError, match="no danger_"):
        load_lists(tmp_path)


def test_shipped_lists_cover_four_languages_and_every_category() -> None:
    """The package carries a list per language, each using every danger category."""
    lists = load_lists()
    assert [lst.language for lst in lists] == ["ar", "en", "so", "sv"]
    for lst in lists:
        categories = {entry.category for entry in lst.entries}
        assert categories >= {"self_harm", "suicide", "violence", "threat", "weapon", "abuse"}
