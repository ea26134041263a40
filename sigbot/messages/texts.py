"""Every text a person reads, as English source texts that are also the catalogs' message ids.

Every kind has its own text in both tables; the composer never lends one channel's text to the
other. Texts for SMS are discreet (a lock screen can be read by others): they never name a
person, social services, the police, the clinic, a place or the reason for a meeting, only the
time and how to answer, and stay within one GSM-7 segment. An alert to staff by SMS (a
coordinator with only a phone, or a Telegram that failed) names only the case reference and
what to do, and says that answering 1 acknowledges it (the contract's last paragraph). Telegram
texts may say more: the chat is the person's own and names what and where
(docs/architecture.md, "Privacy"). The composer that fills them in is
``sigbot.messages.composer``; ``tools/update_catalogs.py`` builds the ``.po`` template from these.
"""

from __future__ import annotations

from sigbot.messages.variants import DANGER_WORDS
from sigbot.models.enums import CaseStatus, EscalationAction, MeetingKind, MessageKind

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
    MessageKind.MEETING_MOVED: "Your meeting has moved to {when}. "
    "Answer 1 coming, 2 help, 3 can't come.",
    MessageKind.MEETING_CANCELLED: "Your meeting {when} is cancelled.",
    MessageKind.CHECK_IN: "How is it going with what we agreed? Answer 1 done, 2 help, 3 not done.",
    MessageKind.COMMITMENT_DUE: "Did you do what you promised for today? "
    "Answer 1 done, 2 help, 3 not done.",
    MessageKind.RESTING_CHECK_IN: "Hi! How are you? Answer 1 all good, 2 I need help.",
    MessageKind.PLAN_NOTICE: "You have a new plan until the next meeting. "
    "Ask your contact person if you want it read out.",
    MessageKind.ACK_YES: "Thanks for answering!",
    MessageKind.ACK_HELP: "We have told your contact person. You will be contacted soon.",
    MessageKind.ACK_NO: "OK, thanks for telling us. Your contact person will get in touch.",
    MessageKind.ACK_UNKNOWN: "Thanks, your message has been passed on.",
    MessageKind.UNKNOWN_SENDER: "This number does not recognise you. If you expected messages, "
    "talk to your contact person.",
    MessageKind.LINKED: "You are connected. Your reminders will come here.",
    MessageKind.LINK_INVALID: "That link does not work. Ask your contact person for a new one.",
    MessageKind.LINK_PRIVATE_ONLY: "That link only works in a private chat. "
    "Open it again in your own chat.",
    MessageKind.STOPPED_HERE: "You will get no more messages here. "
    "Ask your contact person if you want them again.",
    MessageKind.NEW_CONTACT: "You have a new contact person. They will get in touch soon.",
    # For staff: the case reference and what to do, nothing about whom or why.
    MessageKind.ESCALATION: "{case}: new alert. Answer 1 to acknowledge. Details in the workspace.",
    MessageKind.ESCALATION_TEAM_LEAD: "{case}: an alert was not acknowledged in time. "
    "Answer 1 to acknowledge. Details in the workspace.",
    MessageKind.DELIVERY_FAILED: "{case}: a message could not be delivered. "
    "Details in the workspace.",
    MessageKind.REPLY_ATTENTION: "{case}: a new message to read in the workspace.",
    MessageKind.OPTED_OUT: "{case}: a number sent STOP and gets no more SMS. "
    "Details in the workspace.",
    MessageKind.OPTED_IN: "{case}: a number sent START and gets SMS again.",
    MessageKind.TELEGRAM_RELINKED: "{case}: a new Telegram chat was linked. "
    "Details in the workspace.",
    MessageKind.TELEGRAM_STOPPED: "{case}: a chat stopped its Telegram messages. "
    "Details in the workspace.",
    MessageKind.CONSENT_EXPIRING: "{case}: a consent ends on {date}. Renew it in time.",
    MessageKind.MEETING_OVERDUE: "{case}: plan a network meeting before {deadline}.",
    MessageKind.DAILY_OVERVIEW: "Good morning! Open alerts in your cases: {alerts}. "
    "Details in the workspace.",
    MessageKind.MEMBER_NO_CHANNEL: "{case}: someone in the plan cannot be reached. "
    "Add a phone number or chat to the plan.",
    MessageKind.MEMBER_NO_CONSENT: "{case}: someone in the plan is covered by no consent. "
    "Check the plan in the workspace.",
    MessageKind.WHICH_CASE: "Your number is in more than one plan. Which young person is your "
    "message about? Answer with their first name.",
    MessageKind.REPLY_HELD: "{case}: a message waits until its sender says which case it is "
    "about. Details in the workspace.",
    MessageKind.ALERT_ACKNOWLEDGED: "{case}: alert acknowledged.",
    MessageKind.LATE_ANSWER: "{case}: a late answer closed an alert. Details in the workspace.",
    # To whoever wrote words that may mean danger: help now, even from an unknown number.
    MessageKind.DANGER_ANSWER: "We have read your message and told your contact person now. "
    "If someone is in danger, call 112. Young people: BRIS 116 111. Självmordslinjen 90101.",
    MessageKind.DANGER_ANSWER_UNKNOWN: "If someone is in danger, call 112. "
    "Young people: BRIS 116 111. Självmordslinjen 90101.",
    MessageKind.ESCALATION_URGENT: "{case}: URGENT alert, contact the family now. "
    "Answer 1 to acknowledge. Details in the workspace.",
    MessageKind.INFO: "This number sends reminders of your appointments and meetings and asks "
    "how things go. Answer 2 if you need help. Send STOP to stop.",
    MessageKind.ACK_PLAN: "Thanks, that is a good plan!",
    MessageKind.APPOINTMENT_FOLLOW_UP: "Did you go to your appointment {when}? "
    "Answer 1 yes, 2 help, 3 no.",
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
    MessageKind.MEETING_MOVED: "The meeting has moved. New time: {when}{at_place}. Can you come?",
    MessageKind.MEETING_CANCELLED: "The meeting {when}{at_place} is cancelled.",
    MessageKind.CHECK_IN: "How is it going with this: “{text}”?",
    MessageKind.COMMITMENT_DUE: "Today is the day for: “{text}”. Did you do it?",
    MessageKind.RESTING_CHECK_IN: "Hi {name}! It's been a while. How are you doing?",
    MessageKind.PLAN_NOTICE: "Your commitments until the next meeting:\n{items}",
    MessageKind.ACK_YES: SMS[MessageKind.ACK_YES],
    MessageKind.ACK_HELP: "We have told {coordinator}. You will be contacted soon.",
    MessageKind.ACK_NO: "OK, thanks for telling us. {coordinator} will get in touch.",
    MessageKind.ACK_UNKNOWN: SMS[MessageKind.ACK_UNKNOWN],
    MessageKind.UNKNOWN_SENDER: SMS[MessageKind.UNKNOWN_SENDER],
    MessageKind.LINKED: "Hi {name}! You will get your reminders here.",
    MessageKind.LINK_INVALID: "That link does not work (it is old or already used). "
    "Ask your contact person for a new one.",
    MessageKind.LINK_PRIVATE_ONLY: "Invitation links only work in a private chat with this bot. "
    "Open the link again in your own chat.",
    MessageKind.STOPPED_HERE: "You will get no more messages here. If you want them again, "
    "ask your contact person for a new link.",
    MessageKind.NEW_CONTACT: "Your contact person is now {coordinator}. "
    "They will get in touch soon.",
    # For staff: detailed on purpose (their SMS texts above are not).
    MessageKind.ESCALATION: "⚠️ {case}: {who} — {what}\nAnswer: {answer}\nLatest:\n{events}",
    MessageKind.ESCALATION_TEAM_LEAD: "⚠️ Not acknowledged in time. {case}: {who} — {what}\n"
    "Answer: {answer}\nLatest:\n{events}",
    MessageKind.DELIVERY_FAILED: "Could not reach {who} on {channel}: {reason}.{fallback_note}",
    MessageKind.REPLY_ATTENTION: "{case}: {who} wrote: “{text}”",
    MessageKind.OPTED_OUT: "{case}: {who} sent STOP and gets no more SMS.",
    MessageKind.OPTED_IN: "{case}: {who} sent START and gets SMS again.",
    MessageKind.TELEGRAM_RELINKED: "{case}: {who} linked a new Telegram chat. Messages now go "
    "there; the earlier chat gets nothing more.",
    MessageKind.TELEGRAM_STOPPED: "{case}: {who} sent /stop in Telegram and gets no more "
    "messages there.",
    MessageKind.CONSENT_EXPIRING: "{case}: a consent ends in {days} days ({date}). "
    "Renew it in time.",
    MessageKind.MEETING_OVERDUE: "{case}: no network meeting is planned within four weeks of "
    "the last one ({last}). Plan one before {deadline}.",
    MessageKind.DAILY_OVERVIEW: "Good morning! Your cases on {date}:\n{lines}",
    MessageKind.MEMBER_NO_CHANNEL: "{case}: {who} has no phone number or Telegram chat, so "
    "their reminders cannot go out. Add one to the plan.",
    MessageKind.MEMBER_NO_CONSENT: "{case}: no consent lets {who} be told of their part, so "
    "they hear nothing. Add them to a consent, or take them out of the plan.",
    MessageKind.WHICH_CASE: "You are in more than one plan. Which young person is your message "
    "about? Answer with their first name: {names}.",
    MessageKind.REPLY_HELD: "{case}: {who} wrote a message about one of the young people in "
    "their cases and has been asked which one. It reaches that case's coordinator when they "
    "answer.",
    MessageKind.ALERT_ACKNOWLEDGED: "{case}: alert acknowledged: {what}",
    MessageKind.LATE_ANSWER: "{case}: {who} answered yes late to: {what}. The alert about no "
    "answer is closed.",
    MessageKind.DANGER_ANSWER: "Thank you for writing. We have told {coordinator} right now.\n"
    "If you or someone else is in danger, call 112.\n"
    "Young people can call or chat with BRIS: 116 111 (free, you need not say your name).\n"
    "Självmordslinjen (suicide line): call 90101 or chat at mind.se.",
    MessageKind.DANGER_ANSWER_UNKNOWN: "If you or someone else is in danger, call 112.\n"
    "Young people can call or chat with BRIS: 116 111 (free, you need not say your name).\n"
    "Självmordslinjen (suicide line): call 90101 or chat at mind.se.",
    MessageKind.ESCALATION_URGENT: "🚨 URGENT {case}: {who} wrote words that may mean danger "
    "({what}):\n“{answer}”\nThey were given 112 and the helplines. Contact them now.\n"
    "Latest:\n{events}",
    MessageKind.INFO: "I send the reminders of your SIG group: appointments and meetings, and "
    "questions about how your plan is going. Your contact person is {coordinator}.\n"
    "Answer 2 or press “I need help” whenever you need help.\n"
    "Send /stop to get no more messages here.",
    MessageKind.ACK_PLAN: "Thanks, that is a good plan!",
    MessageKind.APPOINTMENT_FOLLOW_UP: "Did you go to {what} {when}?",
}

# Labels of the yes, help and no buttons of each message that asks something.
PROMPT_LABELS: dict[MessageKind, tuple[str, str, str]] = {
    MessageKind.APPOINTMENT_REMINDER: ("I'm coming", "I need help", "I can't come"),
    MessageKind.MEETING_INVITATION: ("I'm coming", "I need help", "I can't come"),
    MessageKind.OFFICIALS_INVITATION: ("I'm coming", "I need help", "I can't come"),
    MessageKind.MEETING_MOVED: ("I'm coming", "I need help", "I can't come"),
    MessageKind.MEETING_REMINDER: ("I'm coming", "I need help", "I can't come"),
    MessageKind.CHECK_IN: ("Done", "I need help", "Not done"),
    MessageKind.COMMITMENT_DUE: ("Done", "I need help", "Not done"),
    MessageKind.RESTING_CHECK_IN: ("All good", "I need help", "Not so good"),
    MessageKind.APPOINTMENT_FOLLOW_UP: ("I went", "I need help", "I didn't go"),
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
    "didn't go",
    # What a danger alert is about (sigbot/messages/words/danger_*.txt categories).
    *DANGER_WORDS.values(),
)
_BASE_MSGIDS = (PLACE, FALLBACK_TRYING, FALLBACK_NONE, TWO_MISSES, *VALUE_MSGIDS)
OVERVIEW_LINE = "{ref}{paused}: {alerts} ⚠ open, {misses} ✗ since yesterday"
OVERVIEW_TODAY = "; today: {events}"
OVERVIEW_PAUSED = " (paused)"
# Stands in for the case reference in a staff SMS whose caller gave none.
SOME_CASE = "One of your cases"
# Telegram commands for staff on their phone (handlers/telegram_staff.py): each command's line
# in a staff chat's menu, then the answers. Only a staff member's own chat gets these.
STAFF_COMMANDS: dict[str, str] = {
    "today": "Your day: alerts, today's appointments and meetings, misses",
    "alerts": "Open alerts, with buttons to acknowledge",
    "case": "A case in short: /case REF",
    "help": "What these commands do",
}
STAFF_HELP = "Commands for your cases:"
STAFF_MORE = "… and {n} more in the workspace."
STAFF_DAY = "Your day"
STAFF_DAY_ALERTS = "⚠️ Open alerts: {n}. /alerts shows them with their buttons."
STAFF_DAY_NO_ALERTS = "✓ No open alerts."
STAFF_DAY_TODAY = "📅 Today:"
STAFF_DAY_NOTHING_TODAY = "📅 Nothing planned today."
STAFF_DAY_MISSES = "✗ Missed since yesterday:"
STAFF_DAY_NO_MISSES = "✓ Nothing missed since yesterday."
STAFF_NO_ALERTS = "No open alerts in your cases."
STAFF_ALERT_OPENED = "Opened {when}."
STAFF_CASE_USAGE = "Write the case reference after the command: /case ST-2026-014"
STAFF_CASE_UNKNOWN = "You have no case with that reference."
STAFF_CASE_STATUS = "{ref}: {status} since {when}"
STAFF_CASE_NEXT = "Next: {what}, {when}{at_place}"
STAFF_CASE_NO_NEXT = "Next: nothing planned"
STAFF_CASE_ALERTS = "Open alerts: {n}"
STAFF_CASE_PLAN = (
    "Plan version {version}: {kept} kept, {missed} missed, {open} open; "
    "check-ins {checks_kept} kept, {checks_missed} missed"
)
STAFF_CASE_NO_PLAN = "Plan: none yet"
STAFF_CASE_CONTACT = "Last heard from the family: {when}"
STAFF_CASE_NO_CONTACT = "Last heard from the family: not yet"
CASE_STATUS_WORDS: dict[CaseStatus, str] = {
    CaseStatus.PROPOSED: "proposed",
    CaseStatus.ACTIVE: "active",
    CaseStatus.PAUSED: "paused",
    CaseStatus.RESTING: "resting",
    CaseStatus.CLOSED: "closed",
}
MEETING_WORDS: dict[MeetingKind, str] = {
    MeetingKind.NETWORK: "network meeting",
    MeetingKind.OFFICIALS: "officials' meeting",
}
STAFF_MSGIDS = (
    *STAFF_COMMANDS.values(),
    STAFF_HELP,
    STAFF_MORE,
    STAFF_DAY,
    STAFF_DAY_ALERTS,
    STAFF_DAY_NO_ALERTS,
    STAFF_DAY_TODAY,
    STAFF_DAY_NOTHING_TODAY,
    STAFF_DAY_MISSES,
    STAFF_DAY_NO_MISSES,
    STAFF_NO_ALERTS,
    STAFF_ALERT_OPENED,
    STAFF_CASE_USAGE,
    STAFF_CASE_UNKNOWN,
    STAFF_CASE_STATUS,
    STAFF_CASE_NEXT,
    STAFF_CASE_NO_NEXT,
    STAFF_CASE_ALERTS,
    STAFF_CASE_PLAN,
    STAFF_CASE_NO_PLAN,
    STAFF_CASE_CONTACT,
    STAFF_CASE_NO_CONTACT,
    *CASE_STATUS_WORDS.values(),
    *MEETING_WORDS.values(),
)
EXTRA_MSGIDS: tuple[str, ...] = (
    *_BASE_MSGIDS,
    OVERVIEW_LINE,
    OVERVIEW_TODAY,
    OVERVIEW_PAUSED,
    SOME_CASE,
    *STAFF_MSGIDS,
)
