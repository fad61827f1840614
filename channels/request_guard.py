"""App-wide request checks for the public message endpoints, Rasa's own REST channel included.

Rasa's REST handler assumes a JSON object and answers anything else with a 500. The guard
answers such a body with a 400 and a Finnish reason before the handler sees it.
"""
from __future__ import annotations

import json
from typing import Optional

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

GUARDED_PATHS = ("/webhooks/rest/webhook",)
MAX_BODY_BYTES = 65_536


async def guard_message_body(request: Request) -> Optional[HTTPResponse]:
    if request.method != "POST" or request.path not in GUARDED_PATHS:
        return None
    body = request.body or b""
    if len(body) > MAX_BODY_BYTES:
        return response.json({"error": "Viesti on liian pitkä."}, status=413)
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return response.json({"error": "Viestin muoto on virheellinen."}, status=400)
    if not isinstance(data, dict) or not isinstance(data.get("message", ""), str):
        return response.json({"error": "Viestin muoto on virheellinen: odotettiin {\"sender\": ..., \"message\": ...}."}, status=400)
    return None


def install(app: Sanic) -> None:
    """Registers the guard once per app (request middleware is looked up per request)."""
    if guard_message_body not in app.request_middleware:
        app.register_middleware(guard_message_body, "request")
