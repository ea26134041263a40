"""The HTTP side of ``sigbot run``: Twilio and Telegram webhooks and a health check.

Signatures are checked before anything else: a request without a valid ``X-Twilio-Signature``
for ``SIGBOT_PUBLIC_URL + path`` gets 403 and changes nothing.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import structlog
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from twilio.request_validator import RequestValidator

from sigbot.domain.delivery import StatusRecorder
from sigbot.domain.inbound import InboundHandler, Incoming

log = structlog.get_logger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


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


async def _twilio_form(request: Request, deps: HttpDeps) -> dict[str, str] | None:
    """The form fields if the Twilio signature is valid, else None."""
    if not deps.twilio_auth_token:
        return None
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return None
    form = await request.form()
    params = {k: str(v) for k, v in form.multi_items()}
    url = deps.public_url.rstrip("/") + request.url.path
    if request.url.query:
        url += "?" + request.url.query
    if not RequestValidator(deps.twilio_auth_token).validate(url, params, signature):
        return None
    return params


def build_http_app(deps: HttpDeps) -> Starlette:
    """The Starlette application with every endpoint of shared/CONTRACT.md."""

    async def healthz(_: Request) -> Response:
        status = await deps.health()
        ok = all(part.get("ok", False) for part in status.values() if isinstance(part, dict))
        # The contract: always 200, with the status in the body for monitors to read.
        return JSONResponse({"ok": ok, **status}, status_code=200)

    async def twilio_sms(request: Request) -> Response:
        params = await _twilio_form(request, deps)
        if params is None:
            log.warning("twilio webhook rejected", path=request.url.path)
            return PlainTextResponse("invalid signature", status_code=403)
        sender = params.get("From", "")
        if not sender:
            return PlainTextResponse("missing From", status_code=400)
        await deps.inbound.handle(
            Incoming(
                channel="sms",
                address=sender,
                text=params.get("Body", ""),
                provider_id=params.get("MessageSid") or params.get("SmsSid"),
            )
        )
        # Our answers go through the outbox, so Twilio gets an empty reply here.
        return Response(EMPTY_TWIML, media_type="application/xml")

    async def twilio_status(request: Request) -> Response:
        params = await _twilio_form(request, deps)
        if params is None:
            log.warning("twilio status rejected", path=request.url.path)
            return PlainTextResponse("invalid signature", status_code=403)
        await deps.status.record(
            provider_id=params.get("MessageSid", ""),
            status=params.get("MessageStatus", ""),
            error_code=params.get("ErrorCode") or None,
        )
        return Response(status_code=204)

    async def telegram_webhook(request: Request) -> Response:
        if deps.telegram_update is None or not deps.telegram_secret:
            return PlainTextResponse("telegram webhook not enabled", status_code=404)
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given.encode(), deps.telegram_secret.encode()):
            return PlainTextResponse("invalid secret", status_code=403)
        try:
            data = json.loads(await request.body())
        except ValueError:
            return PlainTextResponse("not JSON", status_code=400)
        if not isinstance(data, dict):
            return PlainTextResponse("not an update", status_code=400)
        await deps.telegram_update(data)
        return Response(status_code=200)

    return Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/twilio/sms", twilio_sms, methods=["POST"]),
            Route("/twilio/status", twilio_status, methods=["POST"]),
            Route("/telegram/webhook", telegram_webhook, methods=["POST"]),
        ]
    )
