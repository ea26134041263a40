"""`sigbot export` and `sigbot erase` as an operator uses them (docs/privacy.md)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from click.testing import Result
from sqlmodel import select
from typer.testing import CliRunner

from sigbot.cli import app
from sigbot.db import Database
from sigbot.models import InboundMessage, Member, OutboxMessage
from tests.sigbot.test_cli import EXAMPLE, Run

REF = "ST-2026-014"
WORDS = "Jag orkar inte gå till skolan i morgon"


@pytest.fixture
def run(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Run:
    """Run ``sigbot ...`` in-process against the test database, with the example case and a
    text Noah wrote and a message to him and to Leila."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def _run(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    assert _run("import", str(EXAMPLE)).exit_code == 0
    asyncio.run(_messages(database_url))
    return _run


async def _messages(url: str) -> None:
    from sigbot.clock import SystemClock

    now = SystemClock().now()
    db = Database.from_url(url)
    try:
        async with db.session() as session:
            people = {m.key: m for m in await session.exec(select(Member))}
            noah, leila = people["noah"], people["leila"]
            session.add(
                InboundMessage(
                    channel="sms",
                    address=str(noah.phone),
                    case_id=noah.case_id,
                    member_id=noah.id,
                    body=WORDS,
                    reply_kind="unknown",
                    received_at=now,
                )
            )
            for i, (who, body) in enumerate(((noah, "Hej Noah! Tid hos BUP"), (leila, "Hi Leila"))):
                session.add(
                    OutboxMessage(
                        idempotency_key=f"test|{i}",
                        case_id=who.case_id,
                        member_id=who.id,
                        channel="sms",
                        address=str(who.phone),
                        topic="reminders",
                        kind="appointment_reminder",
                        body=body,
                        due_at=now,
                    )
                )
            await session.commit()
    finally:
        await db.dispose()


def test_export_of_a_case_is_json_with_everything(run: Run) -> None:
    """`sigbot export REF` prints the case, its people, messages and journal as JSON."""
    result = run("export", REF)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["case"]["ref"] == REF
    assert len(data["members"]) == 6
    assert {m["body"] for m in data["messages_out"]} == {"Hej Noah! Tid hos BUP", "Hi Leila"}
    assert [m["body"] for m in data["messages_in"]] == [WORDS]
    assert data["journal"][0]["kind"] == "case.created"


def test_export_of_one_person_holds_nothing_of_the_others(run: Run) -> None:
    """`--member noah` gives Noah's details and messages and nothing about Leila or Erik."""
    result = run("export", REF, "--member", "noah")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["member"]["name"], data["member"]["phone"]) == ("Noah", "+46701234567")
    assert [m["body"] for m in data["messages_out"]] == ["Hej Noah! Tid hos BUP"]
    assert [m["body"] for m in data["messages_in"]] == [WORDS]
    assert {a["what"] for a in data["appointments"]} == {"BUP", "Jobbtorg"}
    assert all(other not in result.stdout for other in ("Leila", "+46701234568", "Erik"))


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("export", "NOPE-1"), "no case with reference 'NOPE-1'"),
        (("export", REF, "--member", "ghost"), f"case {REF} has no member 'ghost'"),
        (("erase", "NOPE-1", "--member", "noah", "--yes"), "no case with reference 'NOPE-1'"),
        (("erase", REF, "--member", "ghost", "--yes"), f"case {REF} has no member 'ghost'"),
    ],
)
def test_unknown_ref_or_key_exits_1(run: Run, args: tuple[str, ...], said: str) -> None:
    """An unknown case or member is said on stderr with exit code 1 and nothing on stdout."""
    result = run(*args)
    assert result.exit_code == 1
    assert said in result.stderr
    assert result.stdout == ""


def test_erase_removes_the_person_and_the_journal_says_so(run: Run) -> None:
    """`sigbot erase --yes` exits 0; export and journal then show Noah as erased."""
    result = run("erase", REF, "--member", "noah", "--yes")
    assert result.exit_code == 0, result.output
    assert f"{REF}: noah erased in 1 case(s); 1 queued message(s) cancelled" in result.stdout
    export = run("export", REF)
    assert all(s not in export.stdout for s in ("Noah", "+46701234567", "1001", WORDS))
    assert "Leila" in export.stdout
    member = json.loads(run("export", REF, "--member", "noah").stdout)["member"]
    assert (member["name"], member["phone"], member["telegram_chat_id"]) == ("[erased]", None, None)
    journal = json.loads(run("journal", REF, "--format", "json").stdout)
    assert (journal[-1]["kind"], journal[-1]["member"]) == ("member.erased", "noah")
    again = run("erase", REF, "--member", "noah", "--yes")
    assert again.exit_code == 0
    assert "erased already" in again.stdout
    assert len(json.loads(run("journal", REF, "--format", "json").stdout)) == len(journal)


def test_erase_asks_first_and_a_no_changes_nothing(run: Run) -> None:
    """Without --yes erase asks; answering no aborts and Noah's details stay."""
    result = run("erase", REF, "--member", "noah", input="n\n")
    assert result.exit_code == 1
    assert f"Erase noah of {REF} (youth) in 1 case(s)?" in result.output
    member = json.loads(run("export", REF, "--member", "noah").stdout)["member"]
    assert member["name"] == "Noah"
