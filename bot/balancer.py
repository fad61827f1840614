"""A small HTTP load balancer for running several Rasa servers (or action servers) on one machine.

`python -m bot.balancer --port 8080 --upstream http://127.0.0.1:5005 --upstream http://127.0.0.1:5006
--affinity --health /` spreads requests over the upstreams. In production this is the job of the
Kubernetes Service and ingress (README, "Production layout"); here it lets the scale-out test and
an operator's trial run two replicas behind one address.

- Affinity (`--affinity`, for Rasa servers): a conversation's requests go to one upstream, chosen
  by rendezvous hashing of its id (the REST `sender`, the web chat's `conversation`, a Telegram
  chat id, or `/conversations/<id>/`). Correctness does not depend on it (the tracker store and
  the lock store are shared), but it keeps a conversation's turns on a warm process and keeps
  them ordered even while Redis, and with it the shared lock store, is down.
- Health: each upstream is checked every second (`--health` path); a down upstream gets no new
  requests, and its conversations move to the others until it is back.
- Failover: a request that could not be delivered (connection refused) goes to the next upstream.
  A request an upstream accepted and then died on is answered 502, unless `--retry` is given
  (for the action server: its calls can be run again), since running a resident's message twice
  is worse than asking the client to resend (the web chat resends with the same message id and
  gets one answer).
- X-Forwarded-For gets the client's address appended, so rate limits see residents, not this.
- `GET /lb/status` gives each upstream's health and request count as JSON.
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import logging
import re
import sys
from dataclasses import dataclass
from typing import Optional

import aiohttp
from aiohttp import web

logger = logging.getLogger("bot.balancer")

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
              "transfer-encoding", "upgrade", "host", "content-length"}
_CONVERSATION_PATH = re.compile(r"^/conversations/([^/]+)/")
UNAVAILABLE = {"error": "Palvelu on hetken poissa käytöstä. Yritä hetken kuluttua uudelleen. Hätätilanteessa soita 112."}


@dataclass
class Upstream:
    url: str
    healthy: bool = True
    requests: int = 0
    failures: int = 0


def affinity_key(path: str, query: dict, body: bytes) -> Optional[str]:
    """The conversation a request belongs to, or None."""
    match = _CONVERSATION_PATH.match(path)
    if match:
        return match.group(1)
    if query.get("conversation"):
        return str(query["conversation"]).split(".")[0]
    if not body or body[:1] != b"{":
        return None
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("sender"), str):
        return data["sender"]
    if isinstance(data.get("conversation"), str):
        return data["conversation"].split(".")[0]
    for field in ("message", "edited_message", "callback_query"):  # a Telegram update
        part = data.get(field)
        if isinstance(part, dict):
            chat = (part.get("chat") or (part.get("message") or {}).get("chat") or part.get("from") or {})
            if isinstance(chat, dict) and chat.get("id") is not None:
                return f"telegram-{chat['id']}"
    return None


class Balancer:
    def __init__(self, upstreams: list[str], affinity: bool = False, retry: bool = False,
                 health_path: str = "/", check_seconds: float = 1.0) -> None:
        if not upstreams:
            raise ValueError("at least one --upstream is needed")
        self.upstreams = [Upstream(u.rstrip("/")) for u in upstreams]
        self.affinity, self.retry = affinity, retry
        self.health_path, self.check_seconds = health_path, check_seconds
        self._next = 0
        self.session: Optional[aiohttp.ClientSession] = None

    def order(self, key: Optional[str]) -> list[Upstream]:
        """Healthy upstreams first: by rendezvous hash for a conversation, else in turn."""
        if key is not None:
            ranked = sorted(self.upstreams, reverse=True,
                            key=lambda u: hashlib.sha1(f"{u.url}|{key}".encode()).digest())
        else:
            self._next = (self._next + 1) % len(self.upstreams)
            ranked = self.upstreams[self._next:] + self.upstreams[:self._next]
        return [u for u in ranked if u.healthy] + [u for u in ranked if not u.healthy]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if request.path == "/lb/status":
            return web.json_response({"upstreams": [u.__dict__ for u in self.upstreams]})
        body = await request.read()
        key = affinity_key(request.path, dict(request.query), body) if self.affinity else None
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        peer = request.remote or ""
        headers["X-Forwarded-For"] = f"{request.headers['X-Forwarded-For']}, {peer}" \
            if request.headers.get("X-Forwarded-For") else peer
        for upstream in self.order(key):
            response: Optional[web.StreamResponse] = None
            try:
                async with self.session.request(request.method, upstream.url + request.path_qs, headers=headers,
                                                data=body or None, allow_redirects=False) as answer:
                    upstream.requests += 1
                    response = web.StreamResponse(status=answer.status, reason=answer.reason, headers={
                        k: v for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP})
                    await response.prepare(request)
                    async for chunk in answer.content.iter_any():
                        await response.write(chunk)
                    await response.write_eof()
                    return response
            except aiohttp.ClientConnectorError:  # never reached it: safe to try the next one
                self._down(upstream)
                continue
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                upstream.failures += 1
                if response is not None and response.prepared:  # the answer had begun: end it
                    logger.warning("%s broke off an answer (%s)", upstream.url, type(error).__name__)
                    return response
                if self.retry:
                    self._down(upstream)
                    continue
                logger.warning("%s failed during a request (%s): 502", upstream.url, type(error).__name__)
                return web.json_response(UNAVAILABLE, status=502)
        return web.json_response(UNAVAILABLE, status=503)

    def _down(self, upstream: Upstream) -> None:
        if upstream.healthy:
            logger.warning("%s is down", upstream.url)
        upstream.healthy = False
        upstream.failures += 1

    async def check(self) -> None:
        while True:
            for upstream in self.upstreams:
                try:
                    async with self.session.get(upstream.url + self.health_path,
                                                timeout=aiohttp.ClientTimeout(total=3)) as answer:
                        healthy = answer.status < 500
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    healthy = False
                if healthy != upstream.healthy:
                    logger.warning("%s is %s", upstream.url, "back" if healthy else "down")
                upstream.healthy = healthy
            await asyncio.sleep(self.check_seconds)

    def app(self) -> web.Application:
        app = web.Application(client_max_size=2 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self.handle)

        async def start(app: web.Application) -> None:
            self.session = aiohttp.ClientSession(
                auto_decompress=False, timeout=aiohttp.ClientTimeout(total=None, connect=2, sock_read=300),
                connector=aiohttp.TCPConnector(limit=0))
            app["checker"] = asyncio.create_task(self.check())

        async def stop(app: web.Application) -> None:
            app["checker"].cancel()
            await self.session.close()

        app.on_startup.append(start)
        app.on_cleanup.append(stop)
        return app


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.balancer", description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", action="append", required=True, help="an upstream's base URL (repeat)")
    parser.add_argument("--affinity", action="store_true", help="keep a conversation on one upstream")
    parser.add_argument("--retry", action="store_true", help="resend a request whose upstream died on it")
    parser.add_argument("--health", default="/", help="the upstreams' health path")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s - %(message)s")
    balancer = Balancer(args.upstream, affinity=args.affinity, retry=args.retry, health_path=args.health)
    web.run_app(balancer.app(), host=args.host, port=args.port, access_log=None, print=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
