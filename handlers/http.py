"""The HTTP side of ``sigbot run``: Twilio and Telegram webhooks, a health check, and the
coordinators' workspace (handlers/workspace) mounted beside them on the same port.

Each route authenticates through its provider's channel module first (a request without a
valid ``X-Twilio-Signature`` for ``SIGBOT_PUBLIC_URL`` + path, or without Telegram's secret
token, gets 403 and changes nothing), lets that module read it, calls one domain operation and
answers (docs/architecture.md, "How a message travels", step 4).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import structlog
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp

from sigbot.channels import telegram, twilio_sms
from sigbot.channels.base import Webhooks
from sigbot.domain.delivery import StatusRecorder
from sigbot.domain.inbound import InboundHandler

log = structlog.get_logger(__name__)


@dataclass
class HttpDeps:
    """What the HTTP handlers need; built by the app wiring."""

    public_url: str
    inbound: InboundHandler
    status: StatusRecorder
    health: Callable[[], Awaitable[dict[str, Any]]]
    twilio_auth_token: str | None = None
    telegram_secret: str | None = None
    telegram_update: Callable[[dict[str, Any]], Awaitable[None]] | None = None
    # The coordinators' workspace and API (handlers/workspace), served beside the webhooks.
    workspace: ASGIApp | None = None


async def signed_form(request: Request, hooks: Webhooks | None) -> dict[str, str] | None:
    """The form fields if the provider's signature is valid, else None (the form unread when
    there is no signature at all)."""
    if hooks is None:
        return None
    signature = request.headers.get(hooks.signature_header, "")
    if not signature:
        return None
    form = await request.form()
    params = {key: str(value) for key, value in form.multi_items()}
    if not hooks.authentic(
        path=request.url.path, query=request.url.query, params=params, signature=signature
    ):
        return None
    return params


def _forbidden(request: Request, what: str) -> Response:
    log.warning(f"{what} rejected", path=request.url.path)
    return PlainTextResponse("invalid signature", status_code=403)


def build_http_app(deps: HttpDeps) -> Starlette:
    """The Starlette application with every endpoint of docs/deploy.md."""
    twilio: Webhooks | None = None
    if deps.twilio_auth_token:
        twilio = twilio_sms.TwilioWebhooks(
            auth_token=deps.twilio_auth_token, public_url=deps.public_url
        )

    async def healthz(_: Request) -> Response:
        status = await deps.health()
        ok = all(part.get("ok", False) for part in status.values() if isinstance(part, dict))
        # Always 200, with the status in the body for monitors to read.
        return JSONResponse({"ok": ok, **status}, status_code=200)

    async def twilio_sms_webhook(request: Request) -> Response:
        params = await signed_form(request, twilio)
        if params is None or twilio is None:
            return _forbidden(request, "twilio webhook")
        incoming = twilio.incoming(params)
        if incoming is None:
            return PlainTextResponse("missing From", status_code=400)
        await deps.inbound.handle(incoming)
        return Response(twilio_sms.EMPTY_TWIML, media_type="application/xml")

    async def twilio_status(request: Request) -> Response:
        params = await signed_form(request, twilio)
        if params is None or twilio is None:
            return _forbidden(request, "twilio status")
        update = twilio.status(params)
        if update is not None:
            await deps.status.apply(update)
        return Response(status_code=204)

    async def telegram_webhook(request: Request) -> Response:
        if deps.telegram_update is None or not deps.telegram_secret:
            return PlainTextResponse("telegram webhook not enabled", status_code=404)
        given = request.headers.get(telegram.SECRET_HEADER, "")
        if not telegram.secret_matches(given, deps.telegram_secret):
            return PlainTextResponse("invalid secret", status_code=403)
        try:
            await deps.telegram_update(telegram.update_from_body(await request.body()))
        except ValueError as exc:  # not JSON, or not a Telegram update
            return PlainTextResponse(str(exc), status_code=400)
        return Response(status_code=200)

    routes: list[Route | Mount] = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/twilio/sms", twilio_sms_webhook, methods=["POST"]),
        Route("/twilio/status", twilio_status, methods=["POST"]),
        Route("/telegram/webhook", telegram_webhook, methods=["POST"]),
    ]
    if deps.workspace is not None:
        routes.append(Mount("", app=deps.workspace))
    return Starlette(routes=routes)
