"""JSON API for a case's plan: PUT a whole plan file (JSON, or YAML with ``Content-Type:
application/yaml``), checked exactly as ``sigbot import --check`` checks a file and then
imported as ``sigbot import`` does; POST one more commitment. A refused file writes nothing and
answers 422 with ``[{loc, msg}]``, each naming the file's key (``members, 1, phone``)."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from sigbot.domain import plan_actions
from sigbot.domain.access import case_for
from sigbot.domain.event_actions import FieldProblems
from sigbot.handlers.workspace.auth import ApiUser, Db
from sigbot.handlers.workspace.deps import deps_of
from sigbot.models import Area
from sigbot.planfile.loader import PlanError, PlanProblem
from sigbot.planfile.schema import PlanFile

router = APIRouter(prefix="/api/v1/cases/{ref}", tags=["plan"])

MAX_PLAN_BYTES = 256 * 1024  # a plan file is a few kilobytes; this is many cases' worth
YAML_TYPES = frozenset({"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"})
_KEY_PATH = re.compile(r"[A-Za-z_]\w*(\[\d+\])*(\.[A-Za-z_]\w*(\[\d+\])*)*")
_PART = re.compile(r"[A-Za-z_]\w*|\[(\d+)\]")


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` without ``$defs``: an OpenAPI document resolves ``#/$defs/...`` from its own
    root, so the plan file's parts are written out where they are used."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            rest = {k: v for k, v in node.items() if k != "$ref"}
            return {**walk(defs[ref.removeprefix("#/$defs/")]), **walk(rest)}
        return {key: walk(value) for key, value in node.items()}

    result: dict[str, Any] = walk(schema)
    return result


PLAN_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "a whole plan file, as sigbot import reads it (docs/plan-file.md)",
        "content": {
            "application/json": {"schema": _inlined(PlanFile.model_json_schema())},
            "application/yaml": {"schema": {"type": "string", "description": "YAML text"}},
        },
    }
}


class PlanImportOut(BaseModel):
    ref: str
    unchanged: bool = Field(description="the same file as the last one: nothing was written")
    changes: list[str] = Field(description="what changed, as the case's journal says it")
    plan_version: int | None = Field(description="the action plan's version now")
    warnings: list[str] = Field(description="people the plan counts on but cannot reach")


class NewCommitment(BaseModel):
    """A request body: an unknown field is an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")

    owner: str = Field(description="member key of who promises")
    area: Area
    text: str = Field(examples=["Gå till skolan varje dag"])
    due: str | None = Field(
        default=None,
        description="local time in the case's time zone, or with an offset",
        examples=["2026-12-05T12:00"],
    )
    check_in: str | None = Field(
        default=None,
        description="daily, weekly, adaptive or an ISO-8601 duration",
        examples=["adaptive"],
    )


class CommitmentOut(BaseModel):
    id: int
    key: str
    plan_version: int = Field(description="the plan version the commitment was added in")


def locations(problems: list[PlanProblem]) -> list[dict[str, Any]]:
    """``[{loc, msg}]`` naming each problem's key: ``members[1].phone`` is ``body, members, 1,
    phone``; a problem without a key path (YAML syntax, "line 3, column 5") stays in ``msg``."""
    out: list[dict[str, Any]] = []
    for problem in problems:
        loc: list[str | int] = ["body"]
        if _KEY_PATH.fullmatch(problem.where):
            for part in _PART.finditer(problem.where):
                loc.append(int(part.group(1)) if part.group(1) else part.group(0))
            out.append({"loc": loc, "msg": problem.reason})
        else:
            out.append({"loc": loc, "msg": str(problem)})
    return out


def plan_text(raw: bytes, ref: str, *, json_body: bool = False) -> str:
    """The file's text as ``sigbot import`` reads it (UTF-8); a JSON body as the same YAML.
    Raises :class:`PlanError` for a file too large, not UTF-8 or not JSON."""
    if len(raw) > MAX_PLAN_BYTES:
        limit = f"the file is larger than {MAX_PLAN_BYTES // 1024} kB"
        raise PlanError(ref, [PlanProblem("", limit)])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PlanError(ref, [PlanProblem("", "not UTF-8 text")]) from None
    if not json_body:
        return text
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise PlanError(ref, [PlanProblem(where, f"not valid JSON: {exc.msg}")]) from None
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


async def _body(request: Request) -> bytes:
    """The body, read no further than one byte past :data:`MAX_PLAN_BYTES`."""
    chunks, size = [], 0
    async for chunk in request.stream():
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_PLAN_BYTES:
            break
    return b"".join(chunks)


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").partition(";")[0].strip().lower()


@router.put(
    "/plan",
    response_model=PlanImportOut,
    openapi_extra=PLAN_BODY,
    responses={
        404: {"description": "no such case"},
        415: {"description": "neither JSON nor YAML"},
        422: {"description": "the file is refused; each problem names its key"},
    },
)
async def put_plan(
    request: Request, ref: str, session: Db, user: ApiUser
) -> Response | PlanImportOut:
    """Replace the case's plan with a whole plan file, as ``sigbot import`` does."""
    deps = deps_of(request)
    case = await case_for(session, user.account, ref)
    media = _media_type(request)
    if media not in YAML_TYPES and media != "application/json" and not media.endswith("+json"):
        return JSONResponse({"detail": "send JSON or application/yaml"}, status_code=415)
    try:
        text = plan_text(await _body(request), ref, json_body=media not in YAML_TYPES)
        done = await plan_actions.import_plan_file(
            session, account=user.account, case=case, text=text, clock=deps.clock
        )
    except PlanError as refused:
        await session.rollback()
        return JSONResponse({"detail": locations(refused.problems)}, status_code=422)
    await session.commit()
    await deps.after_change()
    return PlanImportOut(
        ref=done.ref,
        unchanged=done.unchanged,
        changes=done.changes,
        plan_version=done.plan_version,
        warnings=done.warnings,
    )


@router.post(
    "/commitments",
    status_code=201,
    response_model=CommitmentOut,
    responses={404: {"description": "no such case"}, 422: {"description": "bad input"}},
)
async def add_commitment(
    request: Request, ref: str, body: NewCommitment, session: Db, user: ApiUser
) -> Response | CommitmentOut:
    """One more commitment in the current plan (a new version keeping the open ones)."""
    deps = deps_of(request)
    case = await case_for(session, user.account, ref)
    try:
        plan, added = await plan_actions.add_commitment(
            session,
            account=user.account,
            case=case,
            owner=body.owner,
            area=body.area,
            text=body.text,
            due=body.due,
            check_in=body.check_in,
            now=deps.clock.now(),
        )
    except FieldProblems as problems:
        await session.rollback()
        return JSONResponse({"detail": problems.locations()}, status_code=422)
    await session.commit()
    await deps.after_change()
    assert added.id is not None
    return CommitmentOut(id=added.id, key=added.key, plan_version=plan.version)
