"""The rules about events and answers as tables: reminders, moves, meetings, check-ins, misses.
A case state and a fixed clock in, decisions out; no database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sigbot.models import (
    Answer,
    CommitmentStatus,
    EscalationReason,
    EventStatus,
    JournalKind,
    MessageKind,
    OutboxState,
    Topic,
)
from sigbot.scheduler.decisions import (
    Cancel,
    CheckInAsked,
    CheckInPlanned,
    CloseQuestions,
    CommitmentDone,
    Escalate,
    Journal,
    Queue,
    Unanswered,
)
from sigbot.scheduler.rules import (
    check_ins,
    commitments_due,
    event_reminders,
    misses,
)
from sigbot.timing import parse_check_in
from tests.scheduler.builders import (
    NOW,
    appointment,
    commitment,
    invitations,
    local,
    meeting,
    row,
    state,
)

BUP_AT = local(2026, 11, 26, 10, 0)
BUP = f"appt|7|{int(BUP_AT.timestamp())}|"


def queued(decisions: list[object]) -> list[tuple[str, str, object]]:
    return [(d.kind, d.key, d.at) for d in decisions if isinstance(d, Queue)]


def test_an_appointment_gets_the_default_reminders() -> None:
    """Without `remind`: 18:00 the day before and two hours before, each chased; the one the
    day before also asks how they will get there; two hours after, whether they went."""
    decisions = event_reminders.appointments(state(appointments=[appointment()]), NOW)
    assert queued(decisions) == [
        (MessageKind.APPOINTMENT_FOLLOW_UP, BUP + "went", local(2026, 11, 26, 12, 0)),
        (MessageKind.APPOINTMENT_REMINDER, BUP + "0", local(2026, 11, 25, 18, 0)),
        (MessageKind.APPOINTMENT_REMINDER, BUP + "1", local(2026, 11, 26, 8, 0)),
    ]
    follow_up, day_before, two_hours = (d for d in decisions if isinstance(d, Queue))
    assert all(d.chase and d.not_after == BUP_AT for d in (day_before, two_hours))
    assert [d.params.get("variant") for d in (day_before, two_hours)] == ["plan", None]
    assert not follow_up.chase  # "did you go?" unanswered stays "not known", no alert


def test_a_moved_appointment_cancels_closes_and_tells() -> None:
    """The old time's pending reminder is cancelled, its question closed, the person told."""
    old = "appt|7|1700000000|"
    rows = [
        row(1, old + "0", state=OutboxState.SENT, expects_reply=True, subject_type="appointment",
            subject_id=7),
        row(2, old + "1", subject_type="appointment", subject_id=7, expects_reply=True),
    ]  # fmt: skip
    decisions = event_reminders.appointments(state(appointments=[appointment()], outbox=rows), NOW)
    assert decisions[:2] == [Cancel((2,), "appointment moved"), CloseQuestions((1, 2))]
    assert queued(decisions)[0] == (
        MessageKind.APPOINTMENT_MOVED,
        f"appt-moved|7|{int(BUP_AT.timestamp())}",
        NOW,
    )
    assert len(queued(decisions)) == 4  # moved notice, did-you-go, two reminders


@pytest.mark.parametrize(
    ("told", "notice"),
    [pytest.param(True, True, id="told-before"), pytest.param(False, False, id="never-told")],
)
def test_a_cancelled_appointment_is_news_only_to_who_was_told(told: bool, notice: bool) -> None:
    """A cancellation notice goes only if a reminder of it had reached the person."""
    rows = [
        row(1, BUP + "0", state=OutboxState.SENT if told else OutboxState.PENDING,
            subject_type="appointment", subject_id=7),
    ]  # fmt: skip
    appt = appointment(status=EventStatus.CANCELLED)
    decisions = event_reminders.appointments(state(appointments=[appt], outbox=rows), NOW)
    expected = [(MessageKind.APPOINTMENT_CANCELLED, "appt-cancelled|7", NOW)] if notice else []
    assert queued(decisions) == expected
    if not told:
        assert decisions[0] == Cancel((1,), "appointment cancelled")


def test_network_meeting_invites_all_and_reminds_the_family() -> None:
    """Everyone invited gets an invitation; only the young person and parents get reminders."""
    decisions = event_reminders.meetings(
        state(meetings=[meeting()], invitations=invitations(3, 1, 2, 5)), NOW
    )
    kinds = [(d.kind, d.member_id) for d in decisions if isinstance(d, Queue)]
    assert kinds.count((MessageKind.MEETING_INVITATION, 5)) == 1
    assert (MessageKind.MEETING_REMINDER, 5) not in kinds
    assert kinds.count((MessageKind.MEETING_REMINDER, 1)) == 2
    invite = next(d for d in decisions if isinstance(d, Queue) and d.key.endswith("|invite"))
    assert not invite.chase and invite.topic == Topic.MEETINGS


def test_officials_meeting_never_reaches_the_family() -> None:
    """An officials' meeting is without the family, whoever the file invites."""
    officials = meeting(kind="officials")
    decisions = event_reminders.meetings(
        state(meetings=[officials], invitations=invitations(3, 1, 2, 5)), NOW
    )
    assert [(d.kind, d.member_id) for d in decisions if isinstance(d, Queue)] == [
        (MessageKind.OFFICIALS_INVITATION, 5)
    ]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param({}, [CheckInPlanned(11, local(2026, 11, 25, 17, 0))], id="first-planned"),
        pytest.param(
            {"next_check_in_at": NOW - timedelta(minutes=5)},
            ["queue", CheckInAsked(11, NOW - timedelta(minutes=5))],
            id="due-now",
        ),
        pytest.param({"next_check_in_at": NOW + timedelta(hours=1)}, [], id="not-yet"),
        pytest.param({"last_check_in_at": NOW - timedelta(hours=2)}, [], id="waits-for-the-answer"),
        pytest.param({"status": CommitmentStatus.DONE}, [], id="done"),
    ],
)
def test_check_ins(values: dict[str, object], expected: list[object]) -> None:
    """Adaptive check-ins at 17:00; the next one is planned only after the last was answered."""
    last_key = f"checkin|11|{int((NOW - timedelta(hours=2)).timestamp())}"
    rows = [row(1, last_key, kind="check_in", state=OutboxState.SENT, expects_reply=True)]
    item = commitment(check_in=parse_check_in("adaptive"), **values)
    decisions = check_ins.plan(state(commitments=[item], outbox=rows), NOW)
    assert ["queue" if isinstance(d, Queue) else d for d in decisions] == expected


def test_a_due_commitment_asks_and_a_yes_marks_it_done() -> None:
    """At its due time "done?"; a yes to that question marks the commitment done."""
    due = NOW - timedelta(minutes=1)
    key = f"due|11|{int(due.timestamp())}"
    asked = commitments_due.plan(state(commitments=[commitment(due_at=due)]), NOW)
    assert queued(asked) == [(MessageKind.COMMITMENT_DUE, key, due)]
    answered = [row(1, key, kind="commitment_due", answer=Answer.YES, state=OutboxState.SENT)]
    done = commitments_due.plan(state(commitments=[commitment(due_at=due)], outbox=answered), NOW)
    assert done[1:] == [
        CommitmentDone(11),
        Journal(
            JournalKind.COMMITMENT_DONE,
            "Noah did: Gå till skolan",
            member_key="noah",
            data={"text": "Gå till skolan"},
        ),
    ]


def _prompt(**values: object) -> object:
    fields: dict[str, object] = {
        "state": OutboxState.SENT,
        "expects_reply": True,
        "reply_by": NOW - timedelta(minutes=1),
        "subject_type": "appointment",
        "subject_id": 7,
        "params": {"what_when": "BUP 2026-11-26 10:00", "when_utc": BUP_AT.isoformat()},
    }
    return row(1, BUP + "0", **(fields | values))


@pytest.mark.parametrize(
    ("prompt_values", "appt_answer", "expected_reason"),
    [
        pytest.param({}, Answer.PENDING, EscalationReason.NO_REPLY, id="unanswered-reminder"),
        pytest.param({}, Answer.YES, None, id="answered-an-earlier-reminder"),
        pytest.param({"reply_by": NOW + timedelta(minutes=1)}, Answer.PENDING, "-", id="not-yet"),
        pytest.param({"state": OutboxState.FAILED}, Answer.PENDING, "-", id="never-sent"),
        pytest.param(
            {"kind": "commitment_due", "subject_type": "commitment", "subject_id": 11},
            Answer.PENDING,
            EscalationReason.OVERDUE,
            id="due-commitment-overdue",
        ),
        pytest.param(
            {"kind": "meeting_invitation", "subject_type": "meeting", "subject_id": 3,
             "member_id": 5},
            Answer.PENDING,
            None,
            id="professionals-not-chased",
        ),
    ],
)  # fmt: skip
def test_misses(
    prompt_values: dict[str, object], appt_answer: Answer, expected_reason: str | None
) -> None:
    """No answer in time is a miss for the coordinator, unless it is not one."""
    current = state(
        appointments=[appointment(answer=appt_answer)],
        commitments=[commitment()],
        meetings=[meeting()],
        invitations=invitations(3, 5),
        outbox=[_prompt(**prompt_values)],  # type: ignore[list-item]  # builders return rows
    )
    decisions = misses.plan(current, NOW)
    if expected_reason == "-":
        assert decisions == []
        return
    assert isinstance(decisions[0], Unanswered)
    escalations = [d for d in decisions if isinstance(d, Escalate)]
    if expected_reason is None:
        assert escalations == []
        return
    assert [e.reason for e in escalations] == [expected_reason]
    if expected_reason == EscalationReason.OVERDUE:
        assert decisions[0] == Unanswered(1, 11, overdue=True)


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        pytest.param(EventStatus.PLANNED, MessageKind.MEETING_MOVED, id="moved"),
        pytest.param(EventStatus.CANCELLED, MessageKind.MEETING_CANCELLED, id="cancelled"),
    ],
)
def test_a_moved_or_cancelled_meeting_is_news_to_who_was_told(
    status: EventStatus, kind: MessageKind
) -> None:
    """Karin had the invitation for the old time: she hears of the move or the cancellation;
    Leila, never told, gets a plain invitation (or nothing)."""
    told = row(
        1,
        "meet|3|1700000000|5|invite",
        member_id=5,
        kind="meeting_invitation",
        state=OutboxState.SENT,
        subject_type="meeting",
        subject_id=3,
    )
    current = state(
        meetings=[meeting(status=status)], invitations=invitations(3, 2, 5), outbox=[told]
    )
    kinds = [
        (d.kind, d.member_id)
        for d in event_reminders.meetings(current, NOW)
        if isinstance(d, Queue) and d.kind != MessageKind.MEETING_REMINDER
    ]
    expected_leila = (
        [] if status == EventStatus.CANCELLED else [(MessageKind.MEETING_INVITATION, 2)]
    )
    assert kinds == [*expected_leila, (kind, 5)]


def test_questions_about_a_commitment_taken_out_of_the_plan_are_dropped() -> None:
    """A pending check-in on a removed commitment is cancelled; an unanswered one raises no miss."""
    removed = commitment(id=9, key="noah-leisure-1", status=CommitmentStatus.REPLACED)
    pending = row(1, "checkin|9|1", kind="check_in", subject_type="commitment", subject_id=9)
    asked = row(
        2,
        "checkin|9|0",
        kind="check_in",
        state=OutboxState.SENT,
        expects_reply=True,
        reply_by=NOW - timedelta(minutes=1),
        subject_type="commitment",
        subject_id=9,
    )
    current = state(
        commitments=[commitment()], all_commitments=[removed, commitment()], outbox=[pending, asked]
    )
    assert check_ins.plan(current, NOW)[0] == Cancel((1,), "commitment no longer in the plan")
    assert misses.plan(current, NOW) == [Unanswered(2)]
