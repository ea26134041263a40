"""What a plan file allows but will not work: people it counts on whom sigbot cannot reach,
and staff who cannot log in to the workspace.

The file is accepted (a phone number or an account may come later), but ``sigbot import`` says
so at once, and the scheduler tells the coordinator once (``scheduler/rules/reachability.py``).
"""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.models import Account
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


async def account_warnings(session: AsyncSession, plan: ResolvedPlan) -> list[str]:
    """One line per staff member whose workspace account is missing or disabled."""
    staff = [
        (i, member, member.account or member.key)
        for i, member in enumerate(plan.members)
        if member.role in STAFF_ROLES
    ]
    usernames = {username for _, _, username in staff}
    query = select(Account.username, Account.active).where(col(Account.username).in_(usernames))
    active = dict((await session.exec(query)).all())
    lines = []
    for i, member, username in staff:
        where = f"members[{i}] ({member.key})"
        if username not in active:
            lines.append(f"{where}: no workspace account {username!r}: they cannot log in yet")
        elif not active[username]:
            lines.append(f"{where}: the workspace account {username!r} is disabled")
    return lines
