"""Open alerts: GET /alerts, and POST /alerts/{id}/ack (acknowledge with a note).

The acknowledge form (``_alert_ack.html``) is shared: the day page and the case page include it
with their own ``back``, and after acknowledging the person lands where they were, with a notice.
Like the day page, the list summarises many cases and is not journaled per case; the
acknowledgement is (``sigbot.domain.alert_actions``).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from sigbot.domain.alert_actions import acknowledge_as
from sigbot.domain.cases import RuleBroken
from sigbot.handlers.workspace.auth import Db, FormUser, PageUser, Principal
from sigbot.handlers.workspace.deps import deps_of
from sigbot.handlers.workspace.i18n import N_
from sigbot.handlers.workspace.render import render
from sigbot.views.alerts import open_alerts

router = APIRouter(include_in_schema=False)

HOME = "/alerts"
ACKNOWLEDGED = "alert-acknowledged"
# The notices a page may show through ``?notice=`` after an acknowledgement; the day and case
# pages merge these into their own lists, so a crafted link cannot put words on a page.
NOTICES = {ACKNOWLEDGED: N_("Alert acknowledged.")}


def local_back(back: str | None) -> str:
    """Where to return after acknowledging: a path on this site, else :data:`HOME` (no open
    redirect: no scheme, no host, no ``//``, no backslash or control characters)."""
    if not back or not back.startswith("/") or back.startswith("//"):
        return HOME
    if "\\" in back or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in back):
        return HOME
    parts = urlsplit(back)
    if parts.scheme or parts.netloc:
        return HOME
    return back


def with_notice(back: str, notice: str) -> str:
    """``back`` with ``?notice=`` set (any earlier notice replaced), its fragment kept."""
    parts = urlsplit(back)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "notice"]
    query.append(("notice", notice))
    return urlunsplit(("", "", parts.path, urlencode(query), parts.fragment))


@router.get(HOME)
async def alerts_page(request: Request, session: Db, user: PageUser, notice: str = "") -> Response:
    """Open alerts of every case the account sees, each with an acknowledge form."""
    return await _page(request, session, user, notice=NOTICES.get(notice))


async def _page(
    request: Request,
    session: Db,
    user: Principal,
    *,
    status_code: int = 200,
    notice: str | None = None,
    ack_errors: dict[int, str] | None = None,
    ack_values: dict[int, str] | None = None,
) -> Response:
    alerts = await open_alerts(session, user.account)
    return render(
        request,
        "alerts.html",
        user,
        status_code=status_code,
        nav="alerts",
        notice=notice,
        alerts=alerts,
        back=HOME,
        ack_errors=ack_errors or {},
        ack_values=ack_values or {},
    )


def _field(value: object) -> str:
    return value if isinstance(value, str) else ""


@router.post("/alerts/{escalation_id}/ack")
async def acknowledge(
    request: Request, escalation_id: int, session: Db, user: FormUser
) -> Response:
    """Acknowledge one alert with an optional note; back to the page the form was on."""
    deps = deps_of(request)
    data = await request.form()
    note = _field(data.get("note"))
    try:
        await acknowledge_as(
            session,
            account=user.account,
            escalation_id=escalation_id,
            note=note,
            now=deps.clock.now(),
        )
    except RuleBroken as refused:  # refused before anything was written
        return await _page(
            request,
            session,
            user,
            status_code=422,
            ack_errors={escalation_id: str(refused).removeprefix("note: ")},
            ack_values={escalation_id: note},
        )
    await session.commit()
    await deps.after_change()
    back = local_back(_field(data.get("back")))
    return RedirectResponse(with_notice(back, ACKNOWLEDGED), status_code=303)
