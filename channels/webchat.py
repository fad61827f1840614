"""Web chat channel: serves the chat page and takes its messages as JSON.

Like Rasa's REST channel, but strict about its input: a body that is not a JSON object with a
string `message` gets a 400 with a Finnish explanation, never a 500.
"""
from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.text import clean
from channels import request_guard

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
_SENDER = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MAX_BODY_BYTES = 65_536
_FILES = {"chat.js": "application/javascript", "chat.css": "text/css"}


def _error(status: int, message: str) -> HTTPResponse:
    return response.json({"error": message}, status=status)


class WebChatInput(InputChannel):
    """The project's web chat: GET / is the page, POST /webhook a message."""

    @classmethod
    def name(cls) -> Text:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WebChatInput":
        credentials = credentials or {}
        return cls(max_message_chars=int(credentials.get("max_message_chars", 10_000)))

    def __init__(self, max_message_chars: int = 10_000) -> None:
        self.max_message_chars = max_message_chars

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        chat = Blueprint("webchat", __name__)

        @chat.listener("before_server_start")
        async def guard_public_endpoints(app, loop) -> None:
            request_guard.install(app)

        @chat.route("/", methods=["GET"])
        async def page(request: Request) -> HTTPResponse:
            return await response.file(STATIC / "index.html", mime_type="text/html; charset=utf-8")

        @chat.route("/static/<name>", methods=["GET"])
        async def static(request: Request, name: str) -> HTTPResponse:
            if name not in _FILES:
                return _error(404, "Tiedostoa ei löydy.")
            return await response.file(STATIC / name, mime_type=_FILES[name] + "; charset=utf-8")

        @chat.route("/health", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @chat.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body = request.body or b""
            if len(body) > MAX_BODY_BYTES:
                return _error(413, "Viesti on liian pitkä.")
            try:
                data = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                return _error(400, "Viestin muoto on virheellinen.")
            if not isinstance(data, dict):
                return _error(400, "Viestin muoto on virheellinen.")
            sender, message = data.get("sender"), data.get("message")
            if not isinstance(sender, str) or not _SENDER.match(sender):
                return _error(400, "Keskustelun tunniste puuttuu tai on virheellinen.")
            if not isinstance(message, str):
                return _error(400, "Viestin teksti puuttuu.")
            if len(message) > self.max_message_chars:
                return _error(413, f"Viesti on liian pitkä: enintään {self.max_message_chars} merkkiä. Kirjoita asiasi lyhyemmin.")
            text = clean(message, limit=self.max_message_chars)
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=self.name()))
            except Exception:  # noqa: BLE001 - the resident gets a polite reply, the log the details
                logger.exception("web chat message failed")
                return _error(503, "Viestin käsittely epäonnistui. Yritä hetken päästä uudelleen. Hätätilanteessa soita 112.")
            return response.json(collector.messages)

        return chat
