"""Read a plan file, check every rule, and resolve it into UTC times and E.164 numbers.

A plan file is accepted whole or refused whole: every problem found is reported, each naming the
key path (``members[1].phone``) and the reason, and nothing is written until all is well
(docs/plan-file.md). The structure is checked by ``schema``, the rest by ``resolve``; entries
without a ``key`` get one by the rules in ``identity``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from sigbot.planfile.resolve import resolve
from sigbot.planfile.resolved import (
    PlanError,
    PlanProblem,
    ResolvedAppointment,
    ResolvedCommitment,
    ResolvedConsent,
    ResolvedMeeting,
    ResolvedMember,
    ResolvedPlan,
)
from sigbot.planfile.schema import PlanFile

__all__ = [
    "PlanError",
    "PlanProblem",
    "ResolvedAppointment",
    "ResolvedCommitment",
    "ResolvedConsent",
    "ResolvedMeeting",
    "ResolvedMember",
    "ResolvedPlan",
    "load_plan_file",
    "parse_plan_text",
]


def load_plan_file(path: Path, *, default_timezone: str) -> ResolvedPlan:
    """Read and resolve the plan at ``path``; raises :class:`PlanError` naming every problem."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanError(source, [PlanProblem("", "no such file")]) from None
    except UnicodeDecodeError:
        raise PlanError(source, [PlanProblem("", "not UTF-8 text")]) from None
    except OSError as exc:
        raise PlanError(source, [PlanProblem("", f"cannot read: {exc.strerror}")]) from None
    return parse_plan_text(text, source=source, default_timezone=default_timezone)


def parse_plan_text(text: str, *, source: str, default_timezone: str) -> ResolvedPlan:
    """Parse YAML text into a resolved plan or raise :class:`PlanError`."""
    if not text.strip():
        raise PlanError(source, [PlanProblem("", "the file is empty")])
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise PlanError(source, [PlanProblem(where, f"not valid YAML: {problem}")]) from None
    except ValueError as exc:  # PyYAML builds dates itself: 2027-02-30 raises here
        raise PlanError(source, [PlanProblem("", f"not a valid date: {exc}")]) from None
    except RecursionError:
        raise PlanError(source, [PlanProblem("", "not valid YAML: nested too deeply")]) from None
    if data is None:
        raise PlanError(source, [PlanProblem("", "the file is empty")])
    if not isinstance(data, dict):
        raise PlanError(
            source,
            [PlanProblem("", f"expected a mapping with case/members/..., got {_kind(data)}")],
        )
    try:
        plan = PlanFile.model_validate(data)
    except ValidationError as exc:
        raise PlanError(source, [_from_pydantic(err) for err in exc.errors()]) from None
    problems: list[PlanProblem] = []
    resolved = resolve(plan, default_timezone, problems)
    if problems or resolved is None:
        raise PlanError(source, problems)
    return resolved


def _kind(value: Any) -> str:
    return {list: "a list", str: "a text", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


def _from_pydantic(err: Any) -> PlanProblem:
    loc = err.get("loc", ())
    where = ""
    for part in loc:
        where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
    msg = str(err.get("msg", "invalid"))
    if err.get("type") == "extra_forbidden":
        msg = "unknown key"
    elif err.get("type") == "missing":
        msg = "is required"
    elif err.get("type") == "string_pattern_mismatch" and where.endswith((".at", ".due")):
        msg = f"expected a date and time like 2026-12-01T15:00, got {err.get('input')!r}"
    elif err.get("type") == "string_pattern_mismatch":
        msg = f"{err.get('input')!r} is not allowed here ({msg.lower()})"
    return PlanProblem(where, msg)
