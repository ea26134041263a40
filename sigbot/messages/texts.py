"""Every text a person reads, as English source texts that are also the catalogs' message ids.

Texts for SMS are discreet (a lock screen can be read by others): they never name social
services, the police, the clinic or the reason for a meeting, only the time and how to answer,
and stay within one GSM-7 segment where possible. Telegram texts may say more: the chat is the
person's own and names what and where (docs/architecture.md, "Privacy"). The composer that fills
them in is ``sigbot.messages.composer``; ``tools/update_catalogs.py`` builds the ``.po`` template
from these.
"""

from __future__ import annotations

from sigbot.models.enums import EscalationAction, MessageKind

# The English source texts are the message ids (gettext style).
SMS: dict[MessageKind, str] = {
    MessageKind.WELCOME_SMS: "Hi! You will get reminders from this number. Answer 1 = yes/done, "
    "2 = I need help, 3 = no/can't. Send STOP to stop.",
    MessageKind.APPOINTMENT_REMINDER: "Reminder: you have an appointment {when}. "
    "Answer 1 coming, 2 help, 3 can't come.",
    MessageKind.APPOINTMENT_MOVED: "Your appointment has moved to {when}.",
    MessageKind.APPOINTMENT_CANCELLED: "Your appointment {when} is cancelled.",
    MessageKind.MEETING_INVITATION: "You are invited to a meeting {when}. "
    "Answer 1 coming, 2 help, 3 can't come.",
    MessageKind.MEETING_REMINDER: "Reminder: meeting {when}. "
    "Answer 1 coming, 2 help, 3 can't come.",
    MessageKind.OFFICIALS_INVITATION: "You are invited to a meeting {when}. "
    "Answer 1 coming, 2 help, 3 can't come.",
    MessageKind.CHECK_IN: "How is it going with what we agreed? Answer 1 done, 2 help, 3 not done.",
    MessageKind.COMMITMENT_DUE: "Did you do what you promised for today? "
    "Answer 1 done, 2 help, 3 not done.",
    MessageKind.RESTING_CHECK_IN: "Hi! How are you? Answer 1 all good, 2 I need help.",
    MessageKind.PLAN_NOTICE: "You have a new plan until the next meeting. "
    "Ask your contact person if you want it read out.",
    MessageKind.ACK_YES: "Thanks for answering!",
    MessageKind.ACK_HELP: "We have told {coordinator}. You will be contacted soon.",
    MessageKind.ACK_NO: "OK, thanks for telling us. {coordinator} will get in touch.",
    MessageKind.ACK_UNKNOWN: "Thanks, your message has been passed on.",
    MessageKind.UNKNOWN_SENDER: "This number does not recognise you. If you expected messages, "
    "talk to your contact person.",
}

TELEGRAM: dict[MessageKind, str] = {
    MessageKind.WELCOME_SMS: SMS[MessageKind.WELCOME_SMS],
    MessageKind.APPOINTMENT_REMINDER: "Reminder: {what} {when}{at_place}. Are you coming?",
    MessageKind.APPOINTMENT_MOVED: "{what} has moved. New time: {when}{at_place}.",
    MessageKind.APPOINTMENT_CANCELLED: "{what} {when} is cancelled.",
    MessageKind.MEETING_INVITATION: "You are invited to a network meeting {when}{at_place}. "
    "Can you come?",
    MessageKind.MEETING_REMINDER: "Reminder: network meeting {when}{at_place}. Are you coming?",
    MessageKind.OFFICIALS_INVITATION: "Officials' meeting (without the family) before the network "
    "meeting: {when}{at_place}. Can you come?",
    MessageKind.CHECK_IN: "How is it going with this: “{text}”?",
    MessageKind.COMMITMENT_DUE: "Today is the day for: “{text}”. Did you do it?",
    MessageKind.RESTING_CHECK_IN: "Hi {name}! It's been a while. How are you doing?",
    MessageKind.PLAN_NOTICE: "Your commitments until the next meeting:\n{items}",
    MessageKind.ACK_YES: SMS[MessageKind.ACK_YES],
    MessageKind.ACK_HELP: SMS[MessageKind.ACK_HELP],
    MessageKind.ACK_NO: SMS[MessageKind.ACK_NO],
    MessageKind.ACK_UNKNOWN: SMS[MessageKind.ACK_UNKNOWN],
    MessageKind.UNKNOWN_SENDER: SMS[MessageKind.UNKNOWN_SENDER],
    MessageKind.LINKED: "Hi {name}! You will get your reminders here.",
    MessageKind.LINK_INVALID: "That link does not work (it is old or already used). "
    "Ask your contact person for a new one.",
    # For coordinators (Telegram only): detailed on purpose.
    MessageKind.ESCALATION: "⚠️ {case}: {who} — {what}\nAnswer: {answer}\nLatest:\n{events}",
    MessageKind.ESCALATION_TEAM_LEAD: "⚠️ Not acknowledged in time. {case}: {who} — {what}\n"
    "Answer: {answer}\nLatest:\n{events}",
    MessageKind.DELIVERY_FAILED: "Could not reach {who} on {channel}: {reason}.{fallback_note}",
    MessageKind.REPLY_ATTENTION: "{case}: {who} wrote: “{text}”",
    MessageKind.OPTED_OUT: "{case}: {who} sent STOP and gets no more SMS.",
    MessageKind.OPTED_IN: "{case}: {who} sent START and gets SMS again.",
    MessageKind.CONSENT_EXPIRING: "{case}: a consent ends in {days} days ({date}). "
    "Renew it in time.",
    MessageKind.MEETING_OVERDUE: "{case}: no network meeting is planned within four weeks of "
    "the last one ({last}). Plan one before {deadline}.",
    MessageKind.DAILY_OVERVIEW: "Good morning! Your cases on {date}:\n{lines}",
}

# Labels of the yes, help and no buttons of each message that asks something.
PROMPT_LABELS: dict[MessageKind, tuple[str, str, str]] = {
    MessageKind.APPOINTMENT_REMINDER: ("I'm coming", "I need help", "I can't come"),
    MessageKind.MEETING_INVITATION: ("I'm coming", "I need help", "I can't come"),
    MessageKind.OFFICIALS_INVITATION: ("I'm coming", "I need help", "I can't come"),
    MessageKind.MEETING_REMINDER: ("I'm coming", "I need help", "I can't come"),
    MessageKind.CHECK_IN: ("Done", "I need help", "Not done"),
    MessageKind.COMMITMENT_DUE: ("Done", "I need help", "Not done"),
    MessageKind.RESTING_CHECK_IN: ("All good", "I need help", "Not so good"),
}
# The buttons under a coordinator's alert, in the order they are shown.
ESCALATION_LABELS: dict[EscalationAction, str] = {
    EscalationAction.ACK: "Acknowledge",
    EscalationAction.CALL: "I'll call",
    EscalationAction.MEETING: "Call a meeting",
}
PLACE = ", {place}"
FALLBACK_TRYING = " Trying their other channel."
FALLBACK_NONE = " Please contact them another way."
# Values that reach coordinators inside other texts; translated when they are known ids.
TWO_MISSES = "{n} misses within 7 days: an extra network meeting is proposed"
VALUE_MSGIDS = (
    "I need help",
    "can't come",
    "not done",
    "no answer",
    "asked for help",
    "the person blocked the bot",
    "the number has opted out (STOP)",
    "not a number that can receive SMS",
    "chat not found",
    "Twilio is busy (rate limited)",
    "Telegram did not answer in time",
)
_BASE_MSGIDS = (PLACE, FALLBACK_TRYING, FALLBACK_NONE, TWO_MISSES, *VALUE_MSGIDS)
OVERVIEW_LINE = "{ref}{paused}: {alerts} ⚠ open, {misses} ✗ since yesterday"
OVERVIEW_TODAY = "; today: {events}"
OVERVIEW_PAUSED = " (paused)"
EXTRA_MSGIDS: tuple[str, ...] = (*_BASE_MSGIDS, OVERVIEW_LINE, OVERVIEW_TODAY, OVERVIEW_PAUSED)
