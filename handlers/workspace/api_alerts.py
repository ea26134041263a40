"""JSON API for alerts under /api/v1/alerts: the open ones the account may see, and
acknowledging one with a note (the same acknowledgement as the page and the Telegram button)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from sigbot.domain.alert_actions import NOTE_LIMIT, acknowledge_as
from sigbot.handlers.workspace.auth import ApiUser, Db
from sigbot.handlers.workspace.deps import deps_of
from sigbot.models import Case, Escalation
from sigbot.views.alerts import AlertRow, open_alerts

router = APIRouter(prefix="/api/v1/alerts", tags=["alerts"])

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such alert, or its case is not the account's to see"}
}


class Alert(BaseModel):
    """An open alert (an escalation nobody has acknowledged yet)."""

    id: int
    case: str = Field(description="the case's reference", examples=["ST-2026-014"])
    level: str = Field(description="who has it now: coordinator, backup or team_lead")
    reason: str = Field(description="help, cannot_come, not_done, no_reply, overdue or two_misses")
    what: str = Field(description="what it is about", examples=["BUP 2026-11-26 10:00"])
    created_at: datetime

    @classmethod
    def of(cls, row: AlertRow) -> Alert:
        return cls(
            id=row.id,
            case=row.case_ref,
            level=row.level,
            reason=row.reason,
            what=row.what,
            created_at=row.created_at,
        )


class AcknowledgedAlert(Alert):
    """An alert after acknowledging: who did and when."""

    acknowledged_at: datetime
    acknowledged_by: str = Field(description="the username or member key that acknowledged it")
    action: str = Field(description="ack (the workspace), call or meeting (a Telegram button)")


class Acknowledgement(BaseModel):
    """The body of an acknowledgement; it may be left out."""

    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(
        default=None,
        max_length=NOTE_LIMIT,
        description="kept in the case's journal with the acknowledgement",
    )


@router.get("", response_model=list[Alert])
async def list_alerts(session: Db, user: ApiUser) -> list[Alert]:
    """Open alerts of every case the account may see, newest first."""
    return [Alert.of(row) for row in await open_alerts(session, user.account)]


@router.post("/{escalation_id}/ack", response_model=AcknowledgedAlert, responses=NOT_FOUND)
async def acknowledge(
    request: Request,
    escalation_id: int,
    session: Db,
    user: ApiUser,
    body: Acknowledgement | None = None,
) -> AcknowledgedAlert:
    """Acknowledge an alert; one acknowledged already comes back as it is."""
    deps = deps_of(request)
    done = await acknowledge_as(
        session,
        account=user.account,
        escalation_id=escalation_id,
        note=body.note if body else None,
        now=deps.clock.now(),
    )
    case = await session.get(Case, done.case_id)
    assert case is not None
    out = _acknowledged(done, case.ref)
    await session.commit()
    await deps.after_change()
    return out


def _acknowledged(escalation: Escalation, ref: str) -> AcknowledgedAlert:
    assert escalation.id is not None and escalation.acknowledged_at is not None
    return AcknowledgedAlert(
        id=escalation.id,
        case=ref,
        level=escalation.level,
        reason=escalation.reason,
        what=str((escalation.detail or {}).get("what") or ""),
        created_at=escalation.created_at,
        acknowledged_at=escalation.acknowledged_at,
        acknowledged_by=escalation.acknowledged_by or "",
        action=escalation.action or "",
    )
