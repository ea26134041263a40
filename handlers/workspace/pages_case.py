"""One case: GET /cases/{ref} (people, consent, meetings, appointments, the plan, open alerts, the
journal) and the forms that add, move and cancel its appointments and meetings.

A form that is refused shows the page again (422) with each problem beside its field and what
was typed kept; one that succeeds goes back to the page (303) with a notice. The JSON API for the
same changes is in ``api_events``.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from sigbot.domain import event_actions
from sigbot.domain.access import case_for, journal_access
from sigbot.domain.cases import RuleBroken
from sigbot.domain.event_actions import FieldProblems
from sigbot.handlers.workspace import api_events, pages_plan
from sigbot.handlers.workspace.auth import CSRF_FIELD, Db, FormUser, PageUser, Principal
from sigbot.handlers.workspace.deps import deps_of
from sigbot.handlers.workspace.i18n import N_
from sigbot.handlers.workspace.pages_alerts import NOTICES as ALERT_NOTICES
from sigbot.handlers.workspace.pages_plan import NOTICES as PLAN_NOTICES
from sigbot.handlers.workspace.render import render
from sigbot.models import MeetingKind
from sigbot.models.enums import STAFF_ROLES
from sigbot.timeutil import zone
from sigbot.views.case import case_detail

pages = APIRouter(include_in_schema=False)
router = APIRouter()

JOURNAL_LINES = 200
JOURNAL_MAX = 10_000
# The journal filter: kind prefixes as ``case_detail`` takes them (None: everything).
JOURNAL_FILTERS: dict[str, str | None] = {
    "all": None,
    "messages": "message,reply,answer,reminder,sms,telegram,inbound,overview",
    "alerts": "escalation",
    "changes": "case,plan,member,consent,meeting,appointment,commitment,invite,account.changed",
}
# Only these can be shown through ``?notice=``, so a crafted link cannot put words on the page.
NOTICES = {
    "appointment-added": N_("Appointment added. The person will be reminded."),
    "appointment-moved": N_("Appointment moved. Whoever knew the old time is told the new one."),
    "appointment-cancelled": N_("Appointment cancelled. Whoever knew of it is told it is off."),
    "meeting-planned": N_("Meeting planned. The invitees are invited."),
    "meeting-moved": N_("Meeting moved. The invitees are told the new time."),
    "meeting-cancelled": N_("Meeting cancelled. The invitees are told it is off."),
    **ALERT_NOTICES,  # the open alerts' acknowledge form comes back here
    **PLAN_NOTICES,  # so do the plan and status forms (pages_plan)
}


def local_input(at: datetime, tz_name: str) -> str:
    """``at`` as an ``<input type=datetime-local>`` value in the case's zone."""
    return at.astimezone(zone(tz_name)).strftime("%Y-%m-%dT%H:%M")


def inclusive(until: datetime) -> datetime:
    """An end stored exclusive (midnight after a consent's last day) as a moment inside it, so
    the page names the last day as the plan file did."""
    return until - timedelta(microseconds=1)


def _limit(text: str) -> int:
    try:
        return min(max(int(text), 1), JOURNAL_MAX)
    except ValueError:
        return JOURNAL_LINES


@pages.get("/cases/{ref}")
async def case_page(
    request: Request,
    ref: str,
    session: Db,
    user: PageUser,
    journal: str = "all",
    journal_limit: str = "",
    notice: str = "",
) -> Response:
    """The case's page."""
    return await _page(
        request,
        session,
        user,
        ref,
        notice=NOTICES.get(notice),
        journal=journal if journal in JOURNAL_FILTERS else "all",
        limit=_limit(journal_limit),
    )


async def _page(
    request: Request,
    session: Db,
    user: Principal,
    ref: str,
    *,
    status_code: int = 200,
    notice: str | None = None,
    journal: str = "all",
    limit: int = JOURNAL_LINES,
    **form: Any,
) -> Response:
    """Render the page; every showing of it is a read of the case, journaled."""
    now = deps_of(request).clock.now()
    case = await case_for(session, user.account, ref)
    detail = await case_detail(session, case, now, journal_kinds=JOURNAL_FILTERS[journal])
    journal_access(session, case=case, account=user.account, what="case page", now=now)
    await session.commit()
    return render(
        request,
        "case.html",
        user,
        status_code=status_code,
        nav="cases",
        notice=notice,
        detail=detail,
        case=case,
        now=now,
        tz=case.timezone,
        back=f"/cases/{quote(case.ref)}",
        people=[m for m in detail.members if m.role not in STAFF_ROLES],
        names={m.key: m.name for m in detail.members},
        meeting_kinds=list(MeetingKind),
        local_input=local_input,
        inclusive=inclusive,
        journal=journal,
        journal_filters=list(JOURNAL_FILTERS),
        journal_limit=limit,
        journal_lines=detail.journal[:limit],
        journal_more=len(detail.journal) > limit,
        form=form.get("form"),
        errors=form.get("errors", {}),
        values=form.get("values", {}),
    )


def _typed(data: FormData) -> dict[str, Any]:
    """What the person typed, to fill the form in again."""
    typed: dict[str, Any] = {
        k: v for k, v in data.items() if isinstance(v, str) and k != CSRF_FIELD
    }
    typed["invite"] = [v for v in data.getlist("invite") if isinstance(v, str)]
    return typed


def _read(data: FormData, field: str) -> Any:
    """A form field as the change takes it: invitees a list, reminder offsets "P1D, PT2H"."""
    if field == "invite":
        return [v for v in data.getlist(field) if isinstance(v, str)]
    value = data.get(field)
    text = value if isinstance(value, str) else ""
    if field == "remind":
        return [part for part in re.split(r"[\s,]+", text) if part] or None
    return text


@dataclass(frozen=True)
class FormAction:
    """One form: where it posts, the change it makes with which fields, the notice after it.
    ``form`` names it on the page (``appointment-move-12``) so a refusal shows beside it."""

    path: str
    form: str
    change: Callable[..., Awaitable[object]]
    fields: tuple[str, ...]
    done: str
    item: str | None = None  # the change's keyword for the path's {item}


FORMS = (
    FormAction(
        "/cases/{ref}/appointments",
        "appointment-add",
        event_actions.add_appointment,
        ("who", "what", "at", "place", "remind"),
        "appointment-added",
    ),
    FormAction(
        "/cases/{ref}/appointments/{item}/move",
        "appointment-move-{item}",
        event_actions.move_appointment,
        ("at",),
        "appointment-moved",
        "appointment_id",
    ),
    FormAction(
        "/cases/{ref}/appointments/{item}/cancel",
        "appointment-cancel-{item}",
        event_actions.cancel_appointment,
        (),
        "appointment-cancelled",
        "appointment_id",
    ),
    FormAction(
        "/cases/{ref}/meetings",
        "meeting-plan",
        event_actions.plan_meeting,
        ("kind", "at", "place", "invite"),
        "meeting-planned",
    ),
    FormAction(
        "/cases/{ref}/meetings/{item}/move",
        "meeting-move-{item}",
        event_actions.move_meeting,
        ("at",),
        "meeting-moved",
        "meeting_id",
    ),
    FormAction(
        "/cases/{ref}/meetings/{item}/cancel",
        "meeting-cancel-{item}",
        event_actions.cancel_meeting,
        (),
        "meeting-cancelled",
        "meeting_id",
    ),
)


def _beside(refused: RuleBroken, fields: tuple[str, ...]) -> dict[str, str]:
    """Each problem under its field if the form has it, else under ``form`` (its top)."""
    found = refused.by_field() if isinstance(refused, FieldProblems) else {"form": str(refused)}
    errors: dict[str, str] = {}
    for field, reason in found.items():
        errors.setdefault(field if field in fields else "form", reason)
    return errors


async def _act(
    request: Request, session: Db, user: Principal, ref: str, action: FormAction, item: int | None
) -> Response:
    """Make the form's change; a refusal shows the page again with each problem beside its
    field and what was typed kept."""
    deps = deps_of(request)
    data = await request.form()
    case = await case_for(session, user.account, ref)
    given = {field: _read(data, field) for field in action.fields}
    if action.item is not None:
        given[action.item] = item
    try:
        await action.change(session, account=user.account, case=case, now=deps.clock.now(), **given)
    except RuleBroken as refused:
        await session.rollback()
        await session.refresh(user.account)  # the rollback expired it; the page shows its name
        return await _page(
            request,
            session,
            user,
            ref,
            status_code=422,
            form=action.form.format(item=item),
            errors=_beside(refused, action.fields),
            values=_typed(data),
        )
    await session.commit()
    await deps.after_change()
    section = action.done.partition("-")[0]
    return RedirectResponse(f"/cases/{quote(ref)}?notice={action.done}#{section}s", 303)


def _route(action: FormAction) -> None:
    async def post_form(
        request: Request, ref: str, session: Db, user: FormUser, item: int | None = None
    ) -> Response:
        return await _act(request, session, user, ref, action, item)

    post_form.__doc__ = f"The {action.form.removesuffix('-{item}')} form."
    pages.add_api_route(action.path, post_form, methods=["POST"], name=action.form)


for _action in FORMS:
    _route(_action)
router.include_router(pages)
router.include_router(api_events.router)
router.include_router(pages_plan.router)  # the plan and status forms the page includes
