"""App-wide request checks for the public endpoints (Rasa's own REST channel included).

- Body size: a POST to a webhook over MAX_BODY_BYTES gets a 413 before any handler reads it.
  (Sanic itself refuses bodies over SANIC_REQUEST_MAX_SIZE, set to 1 MB by the stack.)
- Shape: Rasa's REST handler assumes a JSON object and answers anything else with a 500; the
  guard answers such a body with a 400 and a Finnish reason.
- Rate limits (channels/rate_limit.py): every POST to the public endpoints counts against the
  client's address; a REST message also against its sender. A message with a red flag is never
  refused. The web chat counts its residents itself (it knows the signed conversation id), and
  Telegram counts per chat (its requests all come from Telegram's servers).
"""
from __future__ import annotations

import json
from typing import Optional

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import Settings
from channels import remote_actions
from channels.rate_limit import RateLimiter, Verdict, urgent
from channels.texts import text

REST_PATH = "/webhooks/rest/webhook"
WEBCHAT = "/webhooks/webchat/"
TELEGRAM = "/webhooks/neuvokas_telegram/"
MAX_BODY_BYTES = 65_536

_limiter: Optional[RateLimiter] = None


def limiter() -> RateLimiter:
    """One limiter per process, shared by the web chat and the middleware."""
    global _limiter
    if _limiter is None:
        settings = Settings.from_env()
        _limiter = RateLimiter(settings.redis_url, settings.rate_limits)
    return _limiter


def client_address(request: Request) -> str:
    return limiter().client_address(request.ip, request.headers.get("x-forwarded-for"))


def refused(verdict: Verdict) -> HTTPResponse:
    return response.json({"error": text("rate_limited", seconds=verdict.retry_after)}, status=429,
                         headers={"Retry-After": str(verdict.retry_after)})


def _json(body: bytes) -> object:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None


async def guard_public_endpoints(request: Request) -> Optional[HTTPResponse]:
    if request.method != "POST" or not request.path.startswith("/webhooks/"):
        return None
    body = request.body or b""
    declared = request.headers.get("content-length", "")
    # The declared length too: over Sanic's own limit the body is never read, and Sanic runs the
    # request middleware once more for its 413, which must then not become a 400 here.
    if len(body) > MAX_BODY_BYTES or (declared.isdigit() and int(declared) > MAX_BODY_BYTES):
        return response.json({"error": text("body_too_large")}, status=413)
    if request.path.startswith(TELEGRAM):
        return None
    data = _json(body) if request.path in (REST_PATH, WEBCHAT + "webhook") else None
    if request.path == REST_PATH and (not isinstance(data, dict) or not isinstance(data.get("message", ""), str)):
        if data is None:
            return response.json({"error": text("bad_format")}, status=400)
        return response.json({"error": "Viestin muoto on virheellinen: odotettiin {\"sender\": ..., \"message\": ...}."},
                             status=400)
    message = data.get("message") if isinstance(data, dict) else None
    if urgent(message if isinstance(message, str) else None):
        return None
    address = client_address(request)
    verdict = await limiter().hit_address(address)
    if not verdict.allowed:
        return refused(verdict)
    if request.path == REST_PATH:
        verdict = await limiter().hit_resident("rest:" + str(data.get("sender") or "default"), address)
        if not verdict.allowed:
            return refused(verdict)
    return None


def install(app: Sanic) -> None:
    """Registers the guard once per app (request middleware is looked up per request), and the
    polite answer for when the action server cannot be reached (channels/remote_actions.py)."""
    remote_actions.install()
    if guard_public_endpoints not in app.request_middleware:
        app.register_middleware(guard_public_endpoints, "request")
