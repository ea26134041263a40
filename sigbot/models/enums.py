"""Every kind, topic, status and reason sigbot stores or sends, each defined once.

They are ``StrEnum``: the stored value is the lower-case string, so rows written before an enum
existed read back unchanged, and a typo is a failed import instead of a silent mismatch.
"""

from __future__ import annotations

from enum import StrEnum


class CaseStatus(StrEnum):
    """The life cycle (docs/architecture.md): proposed -> active -> paused -> closed -> resting."""

    PROPOSED = "proposed"
    ACTIVE = "active"
    PAUSED = "paused"
    RESTING = "resting"
    CLOSED = "closed"


class Role(StrEnum):
    YOUTH = "youth"
    GUARDIAN = "guardian"
    COORDINATOR = "coordinator"
    SOCIAL_WORKER = "social_worker"
    POLICE = "police"
    SCHOOL = "school"
    HEALTH = "health"
    OTHER = "other"


FAMILY_ROLES = frozenset({Role.YOUTH, Role.GUARDIAN})


class ChannelKind(StrEnum):
    TELEGRAM = "telegram"
    SMS = "sms"
    NONE = "none"  # a remembered decision not to send: no channel was used


class Topic(StrEnum):
    """What a message is about; consent is given per topic."""

    MEETINGS = "meetings"
    PLAN = "plan"
    REMINDERS = "reminders"
    ESCALATIONS = "escalations"


class MeetingKind(StrEnum):
    NETWORK = "network"
    OFFICIALS = "officials"


class EventStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    KEPT = "kept"
    MISSED = "missed"
    CANCELLED = "cancelled"


class Answer(StrEnum):
    """An answer to a question: the person's, or what sigbot concluded without one."""

    PENDING = "pending"
    YES = "yes"
    HELP = "help"
    NO = "no"
    NONE = "none"  # no answer came in time
    SUPERSEDED = "superseded"  # the event moved or was cancelled: the question is closed


class CommitmentStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    MISSED = "missed"
    REPLACED = "replaced"
    CANCELLED = "cancelled"


class Area(StrEnum):
    SCHOOL = "school"
    WORK = "work"
    HOUSING = "housing"
    HEALTH = "health"
    SUBSTANCE = "substance"
    ECONOMY = "economy"
    CRIME = "crime"
    FAMILY = "family"
    LEISURE = "leisure"
    OTHER = "other"


class SubjectType(StrEnum):
    """What a message or an escalation is about."""

    APPOINTMENT = "appointment"
    MEETING = "meeting"
    COMMITMENT = "commitment"
    ESCALATION = "escalation"


class OutboxState(StrEnum):
    """Where a message is in its life: a row first, then claimed, then sent or given up."""

    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    CANCELLED = "cancelled"
    DROPPED = "dropped"


FINAL_STATES = frozenset(
    {
        OutboxState.SENT,
        OutboxState.DELIVERED,
        OutboxState.FAILED,
        OutboxState.CANCELLED,
        OutboxState.DROPPED,
    }
)
REACHED_STATES = frozenset({OutboxState.SENT, OutboxState.DELIVERED})


class MessageKind(StrEnum):
    """Every message sigbot sends; each has a text in ``sigbot.messages``."""

    WELCOME_SMS = "welcome_sms"
    APPOINTMENT_REMINDER = "appointment_reminder"
    APPOINTMENT_MOVED = "appointment_moved"
    APPOINTMENT_CANCELLED = "appointment_cancelled"
    MEETING_INVITATION = "meeting_invitation"
    MEETING_REMINDER = "meeting_reminder"
    OFFICIALS_INVITATION = "officials_invitation"
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
    ESCALATION = "escalation"
    ESCALATION_TEAM_LEAD = "escalation_team_lead"
    DELIVERY_FAILED = "delivery_failed"
    REPLY_ATTENTION = "reply_attention"
    OPTED_OUT = "opted_out"
    OPTED_IN = "opted_in"
    CONSENT_EXPIRING = "consent_expiring"
    MEETING_OVERDUE = "meeting_overdue"
    DAILY_OVERVIEW = "daily_overview"


# The follow-up a pause holds back (and the dispatcher refuses while a case is not active);
# answers to what people write still go.
HELD_WHILE_PAUSED = frozenset(
    {
        MessageKind.APPOINTMENT_REMINDER,
        MessageKind.MEETING_REMINDER,
        MessageKind.MEETING_INVITATION,
        MessageKind.OFFICIALS_INVITATION,
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
    {*EVENT_REMINDERS, MessageKind.MEETING_INVITATION, MessageKind.OFFICIALS_INVITATION}
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
    }
)


class EscalationLevel(StrEnum):
    COORDINATOR = "coordinator"
    BACKUP = "backup"
    TEAM_LEAD = "team_lead"


class EscalationReason(StrEnum):
    HELP = "help"
    CANNOT_COME = "cannot_come"
    NOT_DONE = "not_done"
    NO_REPLY = "no_reply"
    OVERDUE = "overdue"
    TWO_MISSES = "two_misses"


MISS_REASONS = frozenset(
    {
        EscalationReason.CANNOT_COME,
        EscalationReason.NOT_DONE,
        EscalationReason.NO_REPLY,
        EscalationReason.OVERDUE,
    }
)


class EscalationAction(StrEnum):
    """What a coordinator answered to an alert."""

    ACK = "ack"
    CALL = "call"
    MEETING = "meeting"


class Unreachable(StrEnum):
    """Why an address can no longer be used: the dispatcher stops trying it and falls back."""

    BLOCKED = "blocked"  # Telegram: the user blocked the bot
    OPTED_OUT = "opted_out"  # SMS: the number sent STOP
    INVALID = "invalid"  # a number or chat that does not exist


class DeliveryStatus(StrEnum):
    """Where a provider says a sent message is; each provider's module maps its words to these.

    The values are what ``outbox_message.provider_status`` has always held, so old rows read
    back unchanged.
    """

    ACCEPTED = "accepted"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    READ = "read"


class JournalKind(StrEnum):
    """Every kind of journal entry, grouped by what it is about."""

    CASE_CREATED = "case.created"
    CASE_STATUS = "case.status"
    PLAN_IMPORTED = "plan.imported"
    PLAN_VERSION = "plan.version"
    MEMBER_ADDED = "member.added"
    MEMBER_UPDATED = "member.updated"
    MEMBER_REMOVED = "member.removed"
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
    SMS_OPTED_OUT = "sms.opted_out"
    SMS_OPTED_IN = "sms.opted_in"
    ESCALATION_OPENED = "escalation.opened"
    ESCALATION_RAISED = "escalation.raised"
    ESCALATION_ACKNOWLEDGED = "escalation.acknowledged"
    INVITE_CREATED = "invite.created"
    INVITE_REDEEMED = "invite.redeemed"
    OVERVIEW_SENT = "overview.sent"
    MESSAGE_SENT = "message.sent"
    MESSAGE_RETRY = "message.retry"
    MESSAGE_FAILED = "message.failed"
    MESSAGE_FALLBACK = "message.fallback"
    MESSAGE_DROPPED = "message.dropped"
    MESSAGE_CANCELLED = "message.cancelled"
    MESSAGE_WITHHELD = "message.withheld"
    MESSAGE_UNROUTABLE = "message.unroutable"
    MESSAGE_UNDELIVERED = "message.undelivered"
