"""The advisor console's HTTP API on the real stack (Rasa with the trained model, action server,
Redis, console): login, roles, CSRF, and a whole handoff with a web resident."""
from __future__ import annotations

import json
import re
import time
import uuid

import pytest
import requests

from bot.handoff.config import load
from bot.settings import TelegramSettings
from console.app import ConsoleSettings, create_app
from console.users import UserStore
from tests.console.helpers import PASSWORDS, Console

WEB = "/webhooks/webchat"
OPEN_ROUTES = {"/health", "/login", "/api/login", "/static/<name>"}
EVERY_ROLE = {"/", "/api/me", "/api/logout"}  # any logged-in user (advisor or editor; "/" sends editors on)


def wait_for(check, timeout: float = 20, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def console_routes() -> list[tuple[str, str]]:
    """(method, path) of every route the console app has, read from the app itself."""
    settings = ConsoleSettings(redis_url="redis://127.0.0.1:1/0", rasa_url="http://127.0.0.1:1", rasa_token=None,
                               users=UserStore(__import__("pathlib").Path("/nonexistent")),
                               telegram=TelegramSettings(None, "webhook", None, None, None), background=False)
    app = create_app(settings, name="route_listing")
    found = set()
    for route in app.router.routes:
        path = re.sub(r"<(\w+):\w+>", r"<\1>", "/" + route.path.lstrip("/"))
        for method in route.methods:
            if method in ("GET", "POST"):
                found.add((method, path))
    return sorted(found)


def web_conversation(client) -> str:
    return client.post(WEB + "/session", b"").body["conversation"]


def web_say(client, conversation: str, message: str) -> dict:
    reply = client.post(WEB + "/webhook", json.dumps({"conversation": conversation, "message": message}).encode())
    assert reply.status == 200, reply.body
    return reply.body


def history(client, conversation: str) -> list[dict]:
    url = f"{client.base}{WEB}/history?conversation={requests.utils.quote(conversation)}"
    return requests.get(url, timeout=30).json()["messages"]


def handoff_payloads(messages: list[dict]) -> list[dict]:
    return [m["custom"] for m in messages if (m.get("custom") or {}).get("type") == "handoff"]


def queued_web_resident(client, team: str = "health") -> tuple[str, str]:
    """A web resident in the team's queue; returns the conversation and a marker in its summary."""
    conversation = web_conversation(client)
    marker = "haluan puhua hoitajan kanssa " + uuid.uuid4().hex[:8]
    web_say(client, conversation, marker)
    body = web_say(client, conversation, '/request_human{"handoff_team": "%s"}' % team)
    assert handoff_payloads(body["messages"])[0]["state"] == "queued"
    return conversation, marker


def chat_in_queue(console: Console, team: str, marker: str) -> dict:
    return next(c for c in console.get("/api/queue").json()["teams"][team]["waiting"] if marker in c["summary"])


def test_every_console_route_refuses_anonymous_wrong_role_and_missing_csrf(stack, client, console_as):
    routes = console_routes()
    assert len(routes) >= 15 and ("POST", "/api/chats/<chat_id>/claim") in routes
    conversation, marker = queued_web_resident(client)
    sari, eeva = console_as("sari"), console_as("eeva")
    chat_id = chat_in_queue(sari, "health", marker)["id"]
    anonymous = Console(stack.console_url, requests.Session())
    checked = 0
    for method, path in routes:
        if path in OPEN_ROUTES:
            continue
        url = (path.replace("<chat_id>", chat_id).replace("<callback_id>", "0" * 16).replace("<item_id>", "0" * 16)
               .replace("<name>", "neuvokas-" + "0" * 16))
        call = (lambda c, **kw: c.get(url, **kw)) if method == "GET" else (lambda c, **kw: c.post(url, {}, **kw))
        editor_route = "editor" in path
        right, wrong = (eeva, sari) if editor_route else (sari, eeva)
        reply = call(anonymous)
        if path in ("/", "/editor"):
            assert reply.status_code == 303 and reply.headers["Location"] == "/login", path
        else:
            assert reply.status_code == 401, (method, path, reply.status_code)
            assert reply.json()["error"] == "Kirjaudu sisään."
        if path not in EVERY_ROLE:
            reply = call(wrong)  # an editor is not an advisor, nor an advisor an editor
            assert reply.status_code == 403, (method, path, reply.status_code)
        if method == "POST":
            reply = call(right, csrf=False)
            assert reply.status_code == 403 and "tarkiste" in reply.json()["error"], (method, path)
        checked += 1
    assert checked >= 20
    private = anonymous.get("/static/console.js")
    assert private.status_code == 401, "the console's script is for advisors only"
    assert anonymous.get("/static/login.js").status_code == 200
    assert web_say(client, conversation, "peru")  # leave the queue


def test_login_cookie_throttling_and_logout(stack, accounts):
    http = requests.Session()
    base = stack.console_url
    form = http.post(base + "/api/login", data={"username": "sari", "password": PASSWORDS["sari"]}, timeout=30)
    assert form.status_code == 415, "a cross-site HTML form cannot log anyone in"
    foreign = http.post(base + "/api/login", json={"username": "sari", "password": PASSWORDS["sari"]},
                        headers={"Origin": "https://evil.example"}, timeout=30)
    assert foreign.status_code == 403
    wrong = http.post(base + "/api/login", json={"username": "sari", "password": "väärä"}, timeout=30)
    assert wrong.status_code == 401 and wrong.json()["error"] == "Väärä käyttäjätunnus tai salasana."
    accounts.add("lukko", "advisor", "lukon salasana 1", ["health"], replace=True)
    for _ in range(5):
        http.post(base + "/api/login", json={"username": "lukko", "password": "arvaus"}, timeout=30)
    locked = http.post(base + "/api/login", json={"username": "lukko", "password": "lukon salasana 1"}, timeout=30)
    assert locked.status_code == 429
    good = http.post(base + "/api/login", json={"username": "sari", "password": PASSWORDS["sari"]}, timeout=30)
    assert good.status_code == 200
    cookie = good.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert good.headers["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in good.headers["Content-Security-Policy"]
    csrf = good.json()["csrf"]
    assert http.get(base + "/api/me", timeout=30).json()["user"]["teams"] == ["health"]
    assert http.post(base + "/api/logout", headers={"X-CSRF-Token": csrf}, json={}, timeout=30).status_code == 200
    assert http.get(base + "/api/me", timeout=30).status_code == 401
    accounts.remove("lukko")


def test_a_whole_handoff_with_a_web_resident(stack, client, console_as):
    conversation = web_conversation(client)
    first = web_say(client, conversation, "haluan puhua ihmisen kanssa")
    asked = [m for m in first["messages"] if m["role"] == "bot"]
    assert [b["payload"] for b in asked[0]["buttons"]] == ['/request_human{"handoff_team": "health"}',
                                                           '/request_human{"handoff_team": "social"}']
    queued = web_say(client, conversation, '/request_human{"handoff_team": "health"}')
    payload = handoff_payloads(queued["messages"])[0]
    assert payload["state"] == "queued" and payload["team"] == "health"
    assert isinstance(payload["position"], int) and isinstance(payload["estimated_wait_min"], int)
    relayed = web_say(client, conversation, "lapsella on ollut kuumetta kolme päivää")
    assert relayed.get("relayed") == "queued", "while waiting, messages go to the advisor"

    sari, ville, both = console_as("sari"), console_as("ville"), console_as("both")
    waiting = sari.get("/api/queue").json()["teams"]["health"]["waiting"]
    mine = next(c for c in waiting if "haluan puhua ihmisen kanssa" in c["summary"])
    assert mine["channel"] == "webchat" and mine["summary"].startswith("Syy: asukas pyysi ihmistä")
    assert "social" not in sari.get("/api/queue").json()["teams"]
    assert ville.post(f"/api/chats/{mine['id']}/claim").status_code == 403, "another team's chat"
    assert sari.post(f"/api/chats/{mine['id']}/reply", {"text": "hei"}).status_code == 409, "not claimed yet"
    assert sari.post(f"/api/chats/{mine['id']}/claim").json() == {"claimed": True, "chat": mine["id"]}
    assert both.post(f"/api/chats/{mine['id']}/claim").status_code == 409, "exactly one advisor gets it"
    wait_for(lambda: any(p["state"] == "connected" for p in handoff_payloads(history(client, conversation))),
             what="the resident is told an advisor joined")

    assert sari.post(f"/api/chats/{mine['id']}/reply", {"text": "Hei, olen Sari. Kerro lisää."}).status_code == 200
    advisor = wait_for(lambda: [m for m in history(client, conversation) if m["role"] == "advisor"],
                       what="the advisor's reply on the web")
    assert advisor[0]["text"] == "Hei, olen Sari. Kerro lisää." and advisor[0]["name"] == "Sari"
    web_say(client, conversation, "kuume on 39 astetta")
    detail = sari.get(f"/api/chats/{mine['id']}").json()
    texts = [(m["role"], m["text"]) for m in detail["transcript"]]
    assert ("resident", "haluan puhua ihmisen kanssa") in texts, "the bot part of the transcript"
    assert any(role == "bot" for role, _ in texts)
    assert texts[-3:] == [("resident", "lapsella on ollut kuumetta kolme päivää"),
                          ("advisor", "Hei, olen Sari. Kerro lisää."), ("resident", "kuume on 39 astetta")]
    assert sari.post(f"/api/chats/{mine['id']}/reply", {"text": " "}).status_code == 400
    assert sari.post(f"/api/chats/{mine['id']}/reply", {"text": "x" * 4001}).status_code == 413
    assert sari.post(f"/api/chats/{mine['id']}/close", {"outcome": "hacked"}).status_code == 400
    assert sari.post(f"/api/chats/{mine['id']}/close", {"outcome": "advice_given"}).json()["closed"] is True
    wait_for(lambda: any(p["state"] == "closed" for p in handoff_payloads(history(client, conversation))),
             what="the resident is told the chat ended")
    back = web_say(client, conversation, "kiitos")
    assert any(m["role"] == "bot" for m in back["messages"]), "the bot answers again"


def test_transfer_release_and_return_to_bot(stack, client, console_as):
    conversation, marker = queued_web_resident(client)
    sari, both = console_as("sari"), console_as("both")
    chat_id = chat_in_queue(sari, "health", marker)["id"]
    assert both.post(f"/api/chats/{chat_id}/claim").status_code == 200
    assert both.post(f"/api/chats/{chat_id}/transfer", {"team": "health"}).status_code == 400
    assert both.post(f"/api/chats/{chat_id}/transfer", {"team": "social"}).json()["transferred"] is True
    assert sari.get(f"/api/chats/{chat_id}").status_code == 403, "now the social team's chat"
    social = both.get("/api/queue").json()["teams"]["social"]["waiting"]
    assert chat_id in [c["id"] for c in social]
    assert both.post(f"/api/chats/{chat_id}/claim").status_code == 200
    assert both.post(f"/api/chats/{chat_id}/release").json() == {"released": True}
    assert both.post(f"/api/chats/{chat_id}/claim").status_code == 200
    assert both.post(f"/api/chats/{chat_id}/return").json()["outcome"] == "returned_to_bot"


def test_closed_team_offers_a_callback_request(stack, client, console_as):
    conversation = web_conversation(client)
    body = web_say(client, conversation, '/request_human{"handoff_team": "social"}')
    bot = [m for m in body["messages"] if m["role"] == "bot"]
    assert handoff_payloads(bot)[0] == {"type": "handoff", "state": "unavailable", "team": "social",
                                        "position": None, "estimated_wait_min": None}
    text = bot[0]["text"]
    assert "MIELI Kriisipuhelin (09 2525 0111)" in text and "Nollalinja (080 005 005)" in text
    assert [b["payload"] for b in bot[0]["buttons"]] == ["/request_callback", "/deny"]
    ask = web_say(client, conversation, "/request_callback")
    assert "Mihin numeroon" in ask["messages"][-1]["text"]
    bad = web_say(client, conversation, "soittakaa iltapäivällä")
    assert "En tunnistanut puhelinnumeroa" in bad["messages"][1]["text"]
    saved = web_say(client, conversation, "040 765 4321")
    assert "0407654321" in saved["messages"][-1]["text"] and "ma–pe" not in saved["messages"][-1]["text"]
    ville = console_as("ville")
    callbacks = ville.get("/api/queue").json()["callbacks"]
    mine = next(c for c in callbacks if c["phone"] == "0407654321")
    assert mine["team"] == "social" and "Syy: soittopyyntö" in mine["summary"]
    assert console_as("sari").post(f"/api/callbacks/{mine['id']}/done").status_code in (401, 403)
    assert ville.post(f"/api/callbacks/{mine['id']}/done").json() == {"done": True}
    assert mine["id"] not in [c["id"] for c in ville.get("/api/queue").json()["callbacks"]]


def test_two_failures_in_a_row_offer_an_advisor(client):
    conversation = web_conversation(client)
    first = web_say(client, conversation, "")  # nothing to understand: the first failure
    assert "en ymmärtänyt" in first["messages"][1]["text"]
    second = web_say(client, conversation, "qwrtp zxkvb hjklm")  # out of scope: a second failure
    texts = [m["text"] for m in second["messages"] if m["role"] == "bot"]
    assert texts[0].startswith("En näytä ymmärtävän") and "ihmisneuvojalle" in texts[1]


def test_concurrent_claims_over_http_exactly_one_advisor_gets_the_chat(client, console_as):
    """Two advisors' consoles, 20 claim requests at once (threads, separate connections)."""
    from concurrent.futures import ThreadPoolExecutor

    conversation, marker = queued_web_resident(client)
    consoles = [console_as("sari"), console_as("both")]
    chat_id = chat_in_queue(consoles[0], "health", marker)["id"]
    sessions = [Console(c.base, requests.Session(), c.csrf) for c in consoles for _ in range(10)]
    for session, source in zip(sessions, [c for c in consoles for _ in range(10)]):
        session.http.cookies.update(source.http.cookies)
    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(lambda c: c.post(f"/api/chats/{chat_id}/claim").status_code, sessions))
    assert sorted(statuses) == [200] + [409] * 19
    winner = next(c for c, s in zip(sessions, statuses) if s == 200)
    assert winner.post(f"/api/chats/{chat_id}/return").status_code == 200
