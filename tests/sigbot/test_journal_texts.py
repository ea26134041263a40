"""The journal is stored as events and read in the reader's language: every kind has a sentence,
Swedish and English come out of the catalog, and a row whose data falls short shows its stored
English summary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from sigbot.cli import app
from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.domain.escalations import escalate
from sigbot.journal_templates import TEMPLATES
from sigbot.journal_texts import describe, render_lines, template_fields
from sigbot.messages.composer import MessageComposer
from sigbot.messages.translator import Translator
from sigbot.models import JournalKind as K
from sigbot.models import OutboxMessage
from sigbot.outbox.messenger import Messenger
from tests.sigbot.domain.support import seed

CATALOG = Translator()
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "case.yaml"
AT = "2026-11-26T09:00:00+00:00"
TZ = "Europe/Stockholm"
# A realistic entry of each kind: (data, member's name, stored summary).
EXAMPLES: dict[str, tuple[dict[str, Any], str | None]] = {
    K.CASE_CREATED: ({"ref": "ST-1", "status": "active"}, None),
    K.CASE_STATUS: (
        {"previous": "active", "status": "paused", "reason": "sommar", "planned_end": AT, "tz": TZ},
        None,
    ),
    K.CASE_HANDED_OVER: (
        {"role": "coordinator", "from_key": "anna", "to_key": "omar", "moved": 1, "told": 2},
        None,
    ),
    K.CASE_ERASED: ({"members": 4, "cancelled": 0}, None),
    K.PLAN_IMPORTED: ({"changes": ["member ali added", "place changed"], "tz": TZ}, None),
    K.PLAN_VERSION: ({"version": 2, "commitments": 3, "meeting": "m1"}, None),
    K.MEMBER_ADDED: ({"role": "guardian"}, "Sara"),
    K.MEMBER_UPDATED: ({"fields": ["phone", "language"]}, "Sara"),
    K.MEMBER_REMOVED: ({}, "Lena"),
    K.MEMBER_ERASED: ({"cancelled": 1}, "[erased]"),
    K.CONSENT_RECORDED: (
        {"key": "c1", "given_by": ["ali"], "share_with": ["lena"], "topics": ["meetings"]},
        None,
    ),
    K.CONSENT_CHANGED: ({"key": "c1", "fields": ["valid_until"]}, None),
    K.CONSENT_WITHDRAWN: ({"key": "c1", "reason": None}, None),
    K.CONSENT_EXPIRING: ({"key": "c1", "days": 7}, None),
    K.MEETING_PLANNED: ({"key": "m1", "meeting_kind": "network", "starts_at": AT, "tz": TZ}, None),
    K.MEETING_CHANGED: (
        {"key": "m1", "changes": ["moved 2026-12-01 15:00 → 2026-12-02 15:00"], "tz": TZ},
        None,
    ),
    K.MEETING_CANCELLED: ({"key": "m1"}, None),
    K.APPOINTMENT_PLANNED: ({"key": "a1", "what": "BUP", "starts_at": AT, "tz": TZ}, "Ali"),
    K.APPOINTMENT_CHANGED: ({"key": "a1", "what": "BUP", "changes": ["cancelled"]}, "Ali"),
    K.APPOINTMENT_CANCELLED: ({"key": "a1", "what": "BUP", "reason": "case paused"}, None),
    K.COMMITMENT_DONE: ({"text": "Gå till skolan"}, "Ali"),
    K.COMMITMENT_MISSED: ({"outbox_id": 3, "kind": "check_in", "what": "skolan"}, "Ali"),
    K.REMINDER_UNANSWERED: ({"outbox_id": 3, "kind": "appointment_reminder", "what": "BUP"}, "Ali"),
    K.ANSWER_RECORDED: (
        {"outbox_id": 3, "answer": "yes", "late": True, "kind": "check_in", "what": "skolan"},
        "Ali",
    ),
    K.REPLY_RECEIVED: (
        {"reply": "help", "channel": "sms", "text": "2", "button": False, "held": False},
        "Ali",
    ),
    K.REPLY_HELD: ({"inbound_id": 1, "channel": "sms"}, "Sara"),
    K.REPLY_DANGER: ({"categories": ["self_harm"], "phrases": ["skada mig"]}, "Ali"),
    K.TRAVEL_PLAN: ({"what": "BUP", "plan": "bussen 9:15"}, "Ali"),
    K.REMINDERS_QUIETED: ({"outbox_id": 4, "count": 1}, None),
    K.INBOUND_ERASED: ({"count": 2, "before": "2026-10-01"}, None),
    K.SMS_OPTED_OUT: ({"text": "STOP"}, "Sara"),
    K.SMS_OPTED_IN: ({"text": "START"}, "Sara"),
    K.TELEGRAM_STOPPED: ({}, "Ali"),
    K.ESCALATION_OPENED: ({"reason": "help", "what": "skolan", "answer": "I need help"}, "Ali"),
    K.ESCALATION_RAISED: ({"level": "backup", "target": "backup omar", "what": "skolan"}, None),
    K.ESCALATION_ACKNOWLEDGED: ({"action": "call", "via": "sms", "what": "skolan"}, "Anna"),
    K.ACCOUNT_READ: ({"account": "anna", "name": "Anna", "what": "case page"}, None),
    K.ACCOUNT_CHANGED: ({"account": "anna", "name": "Anna", "what": "case created"}, None),
    K.INVITE_CREATED: ({"older": 1}, "Ali"),
    K.INVITE_REDEEMED: ({"relinked": False}, "Ali"),
    K.OVERVIEW_SENT: ({"outbox_id": 9}, None),
    K.MEMBER_UNREACHABLE: ({"kind": "member_no_consent", "topic": "meetings"}, "Lena"),
    K.MESSAGE_SENT: ({"kind": "check_in", "channel": "telegram", "detail": None}, "Ali"),
    K.MESSAGE_RETRY: ({"kind": "check_in", "channel": "sms", "detail": "busy"}, "Ali"),
    K.MESSAGE_FAILED: ({"kind": "check_in", "channel": "sms", "detail": "erased"}, "Ali"),
    K.MESSAGE_FALLBACK: ({"kind": "check_in", "channel": "sms", "detail": None}, "Ali"),
    K.MESSAGE_REROUTED: ({"kind": "check_in", "channel": "sms", "detail": None}, "Ali"),
    K.MESSAGE_DROPPED: ({"key": "k", "kind": "check_in"}, "Ali"),
    K.MESSAGE_CANCELLED: (
        {"kind": "check_in", "channel": "sms", "detail": "case paused"},
        "Ali",
    ),
    K.MESSAGE_WITHHELD: ({"kind": "meeting_invitation", "topic": "meetings"}, "Lena"),
    K.MESSAGE_UNROUTABLE: ({"kind": "check_in"}, "Ali"),
    K.MESSAGE_UNDELIVERED: (
        {"kind": "check_in", "status": "undelivered", "error_code": "30005", "provider": "twilio"},
        "Sara",
    ),
}
SUMMARY = "the stored English summary"


def test_every_kind_has_a_template_and_an_example() -> None:
    """A kind added without a sentence (or without an example here) fails this test."""
    assert set(TEMPLATES) == set(kind_values())
    assert set(EXAMPLES) == set(kind_values())


def kind_values() -> set[str]:
    return {str(kind) for kind in K}


@pytest.mark.parametrize("kind", sorted(K))
@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_kind_renders(kind: K, language: str) -> None:
    """Each example comes out as a sentence of its own, not the stored summary."""
    data, member = EXAMPLES[kind]
    summary = f"{SUMMARY}: via telegram: hello" if kind == K.MESSAGE_SENT else SUMMARY
    text = describe(kind, data, member, summary, language, CATALOG)
    assert text != summary and "{" not in text
    if member and all("{member}" in variant for variant, _ in TEMPLATES[kind]):
        assert member in text


def test_swedish_words_dates_and_english() -> None:
    """Words among the values and times are the reader's; message texts stay as sent."""
    status = EXAMPLES[K.CASE_STATUS][0]
    sv = describe(K.CASE_STATUS, status, None, SUMMARY, "sv", CATALOG)
    assert sv == "status aktivt → pausat (sommar), till 26 nov. 2026"
    en = describe(K.CASE_STATUS, status, None, SUMMARY, "en", CATALOG)
    assert en == "status active → paused (sommar), until 26 Nov 2026"
    meeting = EXAMPLES[K.MEETING_PLANNED][0]
    assert describe(K.MEETING_PLANNED, meeting, None, "", "sv", CATALOG) == (
        "nätverksmöte 26 nov. 2026 10:00"
    )
    sent = describe(
        K.MESSAGE_SENT,
        EXAMPLES[K.MESSAGE_SENT][0],
        "Ali",
        "check_in sent to Ali via telegram: How is school going?",
        "sv",
        CATALOG,
    )
    assert sent == "avstämningen skickades till Ali via Telegram: How is school going?"
    changed = describe(K.MEETING_CHANGED, EXAMPLES[K.MEETING_CHANGED][0], None, "", "sv", CATALOG)
    assert changed == "möte m1: flyttat 1 dec. 2026 15:00 → 2 dec. 2026 15:00"


def test_a_row_missing_fields_shows_its_summary() -> None:
    """Rows from before the data carried a field (or rows erasure rewrote) keep their words."""
    for kind in K:
        fields = template_fields(kind)
        data = {k: v for k, v in EXAMPLES[kind][0].items() if k not in fields}
        if fields:
            assert describe(kind, data, "Ali", SUMMARY, "sv", CATALOG) == SUMMARY
    assert describe("no.such.kind", {}, None, SUMMARY, "sv", CATALOG) == SUMMARY
    assert describe(K.MEMBER_REMOVED, {}, None, SUMMARY, "sv", CATALOG) == SUMMARY


def test_render_lines_takes_old_string_items() -> None:
    items: list[Any] = ["an old summary", {"kind": K.MEMBER_REMOVED, "data": {}, "member": "Ali"}]
    assert render_lines(items, "sv", CATALOG) == "• an old summary\n• Ali har lämnat ärendet"
    assert render_lines([], "sv", CATALOG) == "-"


async def test_alert_context_is_in_the_coordinators_language(
    db: Database, clock: FakeClock
) -> None:
    """The latest events travel as events and are put into words for the Swedish coordinator."""
    messenger = Messenger(MessageComposer(Translator()), frozenset({"telegram", "sms"}))
    async with db.session() as session:
        seeded = await seed(session, clock.now())
        await escalate(
            session,
            messenger,
            case=seeded.case,
            member=seeded.people["noah"],
            reason="help",
            what="asked for help",
            answer="2",
            now=clock.now(),
        )
        rows = list(await session.exec(select(OutboxMessage)))
    (alert,) = [r for r in rows if r.kind == "escalation"]
    assert alert.language == "sv"
    events = alert.params["events"]
    assert events and all({"kind", "data", "member", "at", "summary"} <= set(e) for e in events)
    assert "• Erik tillagd som polis" in alert.body
    assert "added as" not in alert.body


def test_cli_journal_speaks_swedish_by_default_and_keeps_json_fields(
    database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``sigbot journal REF``: Swedish text by default, --lang en English; the JSON objects keep
    at, kind, member, data and the English summary, and add ``text``."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    run("init")
    run("import", str(EXAMPLE))
    assert "handlingsplan version 1 med 4 åtaganden" in run("journal", "ST-2026-014")
    english = run("journal", "ST-2026-014", "--lang", "en")
    assert "action plan version 1 with 4 commitments" in english
    entries = json.loads(run("journal", "ST-2026-014", "--format", "json", "--lang", "sv"))
    assert all({"at", "kind", "member", "data", "summary", "text"} == set(e) for e in entries)
    (plan,) = [e for e in entries if e["kind"] == "plan.version"]
    assert plan["summary"] == "action plan version 1 with 4 commitments"
    assert plan["text"] == "handlingsplan version 1 med 4 åtaganden"
    assert entries[0]["summary"] == "case ST-2026-014 created (active)"
    assert entries[0]["text"] == "ärende ST-2026-014 skapat (aktivt)"
    refused = runner.invoke(app, ["journal", "ST-2026-014", "--lang", "xx"])
    assert refused.exit_code != 0
