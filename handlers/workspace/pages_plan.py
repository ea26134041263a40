"""The case page's forms for the plan and the case's course: upload a plan file (the checks of
``sigbot import --check``), record the network meeting's new plan version, add a commitment,
pause, resume, close, hand over, and make a Telegram invitation link shown with a QR code.

Like the case page's other forms: a refusal shows the page again (422) with each problem beside
its field and what was typed kept, and nothing written; a change goes back to the page (303)
with a notice. The invitation link is shown once, on its own page. The forms are in
``case_plan_forms.html`` and ``case_status_forms.html``, which the case page includes; their
choices come from ``plan_forms`` (``plan_choices.py``). The JSON API is in ``api_plan``.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.datastructures import FormData, UploadFile

from sigbot.domain import plan_actions, status_actions
from sigbot.domain.access import case_for
from sigbot.domain.cases import RuleBroken
from sigbot.domain.event_actions import FieldProblems
from sigbot.domain.invites import INVITE_LIFETIME, deep_link
from sigbot.domain.plan_actions import CommitmentInput
from sigbot.handlers.workspace import api_plan
from sigbot.handlers.workspace.auth import CSRF_FIELD, Db, FormUser, Principal
from sigbot.handlers.workspace.deps import deps_of
from sigbot.handlers.workspace.i18n import N_
from sigbot.handlers.workspace.plan_choices import ROW_FIELDS, plan_forms, qr_svg
from sigbot.handlers.workspace.render import render, templates
from sigbot.journal import UnknownCase
from sigbot.models import Case
from sigbot.planfile.loader import PlanError, PlanProblem

pages = APIRouter(include_in_schema=False)
router = APIRouter()

MAX_ROWS = 100
# Only these can be shown through ``?notice=``; the case page merges them into its own list.
NOTICES = {
    "plan-imported": N_("Plan file imported: the case is now as the file says."),
    "plan-unchanged": N_("The plan file is the same as the last one: nothing changed."),
    "plan-valid": N_("The plan file is valid. Nothing was written."),
    "plan-version": N_("New action plan recorded. Everyone is told their own commitments."),
    "commitment-added": N_("Commitment added to the action plan."),
    "case-paused": N_("Case paused: reminders and check-ins wait until the pause ends."),
    "case-resumed": N_("Case resumed: reminders and check-ins go on."),
    "case-closed": N_("Case closed: everything pending is cancelled."),
    "handed-over": N_(
        "Case handed over. Open alerts go to the new coordinator; the family is told who "
        "their contact is now."
    ),
}
TELEGRAM_OFF = N_("Telegram is not switched on, so no invitation link can be made.")
_ROW_PROBLEM = re.compile(r"commitments\[(\d+)\]\.(\w+)")
_ROW_INPUT = re.compile(r"text-(\d+)")

Change = Callable[[Case, datetime], Awaitable[str]]
# The case page includes the forms' templates with its own context; they ask for their choices.
templates.env.globals["plan_forms"] = plan_forms


def _field(data: FormData, name: str) -> str:
    value = data.get(name)
    return value if isinstance(value, str) else ""


def _typed(data: FormData) -> dict[str, Any]:
    """What the person typed, to fill the form in again."""
    return {k: v for k, v in data.items() if isinstance(v, str) and k != CSRF_FIELD}


def _errors(refused: ValueError, rows: list[int]) -> dict[str, Any]:
    """Each problem under its field (a plan version's ``commitments[2].due`` under the form's
    ``due-<row>``); a plan file's problems as a list, each naming its key."""
    if isinstance(refused, PlanError):
        return {"plan": N_("The plan file was refused."), "problems": refused.problems}
    if not isinstance(refused, FieldProblems):
        return {"form": str(refused)}
    errors: dict[str, Any] = {}
    for problem in refused.problems:
        field = problem.where or "form"
        if found := _ROW_PROBLEM.fullmatch(problem.where):
            field = f"{found.group(2)}-{rows[int(found.group(1))]}"
        elif problem.where == "commitments":
            field = "form"
        errors.setdefault(field, problem.reason)
    return errors


async def _show(
    request: Request, session: AsyncSession, user: Principal, ref: str, **form: Any
) -> Response:
    """The case page again (422) with the refused form's problems."""
    # The case page includes this module's router: importing it at the top would be a cycle.
    from sigbot.handlers.workspace.pages_case import _page

    return await _page(request, session, user, ref, status_code=422, **form)


async def _back(session: AsyncSession, user: Principal, ref: str, notice: str) -> Response:
    """To the case with a notice; to the list of cases when the change took it out of sight."""
    try:
        await case_for(session, user.account, ref)
    except UnknownCase:
        return RedirectResponse("/cases", status_code=303)
    section = "plan" if notice.startswith(("plan", "commitment")) else "status"
    return RedirectResponse(f"/cases/{quote(ref)}?notice={notice}#{section}", status_code=303)


async def _act(
    request: Request,
    session: AsyncSession,
    user: Principal,
    ref: str,
    form: str,
    change: Change,
    *,
    values: dict[str, Any] | None = None,
    rows: list[int] | None = None,
) -> Response:
    """Make the change (it returns its notice); a refusal rolls back and shows the page."""
    deps = deps_of(request)
    case = await case_for(session, user.account, ref)
    try:
        notice = await change(case, deps.clock.now())
    except (RuleBroken, PlanError) as refused:
        await session.rollback()
        await session.refresh(user.account)  # the rollback expired it; the page shows its name
        typed = values if values is not None else _typed(await request.form())
        errors = _errors(refused, rows or [])
        return await _show(request, session, user, ref, form=form, errors=errors, values=typed)
    await session.commit()
    await deps.after_change()
    return await _back(session, user, ref, notice)


async def _upload(data: FormData, ref: str) -> str:
    upload = data.get("plan")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise PlanError(ref, [PlanProblem("", "choose a plan file")])
    return api_plan.plan_text(await upload.read(api_plan.MAX_PLAN_BYTES + 1), ref)


@pages.post("/cases/{ref}/plan")
async def upload_plan(request: Request, ref: str, session: Db, user: FormUser) -> Response:
    """Upload a plan file: check it (``action=check``) or check and import it."""
    data = await request.form()
    clock = deps_of(request).clock

    async def change(case: Case, _: datetime) -> str:
        done = await plan_actions.import_plan_file(
            session,
            account=user.account,
            case=case,
            text=await _upload(data, ref),
            clock=clock,
            check_only=_field(data, "action") == "check",
        )
        if done.checked_only:
            return "plan-valid"
        return "plan-unchanged" if done.unchanged else "plan-imported"

    return await _act(request, session, user, ref, "plan-upload", change)


def _rows(data: FormData) -> tuple[list[dict[str, str]], list[int], list[CommitmentInput]]:
    """The version form's rows as typed, the form row of each commitment, the commitments:
    a row without words is left out."""
    numbers = sorted({int(m.group(1)) for k in data if (m := _ROW_INPUT.fullmatch(k))})
    typed = [{f: _field(data, f"{f}-{n}") for f in ROW_FIELDS} | {"n": str(n)} for n in numbers]
    kept = [row for row in typed[:MAX_ROWS] if row["text"].strip()]
    inputs = [
        CommitmentInput(r["owner"], r["area"], r["text"], r["due"], r["check_in"], r["key"] or None)
        for r in kept
    ]
    return typed, [int(r["n"]) for r in kept], inputs


@pages.post("/cases/{ref}/plan/version")
async def plan_version(request: Request, ref: str, session: Db, user: FormUser) -> Response:
    """The network meeting's plan: the rows replace the plan as its next version."""
    typed, numbers, inputs = _rows(await request.form())

    async def change(case: Case, now: datetime) -> str:
        await plan_actions.record_plan_version(
            session, account=user.account, case=case, rows=inputs, now=now
        )
        return "plan-version"

    values = {"rows": typed}
    return await _act(
        request, session, user, ref, "plan-version", change, values=values, rows=numbers
    )


# The forms that pass their fields to one change: path, form id, change, fields, notice.
FORMS: tuple[tuple[str, str, Callable[..., Awaitable[object]], tuple[str, ...], str], ...] = (
    (
        "/cases/{ref}/commitments",
        "commitment-add",
        plan_actions.add_commitment,
        ("owner", "area", "text", "due", "check_in"),
        "commitment-added",
    ),
    (
        "/cases/{ref}/pause",
        "case-pause",
        status_actions.pause_case,
        ("until", "reason"),
        "case-paused",
    ),
    ("/cases/{ref}/resume", "case-resume", status_actions.resume_case, ("reason",), "case-resumed"),
    (
        "/cases/{ref}/close",
        "case-close",
        status_actions.close_case,
        ("outcome", "reason"),
        "case-closed",
    ),
    (
        "/cases/{ref}/hand-over",
        "hand-over",
        status_actions.hand_over_case,
        ("coordinator", "backup"),
        "handed-over",
    ),
)


def _route(
    path: str, form: str, act: Callable[..., Awaitable[object]], fields: tuple[str, ...], done: str
) -> None:
    async def post_form(request: Request, ref: str, session: Db, user: FormUser) -> Response:
        data = await request.form()
        given = {field: _field(data, field) for field in fields}

        async def change(case: Case, now: datetime) -> str:
            await act(session, account=user.account, case=case, now=now, **given)
            return done

        return await _act(request, session, user, ref, form, change)

    post_form.__doc__ = f"The {form} form."
    pages.add_api_route(path, post_form, methods=["POST"], name=form)


for _form in FORMS:
    _route(*_form)


@pages.post("/cases/{ref}/members/{key}/invite")
async def invite(request: Request, ref: str, key: str, session: Db, user: FormUser) -> Response:
    """A one-time Telegram link for the member, shown once with its QR code."""
    deps = deps_of(request)
    case = await case_for(session, user.account, ref)
    bot = deps.bot_username()
    if bot is None:
        errors = {"form": TELEGRAM_OFF}
        return await _show(request, session, user, ref, form=f"invite-{key}", errors=errors)
    now = deps.clock.now()
    member, code = await status_actions.make_invite(
        session, account=user.account, case=case, member_key=key, now=now
    )
    await session.commit()
    link = deep_link(bot, code)
    return render(
        request,
        "invite.html",
        user,
        nav="cases",
        case=case,
        member=member,
        link=link,
        qr=qr_svg(link),
        expires=now + INVITE_LIFETIME,
        tz=case.timezone,
        back=f"/cases/{quote(case.ref)}",
    )


router.include_router(pages)
router.include_router(api_plan.router)
