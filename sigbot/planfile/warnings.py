"""What a plan file allows but will not work: people it counts on whom sigbot cannot reach.

The file is accepted (a phone number may come later), but ``sigbot import`` says so at once,
and the scheduler tells the coordinator once (``scheduler/rules/reachability.py``).
"""

from __future__ import annotations

from sigbot.models.enums import STAFF_ROLES, Role, Topic
from sigbot.planfile.resolved import ResolvedPlan


def reachability_warnings(plan: ResolvedPlan) -> list[str]:
    """One line per member who has something coming but no channel or no consent."""
    expects: dict[str, set[Topic]] = {}
    for commitment in plan.commitments:
        expects.setdefault(commitment.owner, set()).add(Topic.REMINDERS)
    for appointment in plan.appointments:
        if appointment.status == "planned":
            expects.setdefault(appointment.who, set()).add(Topic.REMINDERS)
    for meeting in plan.meetings:
        if meeting.status == "planned":
            for key in meeting.invite:
                expects.setdefault(key, set()).add(Topic.MEETINGS)
    shared = {
        (key, topic)
        for consent in plan.consents
        if consent.withdrawn_at is None
        for key in consent.share_with
        for topic in consent.topics
    }
    lines = []
    for i, member in enumerate(plan.members):
        topics = expects.get(member.key)
        if not topics:
            continue
        where = f"members[{i}] ({member.key})"
        if member.phone is None and member.telegram_chat_id is None:
            lines.append(f"{where}: no phone number or Telegram chat: they will get nothing")
        elif member.role != Role.YOUTH and member.role not in STAFF_ROLES:
            missing = sorted(t for t in topics if (member.key, t) not in shared)
            if missing:
                covers = ", ".join(missing)
                lines.append(f"{where}: no consent covers {covers}: they will not be told")
    return lines
