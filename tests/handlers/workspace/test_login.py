"""Logging in and out of the workspace: cookie flags, redirects, throttling, disabled accounts."""

from __future__ import annotations

from sigbot.domain.accounts import disable_account
from tests.handlers.workspace.support import PASSWORD, Workspace


async def test_pages_without_a_session_redirect_to_login(ws: Workspace) -> None:
    """Every page sends a visitor without a session to /login, remembering where they were going."""
    client = await ws.client()
    for path in ("/", "/cases", "/cases/ST-2026-014", "/alerts"):
        response = await client.get(path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")
    form = await client.get("/login")
    assert form.status_code == 200
    assert 'name="username"' in form.text and 'name="password"' in form.text


async def test_a_good_login_sets_a_safe_cookie_and_opens_the_day(ws: Workspace) -> None:
    """The session cookie is HttpOnly and SameSite=Lax; the day page greets the account."""
    await ws.account("maja", name="Maja")
    client = await ws.client()
    response = await client.post("/login", data={"username": "maja", "password": PASSWORD})
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert "secure" not in cookie  # plain http on loopback in this test
    day = await client.get("/")
    assert day.status_code == 200 and "Maja" in day.text
    assert "default-src 'self'" in day.headers["content-security-policy"]


async def test_wrong_password_and_unknown_user_read_the_same(ws: Workspace) -> None:
    """A wrong password and an unknown username get the same answer, 401, and no cookie."""
    await ws.account("maja")
    client = await ws.client()
    wrong = await client.post("/login", data={"username": "maja", "password": "nope-nope-nope"})
    unknown = await client.post("/login", data={"username": "nobody", "password": PASSWORD})
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "Wrong username or password." in response.text
        assert "set-cookie" not in response.headers


async def test_logins_are_throttled_after_five_failures(ws: Workspace) -> None:
    """After five wrong passwords even the right one is refused for a while."""
    await ws.account("maja")
    client = await ws.client()
    for _ in range(5):
        await client.post("/login", data={"username": "maja", "password": "wrong-password!"})
    right = await client.post("/login", data={"username": "maja", "password": PASSWORD})
    assert right.status_code == 401 and "Too many failed logins" in right.text


async def test_logout_ends_the_session_on_the_server(ws: Workspace) -> None:
    """After logout the old cookie opens nothing, even if someone kept a copy."""
    await ws.account("maja")
    browser = await ws.logged_in("maja")
    kept = dict(browser.client.cookies)
    out = await browser.submit("/logout", {})
    assert out.status_code == 303 and out.headers["location"] == "/login"
    copy = await ws.client()
    copy.cookies.update(kept)
    assert (await copy.get("/")).status_code == 303


async def test_logout_without_the_csrf_token_is_refused(ws: Workspace) -> None:
    """A form post without the session's CSRF token changes nothing (403)."""
    await ws.account("maja")
    browser = await ws.logged_in("maja")
    response = await browser.client.post("/logout", data={})
    assert response.status_code == 403
    assert (await browser.client.get("/")).status_code == 200


async def test_disabling_an_account_ends_its_sessions_at_once(ws: Workspace) -> None:
    """``user disable`` logs the person out of every browser immediately."""
    await ws.account("maja")
    browser = await ws.logged_in("maja")
    async with ws.env.db.session() as session:
        await disable_account(session, username="maja", now=ws.env.clock.now())
        await session.commit()
    assert (await browser.client.get("/")).status_code == 303


async def test_login_redirects_only_within_the_site(ws: Workspace) -> None:
    """``next`` may only be a path here: an outside URL goes to the day page instead."""
    await ws.account("maja")
    client = await ws.client()
    response = await client.post(
        "/login",
        data={"username": "maja", "password": PASSWORD, "next": "//evil.example/"},
    )
    assert response.headers["location"] == "/"


async def test_the_login_page_follows_the_browser_and_defaults_to_swedish(ws: Workspace) -> None:
    """Before login the page speaks the browser's language if it is sv or en, else Swedish."""
    client = await ws.client()
    for asked, heading in (
        ("sv-SE,sv;q=0.9", "Logga in i"),
        ("de-DE", "Logga in i"),
        ("en", "Log in to"),
    ):
        page = await client.get("/login", headers={"Accept-Language": asked})
        assert f"<h1>{heading}" in page.text, asked
