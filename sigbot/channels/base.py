"""What every channel adapter offers, and the errors it raises.

As in nyaruka/courier, one provider's module holds all of its side: sending, checking that a
webhook really came from it, and reading its inbound messages and status callbacks into the
provider-neutral ``Incoming`` and ``StatusUpdate``. Everything around a send (claiming,
retrying, falling back, journaling) is the dispatcher's job, and what a message or a status
means is the domain's (docs/architecture.md, "How a message travels"), so adapters stay small
and interchangeable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from sigbot.models.enums import ChannelKind, DeliveryStatus, Unreachable

if TYPE_CHECKING:
    from sigbot.domain.inbound import Incoming

__all__ = [
    "Button",
    "Channel",
    "DeliveryStatus",
    "Outgoing",
    "SendError",
    "SendResult",
    "StatusUpdate",
    "Unreachable",
    "Webhooks",
]


@dataclass(frozen=True)
class Button:
    """One answer button; ``data`` is the callback payload (<= 64 bytes on Telegram)."""

    label: str
    data: str


@dataclass(frozen=True)
class Attachment:
    """A file sent with the message where the channel can carry one (a calendar file)."""

    filename: str
    data: bytes
    mime: str = "text/calendar"


@dataclass(frozen=True)
class Outgoing:
    """A message ready for a provider: where, what, optional buttons (rows of buttons) and an
    optional file (Telegram only; an SMS sends the text alone)."""

    address: str
    body: str
    buttons: tuple[tuple[Button, ...], ...] = field(default_factory=tuple)
    attachment: Attachment | None = None


@dataclass(frozen=True)
class SendResult:
    provider_id: str
    provider_status: str | None = None


class SendError(Exception):
    """A send failed. ``retryable`` says whether trying again later may work.

    ``retry_after`` (seconds) is the provider's own wish (HTTP 429). ``unreachable`` is set when
    the address itself is unusable; such errors are never retried on the same address.
    """

    def __init__(
        self,
        reason: str,
        *,
        retryable: bool,
        retry_after: float | None = None,
        unreachable: Unreachable | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.retry_after = retry_after
        self.unreachable = unreachable
        self.code = code


class Channel(Protocol):
    """A way to reach people."""

    name: str

    async def send(self, message: Outgoing) -> SendResult:
        """Send one message.

        Raises:
            SendError: the send failed; see its ``retryable`` and ``unreachable``.
        """
        ...


class RecordingChannel:
    """An in-process channel for ``sigbot demo`` and unit tests of the engine: it keeps what it
    'sent'. Tests of the real providers use the fake HTTP servers instead."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.sent: list[Outgoing] = []
        self._next = 0

    async def send(self, message: Outgoing) -> SendResult:
        self._next += 1
        self.sent.append(message)
        return SendResult(provider_id=f"{self.name}-{self._next}")


@dataclass(frozen=True)
class StatusUpdate:
    """A provider's callback about a message it took, read into our terms.

    ``provider`` is the name people read in the journal ("Twilio").
    """

    channel: ChannelKind
    provider: str
    provider_id: str
    status: DeliveryStatus
    error_code: str | None = None


class Webhooks(Protocol):
    """The receiving side of a provider that posts to our webhooks (Twilio).

    The HTTP handlers call ``authentic`` before anything else, then one of the parsers, and hand
    the result to one domain operation.
    """

    @property
    def signature_header(self) -> str:
        """The HTTP header the provider signs its requests in."""
        ...

    def authentic(
        self, *, path: str, query: str, params: Mapping[str, str], signature: str
    ) -> bool:
        """Whether the request's signature proves it came from the provider."""
        ...

    def incoming(self, params: Mapping[str, str]) -> Incoming | None:
        """An inbound-message webhook as an ``Incoming``; None when it names no sender."""
        ...

    def status(self, params: Mapping[str, str]) -> StatusUpdate | None:
        """A status callback as a ``StatusUpdate``; None when it is not one we track."""
        ...
