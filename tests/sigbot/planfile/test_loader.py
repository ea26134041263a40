"""The plan file loader: good files resolve, every bad file names the key and the reason."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from sigbot.planfile.loader import PlanError, ResolvedPlan, parse_plan_text
from sigbot.planfile.schema import json_schema

TZ = "Europe/Stockholm"
Change = Callable[[dict[str, Any]], object]


def _parse(text: str) -> ResolvedPlan:
    return parse_plan_text(text, source="plan.yaml", default_timezone=TZ)


def _mutate(example: str, change: Change) -> str:
    data = yaml.safe_load(example)
    change(data)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def test_example_resolves_local_times_to_utc(example_plan_text: str) -> None:
    """Times without offset are Stockholm local time and are stored as UTC."""
    plan = _parse(example_plan_text)
    bup = next(a for a in plan.appointments if a.what == "BUP")
    assert bup.starts_at == datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    assert bup.key == "noah-bup"
    assert [m.key for m in plan.meetings] == ["officials-1", "network-1"]
    leila = next(m for m in plan.members if m.key == "leila")
    assert leila.phone == "+46701234568"
    assert plan.consents[0].valid_until == datetime(2027, 5, 31, 22, 0, tzinfo=UTC)


def test_digest_is_stable_and_changes_with_content(example_plan_text: str) -> None:
    """The same text gives the same digest; a moved appointment changes it."""
    first = _parse(example_plan_text)
    again = _parse(example_plan_text)
    moved = _parse(example_plan_text.replace("2026-11-26T10:00", "2026-11-26T11:00"))
    assert first.digest == again.digest
    assert moved.digest != first.digest
    assert moved.commitments_digest == first.commitments_digest


def _set_path(path: str, value: object) -> Change:
    def change(data: dict[str, Any]) -> None:
        target: Any = data
        parts = path.split(".")
        for part in parts[:-1]:
            target = target[int(part)] if part.isdigit() else target[part]
        last = parts[-1]
        if last.isdigit():
            target[int(last)] = value
        else:
            target[last] = value

    return change


BAD = [
    pytest.param(
        _set_path("appointments.0.who", "nobody"),
        "appointments[0].who: unknown member key 'nobody'",
        id="unknown-member-key",
    ),
    pytest.param(
        _set_path("appointments.0.remind", ["P1X"]),
        "appointments[0].remind[0]:",
        id="bad-duration",
    ),
    pytest.param(
        _set_path("case.escalation.no_reply_after", "two hours"),
        "case.escalation.no_reply_after:",
        id="bad-escalation-duration",
    ),
    pytest.param(
        _set_path("members.1.phone", "+46 70 12"),
        "members[1].phone: '+46 70 12' is not a valid phone number",
        id="bad-phone",
    ),
    pytest.param(
        _set_path("appointments.0.at", "2026-03-29T02:30"),
        "appointments[0].at: 2026-03-29T02:30 does not exist in Europe/Stockholm",
        id="dst-gap",
    ),
    pytest.param(
        _set_path("consent.0.share_with", ["maja", "stranger"]),
        "consent[0].share_with[1]: unknown member key 'stranger'",
        id="consent-non-member",
    ),
    pytest.param(
        _set_path("members.1.key", "noah"),
        "members[1].key: duplicate member key 'noah'",
        id="duplicate-member-key",
    ),
    pytest.param(
        lambda d: (
            d["appointments"].append(dict(d["appointments"][0], key="x"))
            or d["appointments"].append(dict(d["appointments"][0], key="x"))
        ),
        "appointments: duplicate key 'x'",
        id="duplicate-appointment-key",
    ),
    pytest.param(
        _set_path("case.coordinator", "noah"),
        "case.coordinator: 'noah' has role youth, expected coordinator",
        id="coordinator-not-coordinator",
    ),
    pytest.param(
        _set_path("commitments.0.area", "space"),
        "commitments[0].area:",
        id="unknown-area",
    ),
    pytest.param(
        _set_path("commitments.0.check_in", "sometimes"),
        "commitments[0].check_in:",
        id="bad-check-in",
    ),
    pytest.param(
        _set_path("case.quiet_hours", "25:00-08:00"),
        "case.quiet_hours:",
        id="bad-quiet-hours",
    ),
    pytest.param(
        _set_path("members.0.colour", "blue"),
        "members[0].colour: unknown key",
        id="unknown-field",
    ),
    pytest.param(
        _set_path("meetings.0.invite", ["maja", "leila"]),
        "meetings[0].invite[1]: an officials' meeting invites no family member ('leila')",
        id="officials-meeting-with-family",
    ),
    pytest.param(
        _set_path("consent.0.given_by", ["maja"]),
        "consent[0].given_by[0]: 'maja' has role coordinator",
        id="consent-given-by-professional",
    ),
    pytest.param(
        _set_path("meetings.1.at", "1 December"),
        "meetings[1].at: expected a date and time like 2026-12-01T15:00",
        id="unparseable-time",
    ),
    pytest.param(
        lambda d: d.pop("case"),
        "case: is required",
        id="missing-case",
    ),
]


@pytest.mark.parametrize(("change", "expected"), BAD)
def test_bad_plan_is_refused_naming_key_and_reason(
    example_plan_text: str, change: Change, expected: str
) -> None:
    """Each kind of mistake is refused with a message naming where it is."""
    with pytest.raises(PlanError) as info:
        _parse(_mutate(example_plan_text, change))
    assert expected in str(info.value), str(info.value)
    assert str(info.value).startswith("plan.yaml: ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", "plan.yaml: the file is empty", id="empty"),
        pytest.param("   \n# only a comment\n", "plan.yaml: the file is empty", id="comment-only"),
        pytest.param("case: [unclosed\n", "not valid YAML", id="not-yaml"),
        pytest.param("- a\n- b\n", "expected a mapping", id="a-list"),
    ],
)
def test_unreadable_file_is_refused(text: str, expected: str) -> None:
    """Empty, non-YAML and non-mapping files are refused with a plain reason."""
    with pytest.raises(PlanError) as info:
        _parse(text)
    assert expected in str(info.value)


def test_all_problems_are_reported_at_once(example_plan_text: str) -> None:
    """A coordinator fixing a file sees every mistake, not one per try."""

    def two_mistakes(d: dict[str, Any]) -> None:
        d["members"][1]["phone"] = "12"
        d["appointments"][0]["who"] = "ghost"

    with pytest.raises(PlanError) as info:
        _parse(_mutate(example_plan_text, two_mistakes))
    assert len(info.value.problems) == 2


def test_committed_json_schema_matches_the_models() -> None:
    """The JSON Schema in the repository is the one the models export."""
    path = Path(__file__).resolve().parents[3] / "sigbot" / "schema" / "plan.schema.json"
    assert json.loads(path.read_text(encoding="utf-8")) == json_schema()


def test_example_validates_against_the_json_schema(example_plan_text: str) -> None:
    """Outside tools using the JSON Schema accept the example."""
    import jsonschema

    data = yaml.safe_load(example_plan_text)
    # YAML reads bare dates as date objects; JSON has only strings.
    data = json.loads(json.dumps(data, default=str))
    jsonschema.validate(data, json_schema())


def test_the_contract_example_is_accepted() -> None:
    """The plan file printed in the outside contract imports as it stands."""
    path = Path(__file__).with_name("contract_example.yaml")
    plan = _parse(path.read_text(encoding="utf-8"))
    assert plan.ref == "ST-2026-014"
    assert [m.key for m in plan.members] == ["ali", "sara", "anna", "omar", "lena"]
    assert plan.no_reply_after.total_seconds() == 7200
