"""The advisor console: a web app for the human advisors of the handoff queue.

Every page and API route needs a logged-in session with the right role (see `guarded`); only the
login page, its script and style, and /health are open. Sessions live in Redis (so they survive a
restart of the console), in an HttpOnly SameSite=Strict cookie; every state-changing request also
needs the session's CSRF token in the X-CSRF-Token header. Residents' text is only ever sent as JSON
and put on the page with textContent, never as HTML.

The console process also runs the handoff's background work: the notifier (queue place and
status to residents), the relay (advisor replies to web and Telegram) and the claim timeout.
"""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import secrets
import time
import urllib.parse
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any, Awaitable, Callable, Optional

import aiohttp
from redis.exceptions import RedisError
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import redis_keys as keys
from bot.handoff.config import HandoffConfig, load
from bot.handoff.notifier import Notifier
from bot.handoff.queue import Chat, HandoffQueue, State
from bot.redis_client import async_client
from bot.settings import Settings, TelegramSettings
from console.users import User, UserStore

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
COOKIE = "neuvokas_console"
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
CHAT_ID = re.compile(r"^[0-9a-f]{16}$")
MAX_BODY_BYTES = 32_768
MAX_REPLY_CHARS = 4000
LOGIN_FAILURES = 5            # failed logins per user name ...
LOGIN_WINDOW_SECONDS = 900    # ... within this window lock the name for the rest of the window
OPEN_FILES = {"login.js": "application/javascript", "console.css": "text/css"}
PRIVATE_FILES = {"console.js": "application/javascript", "common.js": "application/javascript"}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class ConsoleSettings:
    redis_url: str
    rasa_url: str
    rasa_token: Optional[str]
    users: UserStore
    telegram: TelegramSettings
    cookie_secure: bool = False
    session_seconds: int = 8 * 3600
    stream_seconds: float = 45
    background: bool = True  # notifier, relay and claim timeout in this process


@dataclass(frozen=True)
class Session:
    id: str
    user: User
    csrf: str


def _error(status: int, message: str) -> HTTPResponse:
    return response.json({"error": message}, status=status, headers=SECURITY_HEADERS)


def _ok(data: Any) -> HTTPResponse:
    return response.json(data, headers=SECURITY_HEADERS)


def body(request: Request) -> dict:
    """The request's JSON object, or {} when the body is not one (the handlers then say what is missing)."""
    try:
        data = json.loads((request.body or b"{}").decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def create_app(settings: ConsoleSettings, name: str = "neuvokas_console") -> Sanic:
    app = Sanic(name)
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
    app.config.KEEP_ALIVE_TIMEOUT = 75
    config: HandoffConfig = load()
    state: dict[str, Any] = {}

    def queue() -> HandoffQueue:
        return state["queue"]

    def redis():
        return state["redis"]

    @app.listener("before_server_start")
    async def setup(app: Sanic, loop) -> None:
        state["queue"] = HandoffQueue(settings.redis_url, config)
        state["redis"] = async_client(settings.redis_url)
        state["http"] = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        state["stop"] = asyncio.Event()
        if settings.background:
            from channels.relay import Relay

            state["notifier"] = Notifier(HandoffQueue(settings.redis_url, config))
            state["relay"] = Relay(settings.redis_url, settings.telegram, config)
            state["tasks"] = [loop.create_task(state["notifier"].run(state["stop"])),
                              loop.create_task(state["relay"].run(state["stop"])),
                              loop.create_task(_timeouts(state["stop"])),
                              loop.create_task(_retention(state["stop"]))]

    async def _retention(stop: asyncio.Event) -> None:
        """Conversations older than the retention period leave the tracker store (now, then every 6 h)."""
        from bot.privacy.delete import tracker_url
        from bot.privacy.retention import RUN_EVERY_SECONDS, expire_trackers

        days = Settings.from_env().retention_days
        while not stop.is_set():
            try:
                conversations, _ = await asyncio.get_running_loop().run_in_executor(
                    None, expire_trackers, tracker_url(), days)
                callbacks = await queue().expire_callbacks()
                if conversations or callbacks:
                    logger.info("retention: %d conversation(s) older than %d days and %d callback request(s) "
                                "deleted", conversations, days, callbacks)
            except Exception as error:  # noqa: BLE001 - tried again at the next round
                logger.warning("retention: the tracker store could not be cleaned (%s)", type(error).__name__)
            try:
                await asyncio.wait_for(stop.wait(), timeout=RUN_EVERY_SECONDS)
            except asyncio.TimeoutError:
                pass

    async def _timeouts(stop: asyncio.Event) -> None:
        """Claimed chats whose advisor went silent go back to the queue (safe in many consoles)."""
        while not stop.is_set():
            try:
                returned = await queue().requeue_stale()
                if returned:
                    logger.info("claim timeout: %d chat(s) back in the queue", len(returned))
            except (RedisError, OSError) as error:
                logger.warning("claim timeout check: Redis unavailable (%s)", type(error).__name__)
            try:
                await asyncio.wait_for(stop.wait(), timeout=5)
            except asyncio.TimeoutError:
                pass

    @app.listener("before_server_stop")
    async def teardown(app: Sanic, loop) -> None:
        state["stop"].set()
        for task in state.get("tasks", []):
            task.cancel()
        await state["http"].close()
        await queue().close_client()
        await redis().close()
        if "notifier" in state:
            await state["notifier"].queue.close_client()
            await state["relay"].close()

    # --- sessions ---------------------------------------------------------------------------------
    async def current(request: Request) -> Optional[Session]:
        session_id = request.cookies.get(COOKIE, "")
        if not SESSION_ID.match(session_id):
            return None
        key = keys.console_session(session_id)
        raw = await redis().hgetall(key)
        if not raw:
            return None
        user = settings.users.get(raw.get("user", ""))
        if user is None:  # removed since login
            await redis().delete(key)
            return None
        await redis().expire(key, settings.session_seconds)
        return Session(session_id, user, raw.get("csrf", ""))

    def guarded(roles: tuple[str, ...] = ("advisor",), write: bool = False, page: bool = False):
        """Login, role and (for writes) CSRF checks, before the handler runs."""
        def decorate(handler: Callable[..., Awaitable[HTTPResponse]]):
            @wraps(handler)
            async def wrapper(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
                try:
                    session = await current(request)
                except (RedisError, OSError):
                    return _error(503, "Konsolin tietokanta ei juuri nyt vastaa. Yritä hetken päästä uudelleen.")
                if session is None:
                    if page:
                        return response.redirect("/login", status=303, headers=SECURITY_HEADERS)
                    return _error(401, "Kirjaudu sisään.")
                if session.user.role not in roles:
                    return _error(403, "Sinulla ei ole oikeutta tähän.")
                if write and not hmac.compare_digest(request.headers.get("x-csrf-token", "").encode(),
                                                     session.csrf.encode()):
                    return _error(403, "Istunnon tarkiste puuttuu tai on väärä. Lataa sivu uudelleen.")
                request.ctx.session = session
                try:
                    return await handler(request, *args, **kwargs)
                except (RedisError, OSError):
                    logger.exception("console: Redis unavailable")
                    return _error(503, "Jono ei juuri nyt vastaa. Yritä hetken päästä uudelleen.")
            return wrapper
        return decorate

    # --- open routes --------------------------------------------------------------------------------
    @app.get("/health")
    async def health(request: Request) -> HTTPResponse:
        try:
            redis_ok = bool(await redis().ping())
        except (RedisError, OSError):
            redis_ok = False
        return _ok({"status": "ok", "redis": redis_ok})

    @app.get("/login")
    async def login_page(request: Request) -> HTTPResponse:
        return await response.file(STATIC / "login.html", mime_type="text/html; charset=utf-8",
                                   headers=SECURITY_HEADERS)

    @app.get("/static/<name>")
    async def static(request: Request, name: str) -> HTTPResponse:
        if name in OPEN_FILES:
            return await response.file(STATIC / name, mime_type=OPEN_FILES[name] + "; charset=utf-8",
                                       headers=SECURITY_HEADERS)
        if name in PRIVATE_FILES:
            return await private_static(request, name)
        return _error(404, "Tiedostoa ei löydy.")

    @guarded(roles=("advisor", "editor"))
    async def private_static(request: Request, name: str) -> HTTPResponse:
        return await response.file(STATIC / name, mime_type=PRIVATE_FILES[name] + "; charset=utf-8",
                                   headers=SECURITY_HEADERS)

    @app.post("/api/login")
    async def login(request: Request) -> HTTPResponse:
        # JSON only, from this origin: a cross-site form cannot post JSON without a CORS preflight.
        if (request.headers.get("content-type") or "").split(";")[0].strip() != "application/json":
            return _error(415, "Kirjautuminen lähetetään JSON-muodossa.")
        origin = request.headers.get("origin")
        if origin and urllib.parse.urlparse(origin).netloc != request.host:
            return _error(403, "Kirjautuminen on sallittu vain konsolin omalta sivulta.")
        data = body(request)
        name, password = data.get("username"), data.get("password")
        if not isinstance(name, str) or not isinstance(password, str) or not name or not password \
                or len(name) > 64 or len(password) > 512:
            return _error(400, "Anna käyttäjätunnus ja salasana.")
        name = name.strip().lower()
        failures_key = keys.console_login_failures(name)
        try:
            failures = int(await redis().get(failures_key) or 0)
        except (RedisError, OSError):
            return _error(503, "Konsolin tietokanta ei juuri nyt vastaa. Yritä hetken päästä uudelleen.")
        if failures >= LOGIN_FAILURES:
            return _error(429, "Liian monta epäonnistunutta yritystä. Yritä uudelleen 15 minuutin kuluttua.")
        user = await asyncio.get_running_loop().run_in_executor(None, settings.users.authenticate, name, password)
        if user is None:
            async with redis().pipeline(transaction=True) as pipe:
                pipe.incr(failures_key)
                pipe.expire(failures_key, LOGIN_WINDOW_SECONDS)
                await pipe.execute()
            return _error(401, "Väärä käyttäjätunnus tai salasana.")
        await redis().delete(failures_key)
        session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        key = keys.console_session(session_id)
        async with redis().pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping={"user": user.name, "csrf": csrf, "created": repr(time.time())})
            pipe.expire(key, settings.session_seconds)
            await pipe.execute()
        result = _ok({"user": user.public(), "csrf": csrf})
        result.cookies[COOKIE] = session_id
        cookie = result.cookies[COOKIE]
        cookie["httponly"] = True
        cookie["samesite"] = "Strict"
        cookie["path"] = "/"
        cookie["max-age"] = settings.session_seconds
        if settings.cookie_secure:
            cookie["secure"] = True
        return result

    # --- pages and session --------------------------------------------------------------------------
    @app.get("/")
    @guarded(roles=("advisor", "editor"), page=True)
    async def console_page(request: Request) -> HTTPResponse:
        if request.ctx.session.user.role == "editor":
            return response.redirect("/editor", status=303, headers=SECURITY_HEADERS)
        return await response.file(STATIC / "console.html", mime_type="text/html; charset=utf-8",
                                   headers=SECURITY_HEADERS)

    @app.post("/api/logout")
    @guarded(roles=("advisor", "editor"), write=True)
    async def logout(request: Request) -> HTTPResponse:
        await redis().delete(keys.console_session(request.ctx.session.id))
        result = _ok({"logged_out": True})
        del result.cookies[COOKIE]
        return result

    @app.get("/api/me")
    @guarded(roles=("advisor", "editor"))
    async def me(request: Request) -> HTTPResponse:
        session: Session = request.ctx.session
        return _ok({"user": session.user.public(), "csrf": session.csrf,
                    "teams": {t.id: t.name for t in config.teams.values()},
                    "outcomes": list(config.outcomes), "canned": list(config.canned)})

    # --- the queue ----------------------------------------------------------------------------------
    def chat_view(chat: Chat, position: Optional[int] = None) -> dict:
        return {"id": chat.id, "team": chat.team, "channel": chat.channel, "level": chat.level,
                "summary": chat.summary, "municipality": chat.municipality, "language": chat.language,
                "state": chat.state.value, "advisor": chat.advisor, "advisor_name": chat.advisor_name,
                "enqueued_at": chat.enqueued_at, "claimed_at": chat.claimed_at, "position": position,
                "outcome": chat.outcome}

    @app.get("/api/queue")
    @guarded()
    async def queue_view(request: Request) -> HTTPResponse:
        user: User = request.ctx.session.user
        teams = {}
        for team in user.teams:
            waiting = await queue().waiting(team, limit=100)
            teams[team] = {"name": config.team(team).name, "open": config.team(team).is_open(),
                           "waiting_total": await queue().client.zcard(keys.handoff_queue(team)),
                           "advisors_online": await queue().advisors_online(team),
                           "waiting": [chat_view(c, i + 1) for i, c in enumerate(waiting)]}
        claimed = []
        for chat_id in await queue().client.zrange(keys.handoff_claimed(), 0, 499):
            chat = await queue().chat(chat_id)
            if chat is not None and chat.state == State.CLAIMED and chat.team in user.teams:
                claimed.append(chat_view(chat))
        callbacks = [c for c in await queue().callbacks() if c["team"] in user.teams]
        return _ok({"teams": teams, "claimed": claimed, "callbacks": callbacks, "now": time.time()})

    async def own_chat(request: Request, chat_id: str, claimed_by_me: bool = False) -> Chat | HTTPResponse:
        if not CHAT_ID.match(chat_id):
            return _error(404, "Keskustelua ei löydy.")
        chat = await queue().chat(chat_id)
        user: User = request.ctx.session.user
        if chat is None:
            return _error(404, "Keskustelua ei löydy.")
        if chat.team not in user.teams:
            return _error(403, "Keskustelu kuuluu toiselle tiimille.")
        if claimed_by_me and (chat.state != State.CLAIMED or chat.advisor != user.name):
            return _error(409, "Keskustelu ei ole sinulla. Ota se ensin jonosta.")
        return chat

    @app.get("/api/chats/<chat_id>")
    @guarded()
    async def chat_detail(request: Request, chat_id: str) -> HTTPResponse:
        chat = await own_chat(request, chat_id)
        if isinstance(chat, HTTPResponse):
            return chat
        bot_part, available = await bot_transcript(chat.conversation)
        relayed = [{"role": m["role"], "text": m.get("text", ""), "at": float(m.get("at") or 0),
                    "author": m.get("author", ""), "part": "handoff"} for m in await queue().messages(chat.id)]
        transcript = sorted(bot_part + relayed, key=lambda m: m["at"])
        return _ok({"chat": chat_view(chat, await queue().position(chat.id)), "transcript": transcript,
                    "bot_part_available": available})

    async def bot_transcript(conversation: str) -> tuple[list[dict], bool]:
        """The conversation with the bot, from the Rasa server's tracker."""
        url = f"{settings.rasa_url}/conversations/{urllib.parse.quote(conversation, safe='')}/tracker"
        params = {"token": settings.rasa_token} if settings.rasa_token else {}
        try:
            async with state["http"].get(url, params=params) as reply:
                if reply.status != 200:
                    return [], False
                tracker = await reply.json()
        except (aiohttp.ClientError, asyncio.TimeoutError, json.JSONDecodeError):
            return [], False
        items = []
        for event in tracker.get("events") or []:
            if event.get("event") == "user" and event.get("text"):
                items.append({"role": "resident", "text": event["text"], "at": float(event.get("timestamp") or 0),
                              "part": "bot", "intent": (event.get("parse_data") or {}).get("intent", {}).get("name")})
            elif event.get("event") == "bot":
                custom = (event.get("data") or {}).get("custom")
                text = event.get("text") or ""
                if text or custom:
                    items.append({"role": "bot", "text": text, "at": float(event.get("timestamp") or 0),
                                  "part": "bot", "payload": custom.get("type") if isinstance(custom, dict) else None})
        return items, True

    @app.post("/api/chats/<chat_id>/claim")
    @guarded(write=True)
    async def claim(request: Request, chat_id: str) -> HTTPResponse:
        chat = await own_chat(request, chat_id)
        if isinstance(chat, HTTPResponse):
            return chat
        user: User = request.ctx.session.user
        if not await queue().claim(chat.id, user.name, user.display_name or user.name):
            return _error(409, "Toinen neuvoja ehti ottaa tämän keskustelun, tai se ei ole enää jonossa.")
        return _ok({"claimed": True, "chat": chat.id})

    @app.post("/api/chats/<chat_id>/reply")
    @guarded(write=True)
    async def reply(request: Request, chat_id: str) -> HTTPResponse:
        chat = await own_chat(request, chat_id, claimed_by_me=True)
        if isinstance(chat, HTTPResponse):
            return chat
        text = body(request).get("text")
        if not isinstance(text, str) or not text.strip():
            return _error(400, "Kirjoita vastaus.")
        if len(text) > MAX_REPLY_CHARS:
            return _error(413, f"Vastaus on liian pitkä: enintään {MAX_REPLY_CHARS} merkkiä.")
        user: User = request.ctx.session.user
        message_id = await queue().reply(chat, user.name, text.strip(), user.display_name or user.name)
        return _ok({"sent": True, "id": message_id})

    @app.post("/api/chats/<chat_id>/transfer")
    @guarded(write=True)
    async def transfer(request: Request, chat_id: str) -> HTTPResponse:
        chat = await own_chat(request, chat_id)
        if isinstance(chat, HTTPResponse):
            return chat
        user: User = request.ctx.session.user
        if chat.state == State.CLAIMED and chat.advisor != user.name:
            return _error(409, "Keskustelu on toisella neuvojalla.")
        team = body(request).get("team")
        if team not in config.teams or team == chat.team:
            return _error(400, "Valitse toinen tiimi.")
        if not await queue().transfer(chat.id, team, by=user.name):
            return _error(409, "Keskustelua ei voi enää siirtää.")
        return _ok({"transferred": True, "team": team})

    @app.post("/api/chats/<chat_id>/release")
    @guarded(write=True)
    async def release(request: Request, chat_id: str) -> HTTPResponse:
        chat = await own_chat(request, chat_id, claimed_by_me=True)
        if isinstance(chat, HTTPResponse):
            return chat
        await queue().release(chat.id, by=request.ctx.session.user.name)
        return _ok({"released": True})

    @app.post("/api/chats/<chat_id>/close")
    @guarded(write=True)
    async def close(request: Request, chat_id: str) -> HTTPResponse:
        chat = await own_chat(request, chat_id, claimed_by_me=True)
        if isinstance(chat, HTTPResponse):
            return chat
        outcome = body(request).get("outcome")
        if outcome not in config.outcomes:
            return _error(400, "Valitse keskustelun lopputulos.")
        await queue().close(chat.id, outcome, by=request.ctx.session.user.name)
        return _ok({"closed": True, "outcome": outcome})

    @app.post("/api/chats/<chat_id>/return")
    @guarded(write=True)
    async def return_to_bot(request: Request, chat_id: str) -> HTTPResponse:
        chat = await own_chat(request, chat_id, claimed_by_me=True)
        if isinstance(chat, HTTPResponse):
            return chat
        await queue().close(chat.id, "returned_to_bot", by=request.ctx.session.user.name)
        return _ok({"closed": True, "outcome": "returned_to_bot"})

    @app.post("/api/callbacks/<callback_id>/done")
    @guarded(write=True)
    async def callback_done(request: Request, callback_id: str) -> HTTPResponse:
        if not CHAT_ID.match(callback_id):
            return _error(404, "Soittopyyntöä ei löydy.")
        user: User = request.ctx.session.user
        found = [c for c in await queue().callbacks() if c["id"] == callback_id]
        if not found:
            return _error(404, "Soittopyyntöä ei löydy, tai se on jo hoidettu.")
        if found[0]["team"] not in user.teams:
            return _error(403, "Soittopyyntö kuuluu toiselle tiimille.")
        await queue().resolve_callback(callback_id, user.name)
        return _ok({"done": True})

    @app.get("/api/events")
    @guarded()
    async def events(request: Request) -> Optional[HTTPResponse]:
        """Server-Sent Events: each queue change; the page then reloads what it shows."""
        user: User = request.ctx.session.user
        stream = await request.respond(content_type="text/event-stream; charset=utf-8",
                                       headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        await stream.send("retry: 1500\n\n")
        deadline = time.monotonic() + settings.stream_seconds
        try:
            latest = await queue().client.xrevrange(keys.handoff_events(), count=1)
            after = latest[0][0] if latest else "0"
            await stream.send("event: ready\ndata: {}\n\n")
            while time.monotonic() < deadline and not request.transport.is_closing():
                await queue().heartbeat(user.name, user.teams)
                result = await queue().client.xread({keys.handoff_events(): after}, count=100, block=10_000)
                for _key, entries in result or []:
                    for entry_id, fields in entries:
                        after = entry_id
                        await stream.send(f"data: {json.dumps(fields)}\n\n")
                if not result:
                    await stream.send(": keep-alive\n\n")
        except (RedisError, OSError):
            await stream.send("event: unavailable\ndata: {}\n\n")
        finally:
            if not request.transport.is_closing():
                await stream.eof()
        return None

    @app.post("/api/heartbeat")
    @guarded(write=True)
    async def heartbeat(request: Request) -> HTTPResponse:
        user: User = request.ctx.session.user
        await queue().heartbeat(user.name, user.teams)
        return _ok({"ok": True})

    @app.on_response
    async def headers(request: Request, result: HTTPResponse) -> None:
        if result is not None:
            for name, value in SECURITY_HEADERS.items():
                result.headers.setdefault(name, value)

    @app.exception(Exception)
    async def failure(request: Request, error: Exception) -> HTTPResponse:
        status = getattr(error, "status_code", 500)
        if status >= 500:
            logger.exception("console request failed", exc_info=error)
            return _error(500, "Toiminto epäonnistui. Yritä uudelleen.")
        return _error(status, {404: "Sivua ei löydy.", 405: "Toimintoa ei sallita.",
                               413: "Pyyntö on liian suuri."}.get(status, "Virheellinen pyyntö."))

    from console import editor

    editor.register(app, guarded, _error, _ok, STATIC, SECURITY_HEADERS)
    app.ctx.settings = settings
    return app
