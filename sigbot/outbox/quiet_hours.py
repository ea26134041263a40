"""The one quiet-hours rule, applied to everything that is queued.

Quiet hours hold for what sigbot starts towards young people, parents and professionals.
Answers to someone who just wrote go at once; so does what goes to staff (coordinators and team
leads, ``STAFF_ROLES``), unless SIGBOT_COORDINATOR_ALERTS_IN_QUIET_HOURS=false makes it wait for
the morning too. Urgent alerts go at once whatever the hour: ``sigbot.domain.escalations``
does not ask this rule for them.
"""

from __future__ import annotations

from datetime import datetime

from sigbot.models import RESPONSES, Case, Member
from sigbot.models.enums import STAFF_ROLES
from sigbot.timeutil import zone
from sigbot.timing import apply_quiet_hours


def allowed_at(
    case: Case,
    member: Member,
    kind: str,
    at: datetime,
    event: datetime | None = None,
    *,
    coordinator_alerts_in_quiet_hours: bool,
) -> datetime | None:
    """When a message planned for ``at`` may go: ``at`` itself, the end of the quiet period,
    or None when the quiet period lasts until ``event`` (not worth sending)."""
    if kind in RESPONSES:
        return at
    if member.role in STAFF_ROLES and coordinator_alerts_in_quiet_hours:
        return at
    return apply_quiet_hours(at, case.quiet_hours, zone(case.timezone), event)
