"""Small plan files for engine tests: one young person, a parent, two coordinators, a teacher,
a police officer, and (when asked for) a team lead."""

from __future__ import annotations

BASE = """
case:
  ref: T-1
  coordinator: {coordinator}
  backup: {backup}
  status: {status}
  quiet_hours: "{quiet}"
  escalation: {{no_reply_after: PT2H, ack_within: PT4H}}
members:
  - {{key: noah,  role: youth,       name: Noah,  telegram_chat_id: 1001, channel: telegram}}
  - {{key: leila, role: guardian,    name: Leila, phone: "+46701234568", channel: sms}}
  - {{key: maja,  role: coordinator, name: Maja,  language: sv, telegram_chat_id: 2001}}
  - {{key: jonas, role: coordinator, name: Jonas, language: sv, telegram_chat_id: 2002}}
  - {{key: karin, role: school,      name: Karin, telegram_chat_id: 3001}}
  - {{key: erik,  role: police,      name: Erik,  telegram_chat_id: 4001}}
{extra_members}consent:
  - given_by: [{given_by}]
    share_with: [leila, karin]
    topics: [meetings, plan, reminders, escalations]
    valid_until: {valid_until}
meetings:
{meetings}
appointments:
{appointments}
commitments:
{commitments}
"""


def plan(
    *,
    appointments: str = "  []",
    meetings: str = "  []",
    commitments: str = "  []",
    status: str = "active",
    quiet: str = "21:00-08:00",
    valid_until: str = "2027-06-30",
    coordinator: str = "maja",
    backup: str = "jonas",
    given_by: str = "noah, leila",
    extra_members: str = "",
) -> str:
    """A plan file text; sections are YAML list items indented by two spaces (``extra_members``
    too, each ending in a newline; see TEAM_LEAD). ``backup="null"`` leaves the case without."""
    text = BASE.format(
        coordinator=coordinator,
        backup=backup,
        given_by=given_by,
        extra_members=extra_members,
        status=status,
        quiet=quiet,
        valid_until=valid_until,
        meetings=meetings,
        appointments=appointments,
        commitments=commitments,
    )
    return (
        text.replace("meetings:\n  []", "meetings: []")
        .replace("appointments:\n  []", "appointments: []")
        .replace("commitments:\n  []", "commitments: []")
    )


# A team lead member (docs/plan-file.md, "Roles"), named in no consent: staff need none.
TEAM_LEAD = "  - {key: tove,  role: team_lead,   name: Tove,  telegram_chat_id: 5001}\n"
