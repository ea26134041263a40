"""The journal's sentences: one English template per journal kind (the catalog's message id),
and the words that stand in them (a status, an answer, a channel) with their own message ids.

A kind may have variants, tried in order: a variant fits when each of its placeholders has a
value and its condition holds (``"late"``: the field is true; ``"action=ack"``: it equals).
``sigbot.journal_texts`` fills them in; the English of each mirrors the summary the entry
stored, so a line reads the same in English whichever way it is made.
"""

from __future__ import annotations

from sigbot.messages.kind_names import KIND_NAMES
from sigbot.messages.variants import DANGER_WORDS
from sigbot.models.kinds import JournalKind as K

Variant = tuple[str, str | None]


def v(text: str, when: str | None = None) -> Variant:
    return (text, when)


TEMPLATES: dict[str, tuple[Variant, ...]] = {
    K.CASE_CREATED: (v("case {ref} created ({status})"),),
    K.CASE_STATUS: (
        v("status {previous} → {status} ({reason}), until {planned_end}"),
        v("status {previous} → {status} ({reason})"),
        v("status {previous} → {status}, until {planned_end}"),
        v("status {previous} → {status}"),
    ),
    K.CASE_HANDED_OVER: (
        v("{role} {from_key} → {to_key}: {moved} open alerts moved, {told} family members told"),
    ),
    K.CASE_ERASED: (v("retention period over: personal data of {members} member(s) erased"),),
    K.PLAN_IMPORTED: (v("plan file re-imported: {changes}"),),
    K.PLAN_VERSION: (
        v("action plan version {version} with {commitments} commitments (after meeting {meeting})"),
        v("action plan version {version} with {commitments} commitments"),
    ),
    K.MEMBER_ADDED: (v("{member} added as {role}"),),
    K.MEMBER_UPDATED: (v("{member}: {fields} changed"),),
    K.MEMBER_REMOVED: (v("{member} left the case"),),
    K.MEMBER_ERASED: (
        v("{member}: personal data erased on request; {cancelled} queued message(s) cancelled"),
    ),
    K.CONSENT_RECORDED: (v("consent from {given_by}: share with {share_with} about {topics}"),),
    K.CONSENT_CHANGED: (v("consent {key}: {fields}"),),
    K.CONSENT_WITHDRAWN: (v("consent {key} withdrawn ({reason})"), v("consent {key} withdrawn")),
    K.CONSENT_EXPIRING: (v("consent {key} ends in {days} days"),),
    K.MEETING_PLANNED: (v("{meeting_kind} {starts_at}"),),
    K.MEETING_CHANGED: (v("meeting {key}: {changes}"),),
    K.MEETING_CANCELLED: (v("meeting {key} cancelled"),),
    K.APPOINTMENT_PLANNED: (v("{what} {starts_at}"),),
    K.APPOINTMENT_CHANGED: (v("{what}: {changes}"),),
    K.APPOINTMENT_CANCELLED: (v("{what} cancelled ({reason})"), v("{what} cancelled")),
    K.COMMITMENT_DONE: (v("{member} did: {text}"),),
    K.COMMITMENT_MISSED: (v("no answer from {member} to {kind}: {what}"),),
    K.REMINDER_UNANSWERED: (v("no answer from {member} to {kind}: {what}"),),
    K.ANSWER_RECORDED: (
        v(
            "{member} answered {answer} to {kind}: {what} (late: it had been marked unanswered)",
            "late",
        ),
        v("{member} answered {answer} to {kind}: {what}"),
    ),
    K.REPLY_RECEIVED: (
        v(
            "{member} wrote via {channel} (held until they named the young person): "
            "{text} → {reply}",
            "held",
        ),
        v("{member} wrote via {channel}: [button: {reply}] → {reply}", "button"),
        v("{member} wrote via {channel}: {text} → {reply}"),
    ),
    K.REPLY_DANGER: (v("{member} wrote words that may mean danger ({categories}): {phrases}"),),
    K.TRAVEL_PLAN: (v("{member}'s plan to get to {what}: {plan}"),),
    K.REMINDERS_QUIETED: (v("{count} later reminder(s) now only say 'see you'"),),
    K.REPLY_HELD: (
        v(
            "{member} wrote via {channel} a message about one of their several cases; it is held "
            "until they say which young person it is about"
        ),
    ),
    K.INBOUND_ERASED: (v("{count} text(s) from unknown senders received before {before} erased"),),
    K.SMS_OPTED_OUT: (v("{member} stopped SMS ({text})"),),
    K.SMS_OPTED_IN: (v("{member} restarted SMS ({text})"),),
    K.TELEGRAM_STOPPED: (v("{member} sent /stop in Telegram: the chat is unlinked"),),
    K.ESCALATION_OPENED: (
        v("escalated to the coordinator: {what} (answer: {answer})"),
        v("escalated to the coordinator: {what}"),
    ),
    K.ESCALATION_RAISED: (v("not acknowledged in time, sent to {target}: {what}"),),
    K.ESCALATION_ACKNOWLEDGED: (
        v(
            "{member} answered yes late to {what}: the no-reply alert is closed",
            "action=answered_late",
        ),
        v("{member} {action} via {via}: {what}"),
        v("{member} {action}: {what}"),
    ),
    K.ACCOUNT_READ: (v("{name} ({account}) read: {what}"),),
    K.ACCOUNT_CHANGED: (v("{name} ({account}) changed: {what}"),),
    K.INVITE_CREATED: (
        v(
            "Telegram invitation link made for {member} (valid 7 days, once); "
            "{older} older link(s) no longer work",
            "older",
        ),
        v("Telegram invitation link made for {member} (valid 7 days, once)"),
    ),
    K.INVITE_REDEEMED: (
        v("{member} linked a new Telegram chat; the earlier one gets nothing more", "relinked"),
        v("{member} linked a Telegram chat"),
    ),
    K.OVERVIEW_SENT: (v("the case was in the coordinator's morning overview"),),
    K.MEMBER_UNREACHABLE: (
        v(
            "{member} cannot be reached: no phone number or Telegram chat; "
            "the coordinator was told",
            "kind=member_no_channel",
        ),
        v("{member} cannot be reached: no consent covers {topic}; the coordinator was told"),
    ),
    K.MESSAGE_SENT: (v("{kind} sent to {member} via {channel}: {body}"),),
    K.MESSAGE_RETRY: (v("{kind} not yet delivered to {member} via {channel} ({detail})"),),
    K.MESSAGE_FAILED: (
        v("{kind} could not be sent to {member} via {channel} ({detail})"),
        v("{kind} could not be sent to {member} via {channel}"),
    ),
    K.MESSAGE_FALLBACK: (
        v("{kind} falling back for {member} via {channel} ({detail})"),
        v("{kind} falling back for {member} via {channel}"),
    ),
    K.MESSAGE_REROUTED: (
        v("{kind} re-addressed for {member} via {channel} ({detail})"),
        v("{kind} re-addressed for {member} via {channel}"),
    ),
    K.MESSAGE_DROPPED: (v("{kind} for {member} dropped: quiet hours last until the event"),),
    K.MESSAGE_CANCELLED: (
        v("{kind} cancelled for {member} via {channel} ({detail})"),
        v("{kind} cancelled for {member} via {channel}"),
    ),
    K.MESSAGE_WITHHELD: (v("{kind} not sent to {member}: no consent covers {topic}"),),
    K.MESSAGE_UNROUTABLE: (v("{kind} for {member}: no usable channel"),),
    K.MESSAGE_UNDELIVERED: (
        v("{kind} to {member} was not delivered ({provider} {status}, code {error_code})"),
        v("{kind} to {member} was not delivered ({provider} {status})"),
    ),
}

_STATUS = ("proposed", "active", "paused", "resting", "closed", "planned", "held", "kept")
_ROLES = {"team_lead": "team lead", "social_worker": "social worker"}
# Values that are words: the message id of each (a value not listed is its own message id).
WORDS: dict[str, dict[str, str]] = {
    "status": {s: s for s in (*_STATUS, "missed", "cancelled")},
    "role": {
        **{r: r for r in ("youth", "guardian", "coordinator", "backup", "police", "school")},
        **{r: r for r in ("health", "other")},
        **_ROLES,
    },
    "categories": dict(DANGER_WORDS),
    "answer": {"yes": "yes", "help": "help", "no": "no", "none": "no answer"},
    "reply": {r: r for r in ("yes", "help", "no", "stop", "start", "unknown")},
    "topic": {t: t for t in ("meetings", "plan", "reminders", "escalations")},
    "action": {"ack": "acknowledged", "call": "will call", "meeting": "will call a meeting"},
    "meeting_kind": {"network": "network meeting", "officials": "officials' meeting"},
    "channel": {"telegram": "Telegram", "sms": "SMS", "none": "no channel"},
    "fields": {
        "telegram_chat_id": "Telegram chat",
        "member_id": "person",
        "given_by": "given by",
        "share_with": "shared with",
        "valid_from": "valid from",
        "valid_until": "valid until",
        "withdrawn_at": "withdrawn",
        "withdrawn_reason": "reason for withdrawal",
        **{f: f for f in ("role", "name", "language", "phone", "channel", "organisation")},
        **{f: f for f in ("account", "active", "topics", "what", "place", "remind", "kind")},
        **{f: f for f in ("time zone", "quiet hours", "no-reply", "ack time", "coordinator")},
        "backup": "backup",
    },
    "detail": {
        r: r
        for r in (
            "case paused",
            "consent expired or withdrawn",
            "the number sent STOP",
            "the chat sent /stop",
            "erased",
        )
    },
    "what": {
        w: w
        for w in (
            "case page",
            "API: case",
            "API: journal",
            "report",
            "closing summary",
            "plan file checked",
            "case created",
            "Telegram: /case",
        )
    },
}
# Fields whose value is another field's words.
WORDS |= {
    "kind": KIND_NAMES,
    "previous": WORDS["status"],
    "topics": WORDS["topic"],
    "via": WORDS["channel"],
    "reason": WORDS["detail"],
}
# Fields holding moments (UTC ISO, shown in the entry's ``tz``) or days (ISO dates).
TIMES = frozenset({"starts_at"})
DAYS = frozenset({"planned_end", "before"})
# Fields holding phrases our own code wrote (change lists, where an alert went); see PHRASES.
PHRASED = frozenset({"changes", "target"})
NO_CHANGE = "no visible change"
# The phrases, as a pattern over the English and the message id to render it with; named groups
# in WORDS are translated, ``old``/``new`` are local "YYYY-MM-DD HH:MM" times.
PHRASES: tuple[tuple[str, str], ...] = (
    (r"moved (?P<old>[\d-]+ [\d:]+) → (?P<new>[\d-]+ [\d:]+)", "moved {old} → {new}"),
    (r"status (?P<previous>[a-z]+) → (?P<status>[a-z]+)", "status {previous} → {status}"),
    (r"(?P<previous>[a-z]+) → (?P<status>[a-z]+)", "{previous} → {status}"),
    (r"cancelled", "cancelled"),
    (r"planned again", "planned again"),
    (r"pause end changed", "pause end changed"),
    (r"member (?P<key>\S+) added", "member {key} added"),
    (r"member (?P<key>\S+) updated", "member {key} updated"),
    (r"member (?P<key>\S+) removed", "member {key} removed"),
    (r"consent (?P<key>\S+) added", "consent {key} added"),
    (r"consent (?P<key>\S+) changed", "consent {key} changed"),
    (r"consent (?P<key>\S+) withdrawn", "consent {key} withdrawn"),
    (r"meeting (?P<key>\S+) added", "meeting {key} added"),
    (r"meeting (?P<key>\S+) cancelled", "meeting {key} cancelled"),
    (r"appointment (?P<key>\S+) added", "appointment {key} added"),
    (r"appointment (?P<key>\S+) cancelled", "appointment {key} cancelled"),
    (r"action plan version (?P<version>\d+)", "action plan version {version}"),
    (r"team lead \(SIGBOT_TEAM_LEAD_CHAT_ID\)", "the team lead's chat"),
    (r"team lead \(none: the case has no team_lead member\)", "nobody: the case has no team lead"),
    (r"backup (?P<key>\S+)", "backup {key}"),
    (r"team lead (?P<keys>[\w, -]+)", "team lead {keys}"),
    (r"(?P<fields>[\w' -]+?) changed", "{fields} changed"),
)
