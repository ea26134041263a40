"""Other wordings of some message kinds, and the words a danger alert is about.

A variant is chosen by the message's ``variant`` parameter; the texts follow the rules of
``sigbot.messages.texts`` (discreet SMS, one language per message).
"""

from __future__ import annotations

from sigbot.models.enums import MessageKind

# Other wordings of a kind, chosen by the message's ``variant`` parameter: the day-before
# reminder asks how they will get there (making a plan cut missed court dates most in Fishbane,
# Reeves & Hall, Science 2020); after a "yes" the later reminders only say "see you".
SMS_VARIANTS: dict[tuple[MessageKind, str], str] = {
    (MessageKind.APPOINTMENT_REMINDER, "plan"): "Reminder: appointment {when}. How will you get "
    "there, and when will you leave? Write it in a few words, or answer 1 coming, 2 help, "
    "3 can't come.",
    (MessageKind.MEETING_REMINDER, "plan"): "Reminder: meeting {when}. How will you get there, "
    "and when will you leave? Write it in a few words, or answer 1 coming, 2 help, "
    "3 can't come.",
    (MessageKind.APPOINTMENT_REMINDER, "see_you"): "See you {when}!",
    (MessageKind.MEETING_REMINDER, "see_you"): "See you {when}!",
}
TELEGRAM_VARIANTS: dict[tuple[MessageKind, str], str] = {
    (MessageKind.APPOINTMENT_REMINDER, "plan"): "Reminder: {what} {when}{at_place}.\nHow will "
    "you get there, and when do you need to leave? Write it here in a few words, or use the "
    "buttons.",
    (MessageKind.MEETING_REMINDER, "plan"): "Reminder: network meeting {when}{at_place}.\nHow "
    "will you get there, and when do you need to leave? Write it here in a few words, or use "
    "the buttons.",
    (MessageKind.APPOINTMENT_REMINDER, "see_you"): "See you {when}: {what}{at_place}.",
    (MessageKind.MEETING_REMINDER, "see_you"): "See you {when}: network meeting{at_place}.",
}

# What a danger alert is about (the categories of sigbot/messages/words/danger_*.txt).
DANGER_WORDS: dict[str, str] = {
    "suicide": "suicide",
    "self_harm": "self-harm",
    "violence": "violence",
    "threat": "threats",
    "weapon": "a weapon",
    "abuse": "abuse",
}
