"""A fake Twilio REST API on 127.0.0.1 for the real twilio library, plus webhook signing.

It checks HTTP Basic auth, records every SMS, answers with Twilio's resource and error shapes,
and can be told to fail (21610 opted out, 21211 invalid number, 429/20429, 500) or to stall.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from base64 import b64decode
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from twilio.request_validator import RequestValidator

from tests.fakes._server import start_local


@dataclass
class SentSms:
    to: str
    from_: str | None
    messaging_service_sid: str | None
    body: str
    status_callback: str | None
    sid: str
    at: float


@dataclass
class _Failure:
    status: int
    code: int | None
    message: str
    times: int
    to: str | None
    delay: float = 0.0


def sign_twilio_request(auth_token: str, url: str, params: dict[str, str]) -> str:
    """The X-Twilio-Signature Twilio would send for a form POST to ``url``."""
    return str(RequestValidator(auth_token).compute_signature(url, params))


@dataclass
class FakeTwilioServer:
    """``async with FakeTwilioServer() as tw:`` then use ``tw.base_url`` as TWILIO_API_URL."""

    account_sid: str = "AC" + "0" * 32
    auth_token: str = "test-auth-token"
    sent: list[SentSms] = field(default_factory=list)
    requests: list[dict[str, str]] = field(default_factory=list)
    _failures: list[_Failure] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> FakeTwilioServer:
        app = web.Application()
        app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", self._create)
        app.router.add_post("/control/sms", self._control_sms)
        self._runner, self.port = await start_local(app, self.port)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def fail(
        self,
        *,
        status: int,
        code: int | None = None,
        message: str = "error",
        times: int = 1,
        to: str | None = None,
    ) -> None:
        """The next ``times`` sends (to ``to``, if given) fail like Twilio would."""
        self._failures.append(_Failure(status, code, message, times, to))

    def delay(self, *, seconds: float, times: int = 1) -> None:
        """The next ``times`` sends stall for ``seconds``."""
        self._failures.append(_Failure(0, None, "", times, None, delay=seconds))

    def messages_to(self, number: str) -> list[SentSms]:
        return [m for m in self.sent if m.to == number]

    async def _control_sms(self, request: web.Request) -> web.Response:
        """For people trying sigbot by hand: deliver a signed inbound SMS webhook to ``url``."""
        import aiohttp

        form = await request.post()
        url = str(form["url"])
        params = {
            "From": str(form["from"]),
            "To": "+46700000000",
            "Body": str(form["body"]),
            "MessageSid": "SM" + uuid.uuid4().hex,
            "AccountSid": self.account_sid,
        }
        headers = {"X-Twilio-Signature": sign_twilio_request(self.auth_token, url, params)}
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, data=params, headers=headers) as response,
        ):
            return web.Response(status=response.status, text=await response.text())

    def _authorised(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        user, _, password = b64decode(header[6:]).decode().partition(":")
        return user == self.account_sid and password == self.auth_token

    def _failure_for(self, to: str) -> _Failure | None:
        for failure in self._failures:
            if failure.times <= 0 or (failure.to is not None and failure.to != to):
                continue
            failure.times -= 1
            return failure
        return None

    async def _create(self, request: web.Request) -> web.Response:
        if request.match_info["sid"] != self.account_sid or not self._authorised(request):
            return web.json_response(
                {"code": 20003, "message": "Authenticate", "more_info": "", "status": 401},
                status=401,
            )
        form = {k: str(v) for k, v in (await request.post()).items()}
        self.requests.append(form)
        failure = self._failure_for(form.get("To", ""))
        if failure is not None and failure.delay:
            await asyncio.sleep(failure.delay)
        elif failure is not None:
            return web.json_response(
                {
                    "code": failure.code,
                    "message": failure.message,
                    "more_info": f"https://www.twilio.com/docs/errors/{failure.code}",
                    "status": failure.status,
                },
                status=failure.status,
            )
        sid = "SM" + uuid.uuid4().hex
        sms = SentSms(
            to=form.get("To", ""),
            from_=form.get("From"),
            messaging_service_sid=form.get("MessagingServiceSid"),
            body=form.get("Body", ""),
            status_callback=form.get("StatusCallback"),
            sid=sid,
            at=time.monotonic(),
        )
        self.sent.append(sms)
        resource: dict[str, Any] = {
            "sid": sid,
            "account_sid": self.account_sid,
            "to": sms.to,
            "from": sms.from_,
            "messaging_service_sid": sms.messaging_service_sid,
            "body": sms.body,
            "status": "queued",
            "num_segments": "1",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
            "date_created": "Wed, 25 Nov 2026 08:00:00 +0000",
            "date_updated": "Wed, 25 Nov 2026 08:00:00 +0000",
            "date_sent": None,
            "price": None,
            "error_code": None,
            "error_message": None,
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
            "subresource_uris": {},
        }
        return web.json_response(resource, status=201)
