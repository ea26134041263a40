"""Consent from the whole family (docs/plan-file.md, "Consent"): ``given_by`` names the young
person and every guardian, or the file is refused naming who is missing. A withdrawal needs no
one else: any one of them may stop the sharing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from sigbot.cli import app
from sigbot.clock import FakeClock
from sigbot.db import Database
from sigbot.models import Consent
from sigbot.planfile.loader import PlanError, parse_plan_text
from tests.scheduler.plans import plan
from tests.sigbot.env import make_env

SECOND_GUARDIAN = '  - {key: amir, role: guardian, name: Amir, phone: "+46701234570"}\n'
MISSING = (
    "has not given this consent: given_by must name the young person and every guardian of the case"
)


def _problems(text: str) -> list[str]:
    with pytest.raises(PlanError) as refused:
        parse_plan_text(text, source="plan.yaml", default_timezone="Europe/Stockholm")
    return [str(p) for p in refused.value.problems]


@pytest.mark.parametrize(
    ("given_by", "extra", "missing"),
    [
        ("noah", "", ["'leila' (guardian)"]),
        ("leila", "", ["'noah' (youth)"]),
        ("noah, leila", SECOND_GUARDIAN, ["'amir' (guardian)"]),
        ("leila", SECOND_GUARDIAN, ["'noah' (youth)", "'amir' (guardian)"]),
    ],
)
def test_consent_from_part_of_the_family_is_refused(
    given_by: str, extra: str, missing: list[str]
) -> None:
    """Each family member who did not give the consent is named, at consent[0].given_by."""
    problems = _problems(plan(given_by=given_by, extra_members=extra))
    assert problems == [f"consent[0].given_by: {who} {MISSING}" for who in missing]


def test_a_withdrawal_needs_only_one_of_them() -> None:
    """A withdrawn consent shares nothing, so whoever withdrew it may stand alone in given_by."""
    text = plan(given_by="leila").replace(
        "    valid_until: 2027-06-30\n",
        "    valid_until: 2027-06-30\n    withdrawn: 2026-11-20\n    withdrawn_reason: Leila\n",
    )
    resolved = parse_plan_text(text, source="plan.yaml", default_timezone="Europe/Stockholm")
    assert resolved.consents[0].given_by == ("leila",)
    assert resolved.consents[0].withdrawn_at is not None


def test_sigbot_import_refuses_it_with_exit_2(
    database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`sigbot import` prints the file, the key and who is missing; nothing is written."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "case.yaml").write_text(plan(given_by="noah"), encoding="utf-8")
    result = CliRunner().invoke(app, ["import", "case.yaml"], catch_exceptions=False)
    assert result.exit_code == 2
    assert f"case.yaml: consent[0].given_by: 'leila' (guardian) {MISSING}" in result.output


async def test_a_new_guardian_must_join_the_consent(db: Database, clock: FakeClock) -> None:
    """Re-importing with a second guardian but the old consent is refused; the case is kept."""
    async with make_env(db, clock) as env:
        await env.load(plan())
        with pytest.raises(PlanError, match="'amir' \\(guardian\\) has not given"):
            await env.load(plan(extra_members=SECOND_GUARDIAN))
        await env.load(plan(extra_members=SECOND_GUARDIAN, given_by="noah, leila, amir"))
        async with env.db.session() as session:
            consents = list(await session.exec(select(Consent)))
        # A new key (the givers name it), so the old consent is withdrawn, never deleted.
        assert [(c.given_by, c.withdrawn_at is None) for c in consents] == [
            (["noah", "leila"], False),
            (["noah", "leila", "amir"], True),
        ]
