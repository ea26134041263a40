"""The plan loader: any text, and any plan-shaped YAML, is a ResolvedPlan or a PlanError that
says why; never another exception (docs/plan-file.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml
from hypothesis import example, given
from hypothesis import strategies as st

from sigbot.models.enums import Area, Role, Topic
from sigbot.planfile.loader import PlanError, ResolvedPlan, parse_plan_text
from tests.property import FAST


def load(text: str) -> ResolvedPlan | PlanError:
    """The plan, or the PlanError (with at least one problem) it was refused with."""
    try:
        return parse_plan_text(text, source="p.yaml", default_timezone="Europe/Stockholm")
    except PlanError as exc:
        assert exc.problems and str(exc)
        return exc


@FAST
@given(st.text())
@example("")
@example("case: [")
@example("- 1\n- 2")
@example("a: &a [*a, *a]")
@example("!!python/object/apply:os.system ['true']")
def test_any_text_is_a_plan_or_a_plan_error(text: str) -> None:
    """Whatever the file holds, the loader answers with a plan or the reasons it refuses."""
    assert isinstance(load(text), ResolvedPlan | PlanError)


GOOD_KEYS = st.sampled_from(["noah", "leila", "maja"])
# Mostly keys of members that exist, sometimes an unknown or malformed one.
KEYS = st.one_of(GOOD_KEYS, GOOD_KEYS, GOOD_KEYS, st.sampled_from(["x", "Bad Key", ""]))
MAYBE_TEXT = st.one_of(st.none(), st.text(max_size=30))
LOCAL_TIMES = st.one_of(
    st.builds(
        lambda d, h, m: f"{d.isoformat()}T{h:02d}:{m:02d}",
        st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 1, 1)),
        st.integers(0, 23),
        st.integers(0, 59),
    ),
    st.from_regex(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(Z|[+-]\d{2}:?\d{2})?", fullmatch=True),
    st.text(max_size=20),
)
DURATIONS = st.one_of(
    st.sampled_from(["PT2H", "P1D", "PT0S", "P100Y", "-PT1H", "P1W", "PT", ""]), st.text(max_size=8)
)


def _member(key: st.SearchStrategy[str], role: st.SearchStrategy[str]) -> Any:
    return st.fixed_dictionaries(
        {"key": key, "role": role, "name": st.text(min_size=1, max_size=20)},
        optional={
            "language": st.sampled_from(["sv", "en", "ar", "SV", "x"]),
            "phone": st.one_of(
                st.sampled_from(["+46701234567", "0701234567", "+4670", "+999"]),
                st.text(max_size=15),
            ),
            "telegram_chat_id": st.integers(min_value=-(2**70), max_value=2**70),
            "channel": st.sampled_from(["telegram", "sms", "pigeon"]),
            "organisation": MAYBE_TEXT,
        },
    )


def _members() -> st.SearchStrategy[list[dict[str, Any]]]:
    """A young person and a coordinator (the two a plan needs), then anyone."""
    youth = _member(st.just("noah"), st.just("youth"))
    coordinator = _member(st.just("maja"), st.just("coordinator"))
    others = st.lists(_member(KEYS, st.sampled_from([*map(str, Role), "king"])), max_size=3)
    return st.builds(lambda y, c, o: [y, c, *o], youth, coordinator, others)


def _case() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"ref": st.sampled_from(["ST-1", "ST-1", "bad ref", ""]), "coordinator": KEYS},
        optional={
            "backup": KEYS,
            "status": st.sampled_from(["active", "proposed", "paused", "closed", "nope"]),
            "paused_until": st.dates(),
            "timezone": st.sampled_from(["Europe/Stockholm", "UTC", "Mars/Olympus", ""]),
            "quiet_hours": st.sampled_from(["21:00-08:00", "none", "25:00-01:00", "x"]),
            "escalation": st.fixed_dictionaries(
                {}, optional={"no_reply_after": DURATIONS, "ack_within": DURATIONS}
            ),
        },
    )


def _entries() -> dict[str, st.SearchStrategy[Any]]:
    consent = st.fixed_dictionaries(
        {
            "given_by": st.lists(KEYS, max_size=3),
            "topics": st.lists(st.sampled_from([*map(str, Topic), "gossip"]), max_size=3),
            "valid_until": st.one_of(st.dates(), st.text(max_size=10)),
        },
        optional={"share_with": st.lists(KEYS, max_size=3), "valid_from": st.dates()},
    )
    event = {"at": LOCAL_TIMES}
    meeting = st.fixed_dictionaries(
        event, optional={"invite": st.lists(KEYS, max_size=3), "remind": st.lists(DURATIONS)}
    )
    appointment = st.fixed_dictionaries(
        {**event, "who": KEYS, "what": st.text(max_size=20)},
        optional={"remind": st.lists(DURATIONS, max_size=3), "place": MAYBE_TEXT},
    )
    commitment = st.fixed_dictionaries(
        {
            "owner": KEYS,
            "area": st.sampled_from([*map(str, Area), "moon"]),
            "text": st.text(max_size=20),
        },
        optional={
            "due": LOCAL_TIMES,
            "check_in": st.sampled_from(["daily", "weekly", "adaptive", "P2D", "PT1S", "often"]),
        },
    )
    return {
        "consent": st.lists(consent, max_size=2),
        "meetings": st.lists(meeting, max_size=2),
        "appointments": st.lists(appointment, max_size=2),
        "commitments": st.lists(commitment, max_size=2),
    }


PLANS = st.fixed_dictionaries({"case": _case(), "members": _members()}, optional=_entries())


@FAST
@given(PLANS)
def test_any_plan_shaped_yaml_is_a_plan_or_a_plan_error(data: dict[str, Any]) -> None:
    """Plans with any mix of good and bad values are imported or refused with reasons."""
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    assert isinstance(load(text), ResolvedPlan | PlanError)


def test_impossible_date_is_a_plan_error() -> None:
    """valid_until: 2027-02-30 is refused with a reason, not a bare ValueError."""
    assert isinstance(load("case: {ref: x}\nvalid_until: 2027-02-30\n"), PlanError)


def test_deeply_nested_yaml_is_a_plan_error() -> None:
    """A file nested thousands deep is refused with a reason, not a RecursionError."""
    assert isinstance(load("[" * 5000), PlanError)
