"""What every channel adapter offers, and the errors it raises.

An adapter only sends; everything around a send (claiming, retrying, falling back, journaling)
is the dispatcher's job, so adapters stay small and interchangeable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from sigbot.models.enums import Unreachable

__all__ = ["Button", "Channel", "Outgoing", "SendError", "SendResult", "Unreachable"]


@dataclass(frozen=True)
class Button:
    """One answer button; ``data`` is the callback payload (<= 64 bytes on Telegram)."""

    label: str
    data: str


@dataclass(frozen=True)
class Outgoing:
    """A message ready for a provider: where, what, and optional buttons (rows of buttons)."""

    address: str
    body: str
    buttons: tuple[tuple[Button, ...], ...] = field(default_factory=tuple)


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
