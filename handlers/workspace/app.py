"""Build the workspace: pages, JSON API (OpenAPI at /api/openapi.json), static files, errors.

Errors are shaped once here: no session -> /login (pages) or 401 (API); a case the account may
not see -> 404 exactly as for one that does not exist; bad input -> 422 with ``[{loc, msg}]``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sigbot.domain.cases import RuleBroken
from sigbot.handlers.workspace import (
    api_alerts,
    api_cases,
    login,
    pages_alerts,
    pages_calendar,
    pages_case,
    pages_cases,
    pages_day,
    pages_new_case,
    pages_reports,
)
from sigbot.handlers.workspace.auth import LoginRequired
from sigbot.handlers.workspace.deps import WorkspaceDeps
from sigbot.handlers.workspace.render import STATIC, render
from sigbot.journal import UnknownCase

API_PREFIX = "/api/"
# No script runs but our own files; no framing (clickjacking); no referrer leaves the site.
SECURITY_HEADERS = {
    b"content-security-policy": b"default-src 'self'; img-src 'self' data:; "
    b"style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
    b"x-frame-options": b"DENY",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"no-referrer",
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def _problems(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Only where and what: pydantic's ``input`` would echo personal data back."""
    return [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", ""))} for e in errors]


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _: Exception) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "not authenticated"}, status_code=401)
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)

    @app.exception_handler(UnknownCase)
    async def _not_found(request: Request, _: Exception) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "not found"}, status_code=404)
        return render(request, "not_found.html", None, status_code=404)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return JSONResponse({"detail": _problems(list(exc.errors()))}, status_code=422)

    @app.exception_handler(RuleBroken)
    async def _rule(_: Request, exc: Exception) -> Response:
        return JSONResponse({"detail": [{"loc": ["body"], "msg": str(exc)}]}, status_code=422)


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every workspace response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS.items()]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def build_workspace(deps: WorkspaceDeps) -> FastAPI:
    """The FastAPI app of the workspace and its API, mounted beside the webhooks."""
    app = FastAPI(
        title="sigbot workspace API",
        version="1",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.deps = deps
    for module in (
        login,
        pages_day,
        pages_new_case,  # before pages_case: /cases/new is not a case reference
        pages_cases,
        pages_case,
        pages_calendar,
        pages_alerts,
        pages_reports,
        api_cases,
        api_alerts,
    ):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(SecurityHeaders)
    _error_handlers(app)
    return app
