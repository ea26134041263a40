"""``/login`` and ``/logout``: a password form, a server-side session in an HttpOnly cookie."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from sigbot.domain.web_sessions import LoginRefused, end_session, log_in
from sigbot.handlers.workspace.auth import COOKIE, Db, FormUser
from sigbot.handlers.workspace.deps import deps_of
from sigbot.handlers.workspace.i18n import N_
from sigbot.handlers.workspace.render import render

router = APIRouter(include_in_schema=False)
WRONG = N_("Wrong username or password.")
THROTTLED = N_("Too many failed logins. Try again in {minutes} minutes.")


def _local(path: str | None) -> str:
    """Only a path on this site may be the place to go after login (no open redirect)."""
    if path and path.startswith("/") and not path.startswith("//") and "\\" not in path:
        return path
    return "/"


@router.get("/login")
async def login_form(request: Request, next: str = "/") -> Response:
    """The login form."""
    return render(request, "login.html", None, next=_local(next), error=None, username="")


@router.post("/login")
async def login(
    request: Request,
    session: Db,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the password; on success set the session cookie and go to the day page."""
    deps = deps_of(request)
    remote = request.client.host if request.client else ""
    try:
        started = await log_in(
            session,
            username=username,
            password=password,
            remote=remote,
            policy=deps.sessions,
            now=deps.clock.now(),
        )
    except LoginRefused as refused:
        await session.commit()  # the failed try counts towards the throttle
        return render(
            request,
            "login.html",
            None,
            status_code=401,
            next=_local(next),
            error=WRONG if refused.wait_minutes is None else THROTTLED,
            error_params={"minutes": refused.wait_minutes},
            username=username[:64],
        )
    await session.commit()
    response = RedirectResponse(_local(next), status_code=303)
    set_session_cookie(response, started.token, secure=deps.secure_cookies)
    return response


def set_session_cookie(response: Response, token: str, *, secure: bool) -> None:
    """The session cookie: HttpOnly, SameSite=Lax, Secure behind https, for the browser's
    session only (the server ends it after 2 idle hours anyway)."""
    response.set_cookie(COOKIE, token, httponly=True, samesite="lax", secure=secure, path="/")


@router.post("/logout")
async def logout(request: Request, session: Db, user: FormUser) -> Response:
    """End the session on the server and drop the cookie."""
    deps = deps_of(request)
    if user.session_token:
        await end_session(
            session, token=user.session_token, policy=deps.sessions, now=deps.clock.now()
        )
        await session.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
