"""Twilio SMS, all of it: sending, the webhook signature, inbound SMS and status callbacks.

Sending uses the twilio library's async client with its own retries left off on purpose: it
would retry POSTs and could send an SMS twice; retrying is the outbox's job. Its request logging
(which includes numbers and texts) is kept below INFO so no phone number or message body reaches
the logs. Webhooks are believed only with a valid ``X-Twilio-Signature`` for
``SIGBOT_PUBLIC_URL`` + path (docs/architecture.md, "How a message travels", step 4).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

import aiohttp
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from sigbot.channels.base import (
    DeliveryStatus,
    Outgoing,
    SendError,
    SendResult,
    StatusUpdate,
    Unreachable,
)
from sigbot.domain.inbound import Incoming
from sigbot.models.enums import ChannelKind

PROVIDER = "Twilio"
SIGNATURE_HEADER = "X-Twilio-Signature"
# Our answers go through the outbox, so a webhook gets an empty reply.
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
# Twilio's MessageStatus words in our terms; anything else (e.g. "receiving") is not tracked.
STATUSES: dict[str, DeliveryStatus] = {
    "accepted": DeliveryStatus.ACCEPTED,
    "queued": DeliveryStatus.QUEUED,
    "sending": DeliveryStatus.SENDING,
    "sent": DeliveryStatus.SENT,
    "delivered": DeliveryStatus.DELIVERED,
    "undelivered": DeliveryStatus.UNDELIVERED,
    "failed": DeliveryStatus.FAILED,
    "read": DeliveryStatus.READ,
}

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

    name = ChannelKind.SMS.value

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


class TwilioWebhooks:
    """Reads what Twilio posts to ``/twilio/sms`` and ``/twilio/status`` (``base.Webhooks``).

    Kept apart from :class:`TwilioSmsChannel` because checking a signature needs only the auth
    token, not the HTTP session a sender opens inside the running loop.
    """

    signature_header = SIGNATURE_HEADER

    def __init__(self, *, auth_token: str, public_url: str) -> None:
        self._validator = RequestValidator(auth_token)
        self._public_url = public_url.rstrip("/")

    def authentic(
        self, *, path: str, query: str, params: Mapping[str, str], signature: str
    ) -> bool:
        """Twilio signs the URL it called (ours: public URL + path + query) and the form."""
        if not signature:
            return False
        url = self._public_url + path + (f"?{query}" if query else "")
        return bool(self._validator.validate(url, dict(params), signature))

    def incoming(self, params: Mapping[str, str]) -> Incoming | None:
        """An inbound SMS; None without a ``From``."""
        sender = params.get("From", "")
        if not sender:
            return None
        return Incoming(
            channel=ChannelKind.SMS,
            address=sender,
            text=params.get("Body", ""),
            provider_id=params.get("MessageSid") or params.get("SmsSid"),
        )

    def status(self, params: Mapping[str, str]) -> StatusUpdate | None:
        """A status callback; None without a MessageSid or with a status we do not track."""
        sid = params.get("MessageSid", "")
        status = STATUSES.get(params.get("MessageStatus", "").lower())
        if not sid or status is None:
            return None
        return StatusUpdate(
            channel=ChannelKind.SMS,
            provider=PROVIDER,
            provider_id=sid,
            status=status,
            error_code=params.get("ErrorCode") or None,
        )
