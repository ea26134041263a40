"""SMS channel through Twilio's REST API with the twilio library's async client.

The library's own retries are left off on purpose: it would retry POSTs and could send an SMS
twice. Retrying is the outbox's job. Its request logging (which includes numbers and texts) is
kept below INFO so no phone number or message body reaches the logs.
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from sigbot.channels.base import Outgoing, SendError, SendResult, Unreachable

OPTED_OUT_CODES = frozenset({21610})
INVALID_NUMBER_CODES = frozenset({21211, 21214, 21217, 21614, 21612, 21408})
BUSY_CODES = frozenset({20429, 21611, 30001, 14107})

_quiet_logger = logging.getLogger("sigbot.twilio_http")
_quiet_logger.setLevel(logging.WARNING)


def map_twilio_error(exc: TwilioRestException) -> SendError:
    """Translate Twilio's error into a :class:`SendError` that says what to do next."""
    code = int(exc.code) if exc.code is not None else None
    status = int(exc.status)
    label = f"{code or status}"
    if code in OPTED_OUT_CODES:
        return SendError(
            "the number has opted out (STOP)",
            retryable=False,
            unreachable=Unreachable.OPTED_OUT,
            code=label,
        )
    if code in INVALID_NUMBER_CODES:
        return SendError(
            "not a number that can receive SMS",
            retryable=False,
            unreachable=Unreachable.INVALID,
            code=label,
        )
    if status == 429 or code in BUSY_CODES:
        return SendError("Twilio is busy (rate limited)", retryable=True, code=label)
    if status >= 500:
        return SendError(f"Twilio server error {status}", retryable=True, code=label)
    return SendError(f"rejected by Twilio: {exc.msg}", retryable=False, code=label)


class TwilioSmsChannel:
    """Sends SMS; the address is an E.164 number."""

    name = "sms"

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        sender: str,
        api_url: str,
        status_callback: str | None = None,
        timeout: float = 15.0,
    ) -> None:
        # AsyncTwilioHttpClient opens an aiohttp session: build this inside the running loop.
        self._http = AsyncTwilioHttpClient(timeout=timeout, logger=_quiet_logger)
        self._client = Client(account_sid, auth_token, http_client=self._http, environment={})
        self._client.api.base_url = api_url.rstrip("/")
        self._sender = sender
        self._status_callback = status_callback
        self._timeout = timeout

    async def send(self, message: Outgoing) -> SendResult:
        kwargs: dict[str, str] = {"to": message.address, "body": message.body}
        if self._sender.startswith("MG"):
            kwargs["messaging_service_sid"] = self._sender
        else:
            kwargs["from_"] = self._sender
        if self._status_callback:
            kwargs["status_callback"] = self._status_callback
        try:
            async with asyncio.timeout(self._timeout):
                created = await self._client.messages.create_async(**kwargs)
        except TwilioRestException as exc:
            raise map_twilio_error(exc) from exc
        except TimeoutError as exc:
            raise SendError(
                "Twilio did not answer in time", retryable=True, code="timeout"
            ) from exc
        except aiohttp.ClientError as exc:
            raise SendError(
                f"network error: {type(exc).__name__}", retryable=True, code="network"
            ) from exc
        return SendResult(provider_id=str(created.sid), provider_status=str(created.status))

    async def close(self) -> None:
        await self._http.close()
