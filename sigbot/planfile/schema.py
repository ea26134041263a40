"""The plan file's shape (docs/plan-file.md) as pydantic models; the JSON Schema is exported
from these and committed as ``sigbot/schema/plan.schema.json``.

Only structure is checked here. Cross-references (member keys), phone numbers, durations and
local times need the whole file and the case's time zone; ``sigbot.planfile.loader`` checks them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from sigbot.domain.accounts import USERNAME
from sigbot.models import Area, CaseStatus, Role, Topic

Key = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$",
        description="a short key, lower case letters, digits, _ . -",
    ),
]
# A consent's key may join its givers with "+": the importer names a consent without a key so
# (``noah+leila-1``), and a case read back from the API writes that key out.
ConsentKey = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9][a-z0-9_.+-]{0,63}$",
        description="a short key, lower case letters, digits, _ . + -",
    ),
]
LocalTime = Annotated[
    str,
    Field(
        pattern=r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:?\d{2})?$",
        description="ISO date and time; without an offset it is local time in the case's zone",
    ),
]
Duration = Annotated[
    str, Field(description="ISO-8601 duration, e.g. PT2H, P1D", examples=["PT2H", "P1D"])
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class EscalationSection(_Strict):
    no_reply_after: Duration = "PT2H"
    ack_within: Duration = "PT4H"


class CaseSection(_Strict):
    ref: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
    coordinator: Key
    backup: Key | None = None
    status: CaseStatus = CaseStatus.ACTIVE
    status_reason: str | None = Field(None, description="why the status changed (pause, close)")
    paused_until: dt.date | None = None
    outcome: (
        Literal["goals_met", "goals_partly_met", "goals_not_met", "moved", "declined"] | None
    ) = None
    timezone: str | None = Field(None, description="IANA zone; default SIGBOT_TIMEZONE")
    quiet_hours: str = Field("21:00-08:00", description='"HH:MM-HH:MM" or "none"')
    escalation: EscalationSection = EscalationSection()


class MemberEntry(_Strict):
    key: Key
    role: Role
    name: str = Field(min_length=1, max_length=200)
    language: str = Field("sv", pattern=r"^[a-z]{2,3}$")
    phone: str | None = None
    telegram_chat_id: int | None = None
    channel: Literal["telegram", "sms"] | None = None
    organisation: str | None = None
    account: str | None = Field(
        None,
        pattern=USERNAME.pattern,
        description="staff only: the workspace account's username; default: the member key",
    )


class ConsentEntry(_Strict):
    key: ConsentKey | None = None
    given_by: list[Key] = Field(min_length=1)
    share_with: list[Key] = Field(default_factory=list)
    topics: list[Topic] = Field(min_length=1)
    valid_from: dt.date | None = None
    valid_until: dt.date
    withdrawn: dt.date | None = None
    withdrawn_reason: str | None = None


class MeetingEntry(_Strict):
    key: Key | None = None
    kind: Literal["network", "officials"] = "network"
    at: LocalTime
    place: str | None = None
    invite: list[Key] = Field(default_factory=list)
    remind: list[Duration] | None = None
    status: Literal["planned", "held", "cancelled"] = "planned"


class AppointmentEntry(_Strict):
    key: Key | None = None
    who: Key
    what: str = Field(min_length=1, max_length=200)
    at: LocalTime
    place: str | None = None
    remind: list[Duration] | None = None
    status: Literal["planned", "cancelled"] = "planned"


class CommitmentEntry(_Strict):
    key: Key | None = None
    owner: Key
    area: Area
    text: str = Field(min_length=1, max_length=500)
    due: LocalTime | None = None
    check_in: str | None = Field(None, description="daily, weekly, adaptive or an ISO duration")


class PlanFile(_Strict):
    """A whole case as the coordinator writes it."""

    case: CaseSection
    members: list[MemberEntry] = Field(min_length=1)
    consent: list[ConsentEntry] = Field(default_factory=list)
    meetings: list[MeetingEntry] = Field(default_factory=list)
    appointments: list[AppointmentEntry] = Field(default_factory=list)
    commitments: list[CommitmentEntry] = Field(default_factory=list)


def json_schema() -> dict[str, object]:
    """The JSON Schema for editors and outside validators."""
    schema = PlanFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "sigbot plan file"
    return schema
