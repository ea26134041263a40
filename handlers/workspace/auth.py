"""Who is asking: the session cookie (pages, and the API from the browser) or a bearer token
(the API from a program). Pages without a session redirect to ``/login``; the API answers 401.

State-changing requests that ride on the cookie must carry the session's CSRF token (a form
field ``csrf_token`` or the ``X-CSRF-Token`` header); bearer tokens cannot be sent by another
site's page, so they need none.
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlmodel.ext.asyncio.session import AsyncSession

from sigbot.domain.accounts import account_for_token
from sigbot.domain.web_sessions import resume
from sigbot.handlers.workspace.deps import deps_of
from sigbot.models import Account

COOKIE = "sigbot_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class LoginRequired(Exception):
    """No live session: a page redirects to /login, the API answers 401."""


@dataclass(frozen=True)
class Principal:
    """The account behind a request, and how it proved itself."""

    account: Account
    csrf: str | None  # the session's CSRF token; None for a bearer token
    session_token: str | None = None

    @property
    def by_cookie(self) -> bool:
        return self.csrf is not None


async def db_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One database session per request; routes commit what they change."""
    async with deps_of(request).db.session() as session:
        yield session


Db = Annotated[AsyncSession, Depends(db_session)]


async def _from_cookie(request: Request, session: AsyncSession) -> Principal | None:
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    deps = deps_of(request)
    found = await resume(session, token=token, policy=deps.sessions, now=deps.clock.now())
    if found is None:
        return None
    account, web = found
    await session.commit()  # the idle timer moved on
    return Principal(account=account, csrf=web.csrf_token, session_token=token)


async def page_principal(request: Request, session: Db) -> Principal:
    """The logged-in account of a page request; raises :class:`LoginRequired`."""
    principal = await _from_cookie(request, session)
    if principal is None:
        raise LoginRequired
    return principal


async def api_principal(request: Request, session: Db) -> Principal:
    """The account of an API request (bearer token first, else the cookie with CSRF)."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        account = await account_for_token(session, token.strip(), deps_of(request).clock.now())
        if account is None:
            raise HTTPException(401, "invalid or revoked token", {"WWW-Authenticate": "Bearer"})
        await session.commit()  # last_used_at
        return Principal(account=account, csrf=None)
    principal = await _from_cookie(request, session)
    if principal is None:
        raise HTTPException(401, "not authenticated", {"WWW-Authenticate": "Bearer"})
    if request.method not in SAFE_METHODS:
        check_csrf(principal, request.headers.get(CSRF_HEADER))
    return principal


def check_csrf(principal: Principal, given: str | None) -> None:
    """Refuse a cookie-borne change whose CSRF token is missing or wrong (403)."""
    if principal.csrf is None:
        return
    if not given or not hmac.compare_digest(given.encode(), principal.csrf.encode()):
        raise HTTPException(403, "CSRF token missing or wrong; reload the page and try again")


async def form_principal(request: Request, session: Db) -> Principal:
    """A page form's POST: logged in, and the form carries the session's CSRF token."""
    principal = await page_principal(request, session)
    form = await request.form()
    given = form.get(CSRF_FIELD)
    check_csrf(principal, given if isinstance(given, str) else None)
    return principal


PageUser = Annotated[Principal, Depends(page_principal)]
FormUser = Annotated[Principal, Depends(form_principal)]
ApiUser = Annotated[Principal, Depends(api_principal)]
