"""The rules about a case's life as tables: pause and close, consent, meeting cadence, the
escalation ladder, onboarding, the morning overview. A case state and a fixed clock in,
decisions out; no database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sigbot.models import (
    ActionPlan,
    CaseStatus,
    EscalationLevel,
    Member,
    MessageKind,
    Role,
)
from sigbot.models.messaging import Escalation
from sigbot.scheduler.decisions import (
    Cancel,
    ChangeStatus,
    ConsentWarned,
    Queue,
    TellCoordinators,
)
from sigbot.scheduler.rules import (
    consent_watch,
    ladder,
    life_cycle,
    meeting_cadence,
    onboarding,
    overview,
    reachability,
)
from tests.scheduler.builders import (
    NOW,
    case,
    commitment,
    consent,
    local,
    meeting,
    members,
    row,
    state,
)

BUP_AT = local(2026, 11, 26, 10, 0)
BUP = f"appt|7|{int(BUP_AT.timestamp())}|"


def queued(decisions: list[object]) -> list[tuple[str, str, object]]:
    return [(d.kind, d.key, d.at) for d in decisions if isinstance(d, Queue)]


@pytest.mark.parametrize(
    ("status", "paused_until", "expected"),
    [
        pytest.param(CaseStatus.PAUSED, None, [Cancel((1,), "case paused")], id="pause-holds"),
        pytest.param(
            CaseStatus.PAUSED,
            NOW,
            [ChangeStatus(CaseStatus.ACTIVE, "pause over: reminders resume")],
            id="pause-over",
        ),
        pytest.param(
            CaseStatus.CLOSED,
            None,
            [
                Cancel((1, 2), "case closed"),
                ChangeStatus(
                    CaseStatus.RESTING,
                    "closed; on the resting list until 2027-05-24",
                    NOW + timedelta(days=180),
                ),
            ],
            id="closed-rests",
        ),
        pytest.param(CaseStatus.ACTIVE, None, [], id="active"),
    ],
)
def test_life_cycle(status: CaseStatus, paused_until: object, expected: list[object]) -> None:
    """A pause holds follow-up (not answers); closing cancels all and starts the resting list."""
    rows = [row(1, "appt|7|1|0"), row(2, "ack|5", kind="ack_yes")]
    current = state(case=case(status=status, paused_until=paused_until), outbox=rows)
    assert life_cycle.plan(current, NOW) == expected


def test_resting_check_in_once_a_month() -> None:
    """On the resting list the young person gets a monthly "how are you?" at 17:00."""
    resting = case(
        status=CaseStatus.RESTING,
        status_since=NOW - timedelta(days=31),
        resting_until=NOW + timedelta(days=150),
    )
    decisions = life_cycle.resting_check_in(state(case=resting), NOW + timedelta(hours=9))
    assert queued(decisions) == [
        (MessageKind.RESTING_CHECK_IN, "resting|1|1", local(2026, 11, 24, 17, 0))
    ]


def test_consent_warnings_and_expiry() -> None:
    """30 days before the end the coordinator hears once; after it, queued rows are cancelled."""
    ending = consent(valid_until=NOW + timedelta(days=20))
    decisions = consent_watch.plan(state(consents=[ending]), NOW)
    assert decisions[0] == ConsentWarned(1, 30)
    assert isinstance(decisions[1], TellCoordinators) and decisions[1].params["days"] == 20
    assert consent_watch.plan(state(consents=[consent(valid_until=ending.valid_until,
                                                      warned_days=[30])]), NOW) == []  # fmt: skip
    ended = consent(valid_until=NOW - timedelta(days=1))
    rows = [row(1, "x", member_id=2), row(2, "y", member_id=1)]
    assert consent_watch.plan(state(consents=[ended], outbox=rows), NOW) == [
        Cancel((1,), "consent expired or withdrawn")
    ]


@pytest.mark.parametrize(
    ("held_days_ago", "next_meeting", "told"),
    [
        pytest.param(22, None, True, id="none-planned-a-week-before"),
        pytest.param(20, None, False, id="none-planned-but-not-yet-time"),
        pytest.param(22, NOW + timedelta(days=5), False, id="next-within-four-weeks"),
        pytest.param(22, NOW + timedelta(days=10), True, id="next-too-late"),
    ],
)
def test_network_meeting_every_four_weeks(
    held_days_ago: int, next_meeting: object, told: bool
) -> None:
    """A week before 28 days since the last network meeting, with none planned within them,
    the coordinator is told."""
    held = meeting(id=1, starts_at=NOW - timedelta(days=held_days_ago))
    planned = [meeting(id=2, starts_at=next_meeting)] if next_meeting else []
    decisions = meeting_cadence.plan(state(meetings=[held, *planned]), NOW)
    assert [d.key for d in decisions if isinstance(d, TellCoordinators)] == (
        ["cadence|1"] if told else []
    )


@pytest.mark.parametrize(
    ("level", "backup", "expected"),
    [
        (EscalationLevel.COORDINATOR, "jonas", EscalationLevel.BACKUP),
        (EscalationLevel.COORDINATOR, None, EscalationLevel.TEAM_LEAD),
        (EscalationLevel.BACKUP, "jonas", EscalationLevel.TEAM_LEAD),
        (EscalationLevel.TEAM_LEAD, "jonas", None),
    ],
)
def test_the_escalation_ladder(
    level: EscalationLevel, backup: str | None, expected: EscalationLevel | None
) -> None:
    """Coordinator, then backup (if any), then team lead, then nowhere further."""
    escalation = Escalation(id=1, case_id=1, reason="no_reply", level=level, created_at=NOW)
    assert ladder.next_level(escalation, case(backup_key=backup)) == expected


def test_welcome_sms_and_plan_notices() -> None:
    """Members reached by SMS are welcomed once; each commitment owner gets their own list."""
    welcome = onboarding.welcome(state(), NOW)
    assert [(d.member_id, d.key) for d in welcome if isinstance(d, Queue)] == [
        (2, "welcome|2|+46701234568")
    ]
    plan = ActionPlan(id=1, case_id=1, version=2, digest="d", created_at=NOW)
    items = [commitment(), commitment(id=12, text="Läxor", due_at=local(2026, 11, 27, 12, 0))]
    notices = onboarding.plan_notices(state(plan=plan, commitments=items), NOW)
    assert [(d.key, d.params["items"]) for d in notices if isinstance(d, Queue)] == [
        ("plan|1|1", ["Gå till skolan", "Läxor (2026-11-27 12:00)"])
    ]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        pytest.param(local(2026, 11, 25, 7, 59), [], id="before-eight"),
        pytest.param(local(2026, 11, 25, 8, 0), [(2001, ["T-1", "T-2"])], id="at-eight"),
    ],
)
def test_morning_overview_one_message_per_coordinator(
    now: object, expected: list[tuple[int, list[str]]]
) -> None:
    """Every case of one coordinator goes into one overview, from 08:00 local time."""
    maja = members()[3]
    assert maja.telegram_chat_id is not None
    staffed = [overview.Staffed(n, "Europe/Stockholm", maja.telegram_chat_id, "sv") for n in (1, 2)]
    found = overview.inboxes(staffed, now)  # type: ignore[arg-type]  # parametrized datetime
    assert [(i.chat, [f"T-{n}" for n in i.case_ids]) for i in found] == expected


def test_overview_line_lists_today_in_local_time() -> None:
    """A case's line: open alerts, misses since yesterday, today's times in order."""
    line = overview.case_line(
        case(status=CaseStatus.PAUSED),
        alerts=2,
        misses=1,
        today=[(local(2026, 11, 25, 15, 0), "network meeting"), (BUP_AT, "BUP (Noah)")],
    )
    assert line == {
        "ref": "T-1",
        "paused": True,
        "alerts": 2,
        "misses": 1,
        "today": "15:00 network meeting, 10:00 BUP (Noah)",
    }


def test_people_the_plan_counts_on_but_cannot_reach() -> None:
    """A member with something coming but no phone or chat, or no consent, is named once to
    the coordinator; the young person needs no consent."""
    people = members()
    people[1].telegram_chat_id = None  # Noah: no way to reach him
    people[6] = Member(id=6, case_id=1, key="erik", role=Role.POLICE, name="Erik",
                       telegram_chat_id=4001)  # fmt: skip
    current = state(
        members=people,
        commitments=[commitment(), commitment(id=12, owner_member_id=6, key="erik-crime-1")],
    )
    told = [(d.kind, d.key) for d in reachability.plan(current, NOW)
            if isinstance(d, TellCoordinators)]  # fmt: skip
    assert told == [
        (MessageKind.MEMBER_NO_CHANNEL, "unreachable|1|member_no_channel|reminders"),
        (MessageKind.MEMBER_NO_CONSENT, "unreachable|6|member_no_consent|reminders"),
    ]


def test_an_unreachable_person_is_named_once() -> None:
    """Once the coordinator has been told, later passes say nothing more (journal included)."""
    people = members()
    people[1].telegram_chat_id = None
    told = {"unreachable|1|member_no_channel|reminders|maja"}
    current = state(members=people, commitments=[commitment()], keys=told)
    assert reachability.plan(current, NOW) == []
