"""A new case: ``/cases/new`` (a plan file uploaded or pasted) and ``POST /api/v1/cases``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.datastructures import UploadFile

from sigbot.domain.new_case import create_case_from_plan
from sigbot.handlers.workspace import api_plan
from sigbot.handlers.workspace.auth import ApiUser, Db, FormUser, PageUser
from sigbot.handlers.workspace.deps import deps_of
from sigbot.handlers.workspace.i18n import N_
from sigbot.handlers.workspace.render import render
from sigbot.planfile.loader import PlanError

router = APIRouter()
CREATED = N_("Case {ref} created. The people in it are told within a minute.")
YAML_TYPES = frozenset({"application/yaml", "application/x-yaml", "text/yaml"})


class CaseCreated(BaseModel):
    ref: str


@router.get("/cases/new", include_in_schema=False)
async def new_case_form(request: Request, user: PageUser) -> Response:
    """The form: a plan file to upload, or its text pasted."""
    return render(request, "new_case.html", user, nav="cases", problems=[], text="")


@router.post("/cases/new", include_in_schema=False)
async def new_case(request: Request, session: Db, user: FormUser) -> Response:
    """Create the case, or show every problem of the file beside the form (nothing written)."""
    deps = deps_of(request)
    form = await request.form()
    upload, pasted = form.get("plan"), form.get("text")
    text = pasted if isinstance(pasted, str) else ""
    try:
        if isinstance(upload, UploadFile) and upload.filename:
            raw = await upload.read(api_plan.MAX_PLAN_BYTES + 1)
            text = api_plan.plan_text(raw, "new case")
        case = await create_case_from_plan(
            session,
            account=user.account,
            text=text,
            clock=deps.clock,
            default_timezone=deps.default_timezone,
        )
    except PlanError as refused:
        await session.rollback()
        await session.refresh(user.account)  # the rollback expired it; the page needs its language
        return render(
            request,
            "new_case.html",
            user,
            status_code=422,
            nav="cases",
            problems=refused.problems,
            text=text,
        )
    await session.commit()
    await deps.after_change()
    return RedirectResponse(f"/cases/{case.ref}?created=1", status_code=303)


@router.post("/api/v1/cases", status_code=201, response_model=CaseCreated)
async def create_case(request: Request, session: Db, user: ApiUser) -> Response:
    """A new case from a whole plan file (JSON, or YAML with Content-Type: application/yaml):
    the same rules as ``sigbot import``, and the account must be its coordinator or backup."""
    deps = deps_of(request)
    media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    try:
        text = api_plan.plan_text(
            await request.body(), "new case", json_body=media not in YAML_TYPES
        )
        case = await create_case_from_plan(
            session,
            account=user.account,
            text=text,
            clock=deps.clock,
            default_timezone=deps.default_timezone,
        )
    except PlanError as refused:
        await session.rollback()
        detail = [{"loc": ["body", *p.where.split(".")], "msg": p.reason} for p in refused.problems]
        return JSONResponse({"detail": detail}, status_code=422)
    await session.commit()
    await deps.after_change()
    return JSONResponse({"ref": case.ref}, status_code=201)
