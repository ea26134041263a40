"""A fake Telegram Bot API server on 127.0.0.1 that the real python-telegram-bot talks to.

It records every call, answers like Telegram (including its error bodies), serves queued
updates to ``getUpdates``, and can be told to fail (429 with retry_after, 403, 400, 500) or to
stall (a time-out).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes._server import start_local


@dataclass
class SentMessage:
    chat_id: int
    text: str
    reply_markup: dict[str, Any] | None
    message_id: int
    at: float
    document: tuple[str, bytes] | None = None  # (file name, content) of a sendDocument


@dataclass
class _Failure:
    method: str
    status: int
    retry_after: int | None
    times: int
    chat_id: int | None
    delay: float = 0.0


ERRORS = {
    400: "Bad Request: chat not found",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


@dataclass
class FakeTelegramServer:
    """``async with FakeTelegramServer() as tg:`` then pass ``tg.base_url`` as PTB's base_url."""

    token: str = "123456:TEST-token"
    username: str = "sigbot_test_bot"
    sent: list[SentMessage] = field(default_factory=list)
    requests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    _failures: list[_Failure] = field(default_factory=list)
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _next_update: int = 1
    _next_message: int = 100
    _runner: web.AppRunner | None = None
    _new_update: asyncio.Event | None = None
    port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def __aenter__(self) -> FakeTelegramServer:
        self._new_update = asyncio.Event()
        app = web.Application()
        app.router.add_route("POST", "/bot{token}/{method}", self._handle)
        app.router.add_route("GET", "/bot{token}/{method}", self._handle)
        app.router.add_post("/control/message", self._control_message)
        self._runner, self.port = await start_local(app, self.port)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # --- test controls ---------------------------------------------------------------------

    def fail(
        self,
        method: str = "sendMessage",
        *,
        status: int,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """The next ``times`` calls of ``method`` (to ``chat_id``, if given) fail."""
        self._failures.append(_Failure(method, status, retry_after, times, chat_id))

    def delay(self, method: str = "sendMessage", *, seconds: float, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` stall for ``seconds`` before answering."""
        self._failures.append(_Failure(method, 0, None, times, None, delay=seconds))

    def messages_to(self, chat_id: int) -> list[SentMessage]:
        return [m for m in self.sent if m.chat_id == chat_id]

    def push_message(self, chat_id: int, text: str, first_name: str = "Test") -> dict[str, Any]:
        """Queue a message from a user, as getUpdates (or a webhook) would deliver it."""
        self._next_message += 1
        message: dict[str, Any] = {
            "message_id": self._next_message,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": first_name},
            "from": {"id": chat_id, "is_bot": False, "first_name": first_name},
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self._queue({"message": message})

    def push_callback(
        self, chat_id: int, data: str, message_id: int | None = None
    ) -> dict[str, Any]:
        """Queue a button press on one of the bot's messages."""
        original = next(
            (m for m in reversed(self.sent) if m.chat_id == chat_id and m.message_id == message_id),
            None,
        )
        message = {
            "message_id": message_id or (original.message_id if original else 1),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Test"},
            "from": {"id": 999, "is_bot": True, "first_name": "sigbot", "username": self.username},
            "text": original.text if original else "",
        }
        return self._queue(
            {
                "callback_query": {
                    "id": f"cb{self._next_update}",
                    "from": {"id": chat_id, "is_bot": False, "first_name": "Test"},
                    "message": message,
                    "chat_instance": f"ci{chat_id}",
                    "data": data,
                }
            }
        )

    def _queue(self, body: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": self._next_update, **body}
        self._next_update += 1
        self._updates.append(update)
        if self._new_update is not None:
            self._new_update.set()
        return update

    async def _control_message(self, request: web.Request) -> web.Response:
        """For people trying sigbot by hand: post chat_id and text to queue a user message."""
        form = await request.post()
        update = self.push_message(int(str(form["chat_id"])), str(form["text"]))
        return web.json_response(update)

    # --- the API ---------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                params.update(await request.json())
            else:
                form = await request.post()
                params.update({k: v for k, v in form.items() if isinstance(v, str)})
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        params[key] = (value.filename, value.file.read())
        decoded: dict[str, Any] = {}
        for key, value in params.items():
            if isinstance(value, str):
                try:
                    decoded[key] = json.loads(value)
                except ValueError:
                    decoded[key] = value
            else:
                decoded[key] = value
        return decoded

    def _failure_for(self, method: str, params: dict[str, Any]) -> _Failure | None:
        for failure in self._failures:
            if failure.method != method or failure.times <= 0:
                continue
            if failure.chat_id is not None and int(params.get("chat_id", 0)) != failure.chat_id:
                continue
            failure.times -= 1
            return failure
        return None

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        params = await self._params(request)
        self.requests.append((method, params))
        failure = self._failure_for(method, params)
        if failure is not None and failure.delay:
            await asyncio.sleep(failure.delay)
        elif failure is not None:
            body: dict[str, Any] = {
                "ok": False,
                "error_code": failure.status,
                "description": ERRORS.get(failure.status, "Error"),
            }
            if failure.status == 429:
                body["description"] = f"Too Many Requests: retry after {failure.retry_after}"
                body["parameters"] = {"retry_after": failure.retry_after or 1}
            return web.json_response(body, status=failure.status)
        return web.json_response({"ok": True, "result": await self._result(method, params)})

    async def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {
                "id": 999,
                "is_bot": True,
                "first_name": "sigbot",
                "username": self.username,
                "can_join_groups": False,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        if method in ("sendMessage", "sendDocument"):
            self._next_message += 1
            chat_id = int(params["chat_id"])
            markup = params.get("reply_markup")
            text = str(params.get("text", params.get("caption", "")))
            document = params.get("document") if method == "sendDocument" else None
            self.sent.append(
                SentMessage(chat_id, text, markup, self._next_message, time.monotonic(), document)
            )
            result = {
                "message_id": self._next_message,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": {"id": 999, "is_bot": True, "first_name": "sigbot"},
            }
            if document is not None:
                result["caption"] = text
                result["document"] = {
                    "file_id": f"doc{self._next_message}",
                    "file_unique_id": f"u{self._next_message}",
                    "file_name": document[0],
                }
            else:
                result["text"] = text
            if markup:
                result["reply_markup"] = markup
            return result
        if method == "getUpdates":
            offset = int(params.get("offset", 0) or 0)
            timeout = min(float(params.get("timeout", 0) or 0), 1.0)
            ready = [u for u in self._updates if u["update_id"] >= offset]
            if not ready and timeout and self._new_update is not None:
                self._new_update.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._new_update.wait(), timeout)
                ready = [u for u in self._updates if u["update_id"] >= offset]
            return ready
        if method in ("editMessageReplyMarkup", "editMessageText"):
            return True
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        if method == "getMyCommands":
            return []
        return True
