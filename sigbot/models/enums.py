"""Every kind, topic, status and reason sigbot stores or sends, each defined once.

They are ``StrEnum``: the stored value is the lower-case string, so rows written before an enum
existed read back unchanged, and a typo is a failed import instead of a silent mismatch.
"""

from __future__ import annotations

from enum import StrEnum

# What sigbot says and what it journals are defined in their own module, re-exported here.
from sigbot.models.kinds import EVENT_REMINDERS as EVENT_REMINDERS
from sigbot.models.kinds import HELD_WHILE_PAUSED as HELD_WHILE_PAUSED
from sigbot.models.kinds import RESPONSES as RESPONSES
from sigbot.models.kinds import TIME_TELLING as TIME_TELLING
from sigbot.models.kinds import JournalKind as JournalKind
from sigbot.models.kinds import MessageKind as MessageKind


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
    TEAM_LEAD = "team_lead"
    SOCIAL_WORKER = "social_worker"
    POLICE = "police"
    SCHOOL = "school"
    HEALTH = "health"
    OTHER = "other"


FAMILY_ROLES = frozenset({Role.YOUTH, Role.GUARDIAN})
# Staff (docs/plan-file.md, "Roles"): always informed of their cases, never sent the family's
# welcome SMS, alerted at night unless SIGBOT_COORDINATOR_ALERTS_IN_QUIET_HOURS=false.
STAFF_ROLES = frozenset({Role.COORDINATOR, Role.TEAM_LEAD})


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
    DANGER = "danger"


# Alerts that go at once whatever the hour, even when staff keep quiet hours.
URGENT_REASONS = frozenset({EscalationReason.HELP, EscalationReason.DANGER})
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
    ANSWERED_LATE = "answered_late"  # the person answered after all: no button, sigbot closed it


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
