"""Web chat channel: serves the chat page, takes its messages as JSON and pushes replies.

Routes under /webhooks/webchat/:
  GET  /              the chat page (every asset is served from channels/static/)
  POST /session       a new signed conversation id
  POST /webhook       {"conversation", "message", "client_id"?, "shown"?, "location"?}
  GET  /events        Server-Sent Events: the conversation's messages after `after`/Last-Event-ID
  GET  /history       the same as JSON, for a browser without a live stream
  POST /feedback      {"conversation", "message" (an answer's stream id), "helpful": bool}
  POST /delete        "delete my conversation": the stream and the Rasa tracker
Every message goes to a Redis stream (channels/outbox.py) before it is answered, so a reload
or a reconnect replays it; the POST also returns its replies, so the chat keeps working when
Redis is down. Bad input gets a 4xx with a Finnish reason, never a 500.
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple, Union

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.shared.core.events import UserUttered
from redis.exceptions import RedisError
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import redis_keys
from bot.privacy import logs as redacting_logs
from bot.review.store import ReviewStore, save_feedback
from bot.settings import Settings
from bot.text import clean
from channels import conversation_ids, request_guard
from channels.rate_limit import urgent
from channels.erase import erase_tracker
from channels.handoff_gate import HandoffGate
from channels.location import coordinates, location_message
from channels.outbox import STREAM_ID, OutboxError, WebOutbox
from channels.texts import text

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
MAX_BODY_BYTES = 65_536
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_FILES = {"chat.js": "application/javascript", "chat.css": "text/css"}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "geolocation=(self), camera=(), microphone=()",
}


def _error(status: int, message: str) -> HTTPResponse:
    return response.json({"error": message}, status=status)


class WebOutput(CollectingOutputChannel):
    """Writes each bot response to the conversation's stream as one item (text, buttons, payload)."""

    def __init__(self, outbox: Optional[WebOutbox], conversation: str) -> None:
        super().__init__()
        self.outbox, self.conversation = outbox, conversation

    @classmethod
    def name(cls) -> Text:
        return "webchat"

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        item = {"role": "bot"}
        for field in ("text", "buttons", "custom", "image", "attachment"):
            if message.get(field):
                item[field] = message[field]
        if len(item) == 1:
            return
        item["id"] = await append_or_local(self.outbox, self.conversation, item)
        self.messages.append(item)


_local_ids = 0


async def append_or_local(outbox: Optional[WebOutbox], conversation: str, item: dict) -> str:
    """The item's stream id; when Redis is down, a local id (the POST reply still carries it)."""
    global _local_ids
    if outbox is not None:
        try:
            return await outbox.append(conversation, item)
        except OutboxError as error:
            logger.warning("web chat stream unavailable (%s); replying without it", type(error).__name__)
    _local_ids += 1
    return f"local-{int(time.time() * 1000)}-{_local_ids}"


class WebChatInput(InputChannel):
    """The project's web chat (see the module docstring for its routes)."""

    @classmethod
    def name(cls) -> Text:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WebChatInput":
        credentials = credentials or {}
        return cls(max_message_chars=int(credentials.get("max_message_chars", 10_000)),
                   stream_seconds=float(credentials.get("stream_seconds", 45)))

    def __init__(self, max_message_chars: int = 10_000, stream_seconds: float = 45,
                 settings: Optional[Settings] = None) -> None:
        self.max_message_chars = max_message_chars
        self.stream_seconds = stream_seconds
        self.settings = settings or Settings.from_env()
        self._key: Optional[bytes] = None
        self._outbox: Optional[WebOutbox] = None
        self._review: Optional[ReviewStore] = None
        self.gate = HandoffGate(self.settings.redis_url)
        redacting_logs.install()

    @property
    def key(self) -> bytes:
        if self._key is None:
            self._key = self.settings.signing_key()
        return self._key

    @property
    def outbox(self) -> Optional[WebOutbox]:
        if self._outbox is None and self.settings.redis_url:
            self._outbox = WebOutbox(self.settings.redis_url,
                                      retention_seconds=self.settings.retention_days * 24 * 3600)
        return self._outbox

    def _conversation(self, value: Any) -> Optional[str]:
        return conversation_ids.sender_of(self.key, value)

    def _posted(self, request: Request) -> Union[HTTPResponse, Tuple[dict, str]]:
        """The JSON body and the sender of its signed conversation id, or the 4xx that says why not."""
        data = _json_object(request)
        if isinstance(data, HTTPResponse):
            return data
        sender = self._conversation(data.get("conversation"))
        if sender is None:
            return _error(403, text("bad_conversation"))
        return data, sender

    async def _answered(self, sender: str, client_id: Optional[str], message_id: str) -> None:
        if client_id and self.outbox is not None and not message_id.startswith("local-"):
            try:
                await self.outbox.done(sender, client_id, message_id)
            except OutboxError:
                pass

    async def _take(self, request: Request, sender: str, client_id: str) -> Tuple[str, Optional[str]]:
        """How to treat a message with this client id: ("new", the stream id of the resident's
        message when an earlier attempt already showed it), ("pending", None) while another request
        answers it, or (the answered message's stream id, None)."""
        state = await self.outbox.take(sender, client_id)
        if state != "retry":
            return state, None
        answered = await self._in_tracker(request, sender, client_id)  # the attempt that died saved it?
        if answered is None:
            return "new", await self.outbox.user_item(sender, client_id)
        await self._answered(sender, client_id, answered)
        return answered, None

    async def _in_tracker(self, request: Request, sender: str, client_id: str) -> Optional[str]:
        """When the conversation's tracker already has this message (the attempt that died saved
        it), the stream id to answer a resend with ("0" when the stream lost it); else None."""
        agent = getattr(request.app.ctx, "agent", None)
        if agent is None or agent.tracker_store is None:
            return None
        try:
            tracker = await agent.tracker_store.retrieve(sender)
        except Exception:  # noqa: BLE001 - the tracker store is down: the message is answered
            logger.warning("web chat: the tracker store could not be read for a resend")
            return None
        if tracker is None or not any(isinstance(e, UserUttered) and (e.metadata or {}).get("client_id") == client_id
                                      for e in tracker.events):
            return None
        return await self.outbox.user_item(sender, client_id) or "0"

    async def _forget(self, sender: str, client_id: str) -> None:
        try:
            await self.outbox.forget(sender, client_id)
        except OutboxError:
            pass

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        chat = Blueprint("webchat", __name__)

        @chat.listener("before_server_start")
        async def guard_public_endpoints(app, loop) -> None:
            request_guard.install(app)

        @chat.listener("after_server_stop")
        async def close_outbox(app, loop) -> None:
            if self._outbox is not None:
                await self._outbox.close()
            await self.gate.close()

        @chat.route("/", methods=["GET"])
        async def page(request: Request) -> HTTPResponse:
            return await response.file(STATIC / "index.html", mime_type="text/html; charset=utf-8",
                                       headers=SECURITY_HEADERS)

        @chat.route("/static/<name>", methods=["GET"])
        async def static(request: Request, name: str) -> HTTPResponse:
            if name not in _FILES:
                return _error(404, text("not_found"))
            return await response.file(STATIC / name, mime_type=_FILES[name] + "; charset=utf-8",
                                       headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"})

        @chat.route("/health", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            push = False
            if self.outbox is not None:
                try:
                    push = bool(await self.outbox.client.ping())
                except OutboxError:
                    push = False
            return response.json({"status": "ok", "push": push})

        @chat.route("/session", methods=["POST"])
        async def session(request: Request) -> HTTPResponse:
            return response.json({"conversation": conversation_ids.issue(self.key)})

        @chat.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            posted = self._posted(request)
            if isinstance(posted, HTTPResponse):
                return posted
            data, sender = posted
            message, shown, client_id = data.get("message", ""), data.get("shown"), data.get("client_id")
            if not isinstance(message, str):
                return _error(400, text("message_missing"))
            if len(message) > self.max_message_chars:
                return _error(413, text("too_long", limit=self.max_message_chars))
            if client_id is not None and (not isinstance(client_id, str) or not _CLIENT_ID.match(client_id)):
                return _error(400, text("bad_format"))
            metadata: dict[str, Any] = {}
            if data.get("location") is not None:
                point = coordinates(data["location"])
                if point is None:
                    return _error(400, text("bad_location"))
                located, metadata = location_message(*point)
                message, shown = located or "", "📍 " + (shown if isinstance(shown, str) else "Sijainti jaettu")
                if located is None:
                    return await self._reply_outside(sender, shown)
            text_in = clean(message, limit=self.max_message_chars)
            shown_text = clean(shown, limit=200) if isinstance(shown, str) and shown.strip() else text_in
            if not urgent(text_in):  # red flags are answered however fast the resident writes
                verdict = await request_guard.limiter().hit_resident("web:" + sender,
                                                                     request_guard.client_address(request))
                if not verdict.allowed:
                    return request_guard.refused(verdict)
            taken, earlier = False, None
            if client_id and self.outbox is not None:
                try:
                    state, earlier = await self._take(request, sender, client_id)
                    if state == "pending":
                        return _error(409, text("still_processing"))
                    if state != "new":  # answered before: the same answer, not a second one
                        return response.json({"conversation": data["conversation"], "duplicate": True,
                                              "messages": await self.outbox.answered(sender, state)})
                    taken = True
                except OutboxError:
                    pass
            user_item = {"role": "user", "text": shown_text}
            if client_id:
                user_item["client_id"] = client_id
            user_item["id"] = earlier or await append_or_local(self.outbox, sender, user_item)
            chat, bot_answers = await self.gate.intercept(sender, shown_text if metadata else text_in)
            if not bot_answers:  # an advisor's chat: the message waits in their log
                await self._answered(sender, client_id if taken else None, user_item["id"])
                return response.json({"conversation": data["conversation"], "messages": [user_item],
                                      "relayed": chat.state.value})
            output = WebOutput(self.outbox, sender)
            try:
                await on_new_message(UserMessage(text_in, output, sender, input_channel=self.name(),
                                                 metadata={**metadata, "client_id": client_id} if client_id
                                                 else metadata or None))
            except Exception:  # noqa: BLE001 - the resident gets a polite reply, the log the details
                logger.exception("web chat message failed")
                if taken:
                    await self._forget(sender, client_id)
                return _error(503, text("failed"))
            await self._answered(sender, client_id if taken else None, user_item["id"])
            return response.json({"conversation": data["conversation"], "messages": [user_item, *output.messages]})

        @chat.route("/history", methods=["GET"])
        async def history(request: Request) -> HTTPResponse:
            sender = self._conversation(request.args.get("conversation"))
            if sender is None:
                return _error(403, text("bad_conversation"))
            if self.outbox is None:
                return response.json({"messages": [], "push": False})
            try:
                messages = await self.outbox.read(sender, request.args.get("after", "0"))
            except OutboxError:
                return response.json({"messages": [], "push": False})
            return response.json({"messages": messages, "push": True})

        @chat.route("/events", methods=["GET"])
        async def events(request: Request) -> Optional[HTTPResponse]:
            sender = self._conversation(request.args.get("conversation"))
            if sender is None:
                return _error(403, text("bad_conversation"))
            after = request.headers.get("last-event-id") or request.args.get("after") or "0"
            if not STREAM_ID.match(after):
                after = "0"
            stream = await request.respond(content_type="text/event-stream; charset=utf-8",
                                           headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
            await stream.send("retry: 1500\n\n")
            deadline = time.monotonic() + self.stream_seconds
            try:
                while time.monotonic() < deadline and not request.transport.is_closing():
                    if self.outbox is None:
                        await stream.send("event: unavailable\ndata: {}\n\n")
                        break
                    try:
                        wait = int(min(10.0, max(0.1, deadline - time.monotonic())) * 1000)
                        messages = await self.outbox.read(sender, after, block_ms=wait)
                    except OutboxError:
                        await stream.send("event: unavailable\ndata: {}\n\n")
                        break
                    for item in messages:
                        await stream.send(f"id: {item['id']}\ndata: {json.dumps(item, ensure_ascii=False)}\n\n")
                        after = item["id"]
                    if not messages:
                        await stream.send(": keep-alive\n\n")
            finally:
                if not request.transport.is_closing():
                    await stream.eof()
            return None

        @chat.route("/feedback", methods=["POST"])
        async def feedback(request: Request) -> HTTPResponse:
            """A resident's thumbs on an answer; a "no" puts their question in the editors' review list."""
            posted = self._posted(request)
            if isinstance(posted, HTTPResponse):
                return posted
            data, sender = posted
            message_id, helpful = data.get("message"), data.get("helpful")
            if not isinstance(helpful, bool) or not isinstance(message_id, str) or not STREAM_ID.match(message_id):
                return _error(400, text("bad_format"))
            if self.outbox is None or not self.settings.redis_url:
                return response.json({"saved": False})
            try:
                answer, question = await self._answer_and_question(sender, message_id)
                if answer is None:
                    return _error(404, text("not_found"))
                if self._review is None:
                    self._review = ReviewStore(self.settings.redis_url)
                await asyncio.get_running_loop().run_in_executor(None, save_feedback, self._review, helpful, question,
                                                                 answer)
            except (OutboxError, RedisError):
                return _error(503, text("failed"))
            return response.json({"saved": True})

        @chat.route("/delete", methods=["POST"])
        async def delete(request: Request) -> HTTPResponse:
            posted = self._posted(request)
            if isinstance(posted, HTTPResponse):
                return posted
            _, sender = posted
            try:
                await self.gate.resident_left(sender)
                if self.outbox is not None:
                    await self.outbox.delete(sender)
                await erase_tracker(request.app.ctx.agent, sender)
            except Exception:  # noqa: BLE001 - reported; the resident may try again
                logger.exception("deleting a web conversation failed")
                return _error(503, text("failed"))
            return response.json({"deleted": True, "message": text("deleted"),
                                  "conversation": conversation_ids.issue(self.key)})

        return chat

    async def _answer_and_question(self, sender: str, message_id: str) -> tuple[Optional[str], str]:
        """The bot's answer with this stream id, and the resident's message it answered."""
        entries = await self.outbox.client.xrevrange(redis_keys.web_stream(sender), max=message_id, count=20)
        answer, question = None, ""
        for stream_id, fields in entries:
            item = json.loads(fields.get("m", "{}"))
            if stream_id == message_id:
                if item.get("role") != "bot":
                    return None, ""
                answer = item.get("text", "")
            elif answer is not None and item.get("role") == "user":
                question = item.get("text", "")
                break
        return answer, question

    async def _reply_outside(self, sender: str, shown: str) -> HTTPResponse:
        items = []
        for item in ({"role": "user", "text": shown}, {"role": "bot", "text": text("location_outside")}):
            item["id"] = await append_or_local(self.outbox, sender, item)
            items.append(item)
        return response.json({"messages": items})


def _json_object(request: Request) -> Any:
    """The body as a JSON object, or the 4xx response that explains why it is not one."""
    body = request.body or b""
    if len(body) > MAX_BODY_BYTES:
        return _error(413, text("body_too_large"))
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return _error(400, text("bad_format"))
    if not isinstance(data, dict):
        return _error(400, text("bad_format"))
    return data
