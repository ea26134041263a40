"""The command line as a coordinator uses it: init, import, journal, and their errors."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result
from sqlmodel import func, select
from typer.testing import CliRunner

from sigbot.cli import app
from sigbot.db import Database
from sigbot.models import Case, JournalEntry, Member

Run = Callable[..., Result]
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "case.yaml"


@pytest.fixture
def run(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Run:
    """Run ``sigbot ...`` in-process against the test database."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    runner = CliRunner()

    def _run(*args: str) -> Result:
        return runner.invoke(app, list(args), catch_exceptions=False)

    return _run


def _counts(url: str) -> dict[str, int]:
    async def _work() -> dict[str, int]:
        db = Database.from_url(url)
        try:
            async with db.session() as session:
                out = {}
                for model in (Case, Member, JournalEntry):
                    n = (await session.exec(select(func.count()).select_from(model))).one()
                    out[model.__name__] = int(n)
                return out
        finally:
            await db.dispose()

    return asyncio.run(_work())


def test_init_twice_is_safe(run: Run) -> None:
    """`sigbot init` on an up-to-date database succeeds again and changes nothing."""
    assert run("init").exit_code == 0
    result = run("init")
    assert result.exit_code == 0
    assert "database ready" in result.output


def test_import_then_journal_shows_the_case(run: Run, database_url: str) -> None:
    """init + import + journal: the coordinator sees the case's events in order."""
    assert run("init").exit_code == 0
    result = run("import", str(EXAMPLE))
    assert result.exit_code == 0, result.output
    assert "ST-2026-014: created" in result.output
    again = run("import", str(EXAMPLE))
    assert "ST-2026-014: unchanged" in again.output
    text = run("journal", "ST-2026-014", "--lang", "en")
    assert text.exit_code == 0
    assert "case ST-2026-014 created (active)" in text.output
    as_json = run("journal", "ST-2026-014", "--format", "json")
    entries = json.loads(as_json.output)
    assert entries[0]["kind"] == "case.created"
    assert [e["at"] for e in entries] == sorted(e["at"] for e in entries)
    assert any(e["kind"] == "appointment.planned" and "BUP" in e["summary"] for e in entries)


def test_journal_of_unknown_case_exits_1(run: Run) -> None:
    """An unknown reference is said on stderr with exit code 1."""
    result = run("journal", "NOPE-1")
    assert result.exit_code == 1
    assert "no case with reference 'NOPE-1'" in result.stderr


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(lambda d: d["members"][1].update(phone="070"), "members[1].phone", id="phone"),
        pytest.param(
            lambda d: d["appointments"][0].update(at="2026-03-29T02:30"),
            "does not exist in Europe/Stockholm",
            id="dst-gap",
        ),
        pytest.param(
            lambda d: d["consent"][0]["share_with"].append("ghost"),
            "consent[0].share_with[4]: unknown member key 'ghost'",
            id="consent-non-member",
        ),
    ],
)
def test_bad_file_writes_nothing_and_exits_2(
    run: Run, database_url: str, tmp_path: Path, change: Callable[[Any], None], expected: str
) -> None:
    """A refused file names the problem, exits 2 and leaves the database exactly as it was."""
    assert run("init").exit_code == 0
    assert run("import", str(EXAMPLE)).exit_code == 0
    before = _counts(database_url)
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["case"]["quiet_hours"] = "22:00-07:00"  # a valid change that must not land either
    change(data)
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run("import", str(bad))
    assert result.exit_code == 2
    assert expected in result.stderr
    assert "nothing was written" in result.stderr
    assert _counts(database_url) == before


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param("", "the file is empty", id="empty"),
        pytest.param("{{{ not yaml", "not valid YAML", id="not-yaml"),
    ],
)
def test_unreadable_file_exits_2_on_empty_database(
    run: Run, database_url: str, tmp_path: Path, content: str, expected: str
) -> None:
    """Empty or non-YAML files are refused before anything touches the database."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(content, encoding="utf-8")
    result = run("import", str(bad))
    assert result.exit_code == 2
    assert expected in result.stderr
    assert _counts(database_url) == {"Case": 0, "Member": 0, "JournalEntry": 0}


def test_missing_file_exits_2(run: Run, tmp_path: Path) -> None:
    """A path that does not exist is named as such."""
    result = run("import", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_bad_setting_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A malformed setting stops the command with one line naming it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", "mysql://nope")
    result = CliRunner().invoke(app, ["init"])
    assert result.exit_code == 2
    assert "DATABASE_URL" in result.stderr


def test_check_validates_without_writing(run: Run, database_url: str) -> None:
    """`sigbot import --check` says the file is valid and writes nothing."""
    result = run("import", "--check", str(EXAMPLE))
    assert result.exit_code == 0 and "valid" in result.output
    assert _counts(database_url) == {"Case": 0, "Member": 0, "JournalEntry": 0}


def test_several_files_take_the_good_and_refuse_the_bad(
    run: Run, database_url: str, tmp_path: Path
) -> None:
    """`sigbot import A B C`: the good files are taken, the bad one is named, exit code 2."""
    second = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    second["case"]["ref"] = "ST-2026-015"
    good = tmp_path / "second.yaml"
    good.write_text(yaml.safe_dump(second, allow_unicode=True), encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("case: {ref: X}\n", encoding="utf-8")
    result = run("import", str(EXAMPLE), str(bad), str(good))
    assert result.exit_code == 2
    assert "ST-2026-014: created" in result.stdout
    assert "ST-2026-015: created" in result.stdout
    assert f"{bad}:" in result.stderr and "nothing was written" in result.stderr
    assert f"sigbot: 2 plan files taken, 1 refused: {bad}" in result.stderr
    assert _counts(database_url)["Case"] == 2


def test_import_warns_of_people_it_cannot_reach(run: Run, tmp_path: Path) -> None:
    """A member with something coming but no channel, or no consent, is named; the file is
    still taken."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["members"].append({"key": "ola", "role": "school", "name": "Ola"})
    data["members"].append({"key": "kim", "role": "health", "name": "Kim", "phone": "+46701234599"})
    data["commitments"].append({"owner": "ola", "area": "school", "text": "Ring hem"})
    data["commitments"].append({"owner": "kim", "area": "health", "text": "Boka tid"})
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run("import", str(path))
    assert result.exit_code == 0
    assert "(ola): no phone number or Telegram chat" in result.stderr
    assert "(kim): no consent covers reminders" in result.stderr
    assert "(noah)" not in result.stderr and "(leila)" not in result.stderr
