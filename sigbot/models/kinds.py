"""What sigbot says (``MessageKind``, with the groups rules ask about) and what it writes in a
case's journal (``JournalKind``): each defined once, as ``StrEnum`` so stored values read back
unchanged."""

from __future__ import annotations

from enum import StrEnum


class MessageKind(StrEnum):
    """Every message sigbot sends; each has a text in ``sigbot.messages``."""

    WELCOME_SMS = "welcome_sms"
    APPOINTMENT_REMINDER = "appointment_reminder"
    APPOINTMENT_MOVED = "appointment_moved"
    APPOINTMENT_CANCELLED = "appointment_cancelled"
    MEETING_INVITATION = "meeting_invitation"
    MEETING_REMINDER = "meeting_reminder"
    OFFICIALS_INVITATION = "officials_invitation"
    MEETING_MOVED = "meeting_moved"
    MEETING_CANCELLED = "meeting_cancelled"
    CHECK_IN = "check_in"
    COMMITMENT_DUE = "commitment_due"
    RESTING_CHECK_IN = "resting_check_in"
    PLAN_NOTICE = "plan_notice"
    ACK_YES = "ack_yes"
    ACK_HELP = "ack_help"
    ACK_NO = "ack_no"
    ACK_UNKNOWN = "ack_unknown"
    UNKNOWN_SENDER = "unknown_sender"
    LINKED = "linked"
    LINK_INVALID = "link_invalid"
    LINK_PRIVATE_ONLY = "link_private_only"
    STOPPED_HERE = "stopped_here"
    ESCALATION = "escalation"
    ESCALATION_TEAM_LEAD = "escalation_team_lead"
    DELIVERY_FAILED = "delivery_failed"
    REPLY_ATTENTION = "reply_attention"
    OPTED_OUT = "opted_out"
    OPTED_IN = "opted_in"
    TELEGRAM_RELINKED = "telegram_relinked"
    TELEGRAM_STOPPED = "telegram_stopped"
    CONSENT_EXPIRING = "consent_expiring"
    MEETING_OVERDUE = "meeting_overdue"
    MEMBER_NO_CHANNEL = "member_no_channel"
    MEMBER_NO_CONSENT = "member_no_consent"
    DAILY_OVERVIEW = "daily_overview"
    NEW_CONTACT = "new_contact"
    WHICH_CASE = "which_case"
    REPLY_HELD = "reply_held"
    ALERT_ACKNOWLEDGED = "alert_acknowledged"
    LATE_ANSWER = "late_answer"
    DANGER_ANSWER = "danger_answer"
    DANGER_ANSWER_UNKNOWN = "danger_answer_unknown"
    ESCALATION_URGENT = "escalation_urgent"
    INFO = "info"
    ACK_PLAN = "ack_plan"
    APPOINTMENT_FOLLOW_UP = "appointment_follow_up"


# The follow-up a pause holds back (and the dispatcher refuses while a case is not active);
# answers to what people write still go.
HELD_WHILE_PAUSED = frozenset(
    {
        MessageKind.APPOINTMENT_REMINDER,
        MessageKind.APPOINTMENT_FOLLOW_UP,
        MessageKind.MEETING_REMINDER,
        MessageKind.MEETING_INVITATION,
        MessageKind.OFFICIALS_INVITATION,
        MessageKind.MEETING_MOVED,
        MessageKind.CHECK_IN,
        MessageKind.COMMITMENT_DUE,
        MessageKind.PLAN_NOTICE,
        MessageKind.WELCOME_SMS,
    }
)
# Reminders of an event: after downtime only the latest overdue one is worth sending.
EVENT_REMINDERS = frozenset({MessageKind.APPOINTMENT_REMINDER, MessageKind.MEETING_REMINDER})
# What tells a person of an event's time: if one went out, a move or cancellation is news to them.
TIME_TELLING = frozenset(
    {
        *EVENT_REMINDERS,
        MessageKind.MEETING_INVITATION,
        MessageKind.OFFICIALS_INVITATION,
        MessageKind.MEETING_MOVED,
    }
)
# Answers to someone who just wrote: they go at once, quiet hours or not.
RESPONSES = frozenset(
    {
        MessageKind.ACK_YES,
        MessageKind.ACK_HELP,
        MessageKind.ACK_NO,
        MessageKind.ACK_UNKNOWN,
        MessageKind.UNKNOWN_SENDER,
        MessageKind.LINKED,
        MessageKind.LINK_INVALID,
        MessageKind.LINK_PRIVATE_ONLY,
        MessageKind.STOPPED_HERE,
        MessageKind.WHICH_CASE,
        MessageKind.ALERT_ACKNOWLEDGED,
        MessageKind.DANGER_ANSWER,
        MessageKind.DANGER_ANSWER_UNKNOWN,
        MessageKind.INFO,
        MessageKind.ACK_PLAN,
    }
)


# What the dispatcher sends first when more is due than it can send at once (a burst of plan
# notices must not hold up a reminder due now): people waiting for an answer and alerts, then
# what is tied to a time, then the rest. The welcome SMS is not bulk: it must come before the
# first reminder to the same number (queued first, it goes first among equals).
URGENT_FIRST = 0
TIMED = 1
BULK = 2
_URGENT = frozenset(
    {
        MessageKind.ESCALATION,
        MessageKind.ESCALATION_TEAM_LEAD,
        MessageKind.ESCALATION_URGENT,
        MessageKind.DANGER_ANSWER,
        MessageKind.DANGER_ANSWER_UNKNOWN,
    }
)
_BULK = frozenset(
    {
        MessageKind.PLAN_NOTICE,
        MessageKind.DAILY_OVERVIEW,
        MessageKind.RESTING_CHECK_IN,
        MessageKind.CONSENT_EXPIRING,
        MessageKind.MEETING_OVERDUE,
        MessageKind.MEMBER_NO_CHANNEL,
        MessageKind.MEMBER_NO_CONSENT,
    }
)


def priority_of(kind: str) -> int:
    """0 urgent (alerts, answers to someone who just wrote), 1 timed, 2 bulk."""
    if kind in _URGENT or kind in RESPONSES:
        return URGENT_FIRST
    return BULK if kind in _BULK else TIMED


class JournalKind(StrEnum):
    """Every kind of journal entry, grouped by what it is about."""

    CASE_CREATED = "case.created"
    CASE_STATUS = "case.status"
    CASE_HANDED_OVER = "case.handed_over"
    CASE_ERASED = "case.erased"
    PLAN_IMPORTED = "plan.imported"
    PLAN_VERSION = "plan.version"
    MEMBER_ADDED = "member.added"
    MEMBER_UPDATED = "member.updated"
    MEMBER_REMOVED = "member.removed"
    MEMBER_ERASED = "member.erased"
    CONSENT_RECORDED = "consent.recorded"
    CONSENT_CHANGED = "consent.changed"
    CONSENT_WITHDRAWN = "consent.withdrawn"
    CONSENT_EXPIRING = "consent.expiring"
    MEETING_PLANNED = "meeting.planned"
    MEETING_CHANGED = "meeting.changed"
    MEETING_CANCELLED = "meeting.cancelled"
    APPOINTMENT_PLANNED = "appointment.planned"
    APPOINTMENT_CHANGED = "appointment.changed"
    APPOINTMENT_CANCELLED = "appointment.cancelled"
    COMMITMENT_DONE = "commitment.done"
    COMMITMENT_MISSED = "commitment.missed"
    REMINDER_UNANSWERED = "reminder.unanswered"
    ANSWER_RECORDED = "answer.recorded"
    REPLY_RECEIVED = "reply.received"
    REPLY_HELD = "reply.held"
    REPLY_DANGER = "reply.danger"
    TRAVEL_PLAN = "answer.plan"
    REMINDERS_QUIETED = "reminders.quieted"
    INBOUND_ERASED = "inbound.erased"
    SMS_OPTED_OUT = "sms.opted_out"
    SMS_OPTED_IN = "sms.opted_in"
    TELEGRAM_STOPPED = "telegram.stopped"
    ESCALATION_OPENED = "escalation.opened"
    ESCALATION_RAISED = "escalation.raised"
    ESCALATION_ACKNOWLEDGED = "escalation.acknowledged"
    ACCOUNT_READ = "account.read"
    ACCOUNT_CHANGED = "account.changed"
    INVITE_CREATED = "invite.created"
    INVITE_REDEEMED = "invite.redeemed"
    OVERVIEW_SENT = "overview.sent"
    MEMBER_UNREACHABLE = "member.unreachable"
    MESSAGE_SENT = "message.sent"
    MESSAGE_RETRY = "message.retry"
    MESSAGE_FAILED = "message.failed"
    MESSAGE_FALLBACK = "message.fallback"
    MESSAGE_REROUTED = "message.rerouted"
    MESSAGE_DROPPED = "message.dropped"
    MESSAGE_CANCELLED = "message.cancelled"
    MESSAGE_WITHHELD = "message.withheld"
    MESSAGE_UNROUTABLE = "message.unroutable"
    MESSAGE_UNDELIVERED = "message.undelivered"
