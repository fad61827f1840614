"""A local fake of the Telegram Bot API, for tests and the benchmark (Telegram itself is not reachable).

It answers like api.telegram.org does: `{"ok": true, "result": ...}` for the methods the channel
uses, 401 for a wrong token, and, when told to, a 429 with `parameters.retry_after`. It records
every call, and serves `getUpdates` from a queue the test fills (polling mode).
"""
from __future__ import annotations

import asyncio
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Optional

from aiohttp import web

from bot.stack import free_port

BOT_USER = {"id": 7000000001, "is_bot": True, "first_name": "Neuvokas", "username": "neuvokas_test_bot",
            "can_join_groups": False, "can_read_all_group_messages": False, "supports_inline_queries": False}
_RAW = {"text", "callback_query_id", "url", "secret_token"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float
    status: int


@dataclass
class Failure:
    method: str
    times: int
    status: int = 429
    retry_after: int = 1


@dataclass
class FakeBotApi:
    token: str
    port: int = field(default_factory=free_port)
    calls: list[Call] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    _updates: list[dict] = field(default_factory=list)
    _next_message_id: int = 1
    _loop: Optional[asyncio.AbstractEventLoop] = None
    _thread: Optional[threading.Thread] = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        """What the bot's `base_url` should be (the token is appended by python-telegram-bot)."""
        return f"http://127.0.0.1:{self.port}/bot"

    # --- control from the test -----------------------------------------------------------------
    def fail_next(self, method: str, times: int = 1, status: int = 429, retry_after: int = 1) -> None:
        with self._lock:
            self.failures.append(Failure(method, times, status, retry_after))

    def queue_update(self, update: dict) -> None:
        with self._lock:
            self._updates.append(update)

    def sent(self, chat_id: Optional[int] = None, method: str = "sendMessage", ok_only: bool = True) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method and (not ok_only or c.status == 200)
                    and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))]

    def wait_for(self, chat_id: int, count: int, method: str = "sendMessage", timeout: float = 60) -> list[Call]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.sent(chat_id, method)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise TimeoutError(f"{method} to {chat_id}: {len(self.sent(chat_id, method))} calls, wanted {count}")

    # --- server --------------------------------------------------------------------------------
    def start(self) -> "FakeBotApi":
        ready = threading.Event()

        def serve() -> None:
            self._loop = asyncio.new_event_loop()
            app = web.Application(client_max_size=50 * 1024 * 1024)
            app.router.add_route("*", "/bot{token}/{method}", self._handle)
            runner = web.AppRunner(app, access_log=None)
            self._loop.run_until_complete(runner.setup())
            self._loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", self.port).start())
            ready.set()
            self._loop.run_forever()
            self._loop.run_until_complete(runner.cleanup())

        self._thread = threading.Thread(target=serve, name="fake-bot-api", daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            body = await request.json()
            return body if isinstance(body, dict) else {}
        form = await request.post() if request.method == "POST" else request.query
        params: dict[str, Any] = {}
        for key, value in form.items():
            value = str(value)
            if key in _RAW:
                params[key] = value
                continue
            try:
                params[key] = json.loads(value)
            except json.JSONDecodeError:
                params[key] = value
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        if request.match_info["token"] != self.token:
            return self._record(method, params, 401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        with self._lock:
            failure = next((f for f in self.failures if f.method == method and f.times > 0), None)
            if failure:
                failure.times -= 1
        if failure:
            return self._record(method, params, failure.status, {
                "ok": False, "error_code": failure.status,
                "description": f"Too Many Requests: retry after {failure.retry_after}",
                "parameters": {"retry_after": failure.retry_after}})
        if method == "getUpdates":
            return await self._get_updates(params)
        result = self._result(method, params)
        if result is None:
            return self._record(method, params, 404, {"ok": False, "error_code": 404, "description": "Not Found"})
        return self._record(method, params, 200, {"ok": True, "result": result})

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in ("setWebhook", "deleteWebhook", "answerCallbackQuery", "sendChatAction", "setMyCommands"):
            return True
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        if method in ("sendMessage", "editMessageReplyMarkup", "editMessageText"):
            with self._lock:
                message_id = params.get("message_id") or self._next_message_id
                self._next_message_id += 1
            message = {"message_id": message_id, "date": int(time.time()), "from": BOT_USER,
                       "chat": {"id": params.get("chat_id", 0), "type": "private"}, "text": params.get("text", "")}
            markup = params.get("reply_markup")
            if isinstance(markup, dict) and "inline_keyboard" in markup:  # Telegram echoes only these
                message["reply_markup"] = markup
            return message
        return None

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 2.0)
        while True:
            with self._lock:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                ready = list(self._updates)
            if ready or time.monotonic() >= deadline:
                return self._record("getUpdates", params, 200, {"ok": True, "result": ready})
            await asyncio.sleep(0.05)

    def _record(self, method: str, params: dict[str, Any], status: int, body: dict) -> web.Response:
        with self._lock:
            self.calls.append(Call(method, params, time.monotonic(), status))
        return web.json_response(body, status=status)
