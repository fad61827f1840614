"""Abuse limits on the public channels of the running stack: per resident and per address rate
limits (with their Finnish explanation, and never in the way of a red flag), body size limits.

The stack trusts X-Forwarded-For from 127.0.0.1 (as from a load balancer), so these requests come
from documentation addresses (RFC 5737); the rest of the suite's own traffic, from 127.0.0.1
itself, is exempt (NEUVOKAS_RATE_LIMIT_EXEMPT), as an operator's own monitoring would be.
"""
from __future__ import annotations

import itertools
import json
import urllib.error
import urllib.request

from tests.channels.test_telegram import Telegram, _ids

WEB = "/webhooks/webchat"
REST = "/webhooks/rest/webhook"
_addresses = (f"198.51.100.{n}" for n in itertools.count(10))
RED_FLAG = "rintaan sattuu kovasti ja hengitys ei kulje"


def post(client, path: str, body: dict | bytes, address: str) -> tuple[int, dict, dict]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(client.base + path, data=data, method="POST",
                                     headers={"Content-Type": "application/json", "X-Forwarded-For": address})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null"), dict(response.headers)
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            parsed = json.loads(raw or b"null")
        except json.JSONDecodeError:
            parsed = {"raw": raw.decode("utf-8", "replace")}
        return error.code, parsed, dict(error.headers)


def new_conversation(client, address: str) -> str:
    status, body, _ = post(client, f"{WEB}/session", b"", address)
    assert status == 200
    return body["conversation"]


def test_a_web_resident_writing_too_fast_is_asked_to_wait_but_a_red_flag_is_still_answered(client):
    address = next(_addresses)
    conversation = new_conversation(client, address)
    statuses = [post(client, f"{WEB}/webhook", {"conversation": conversation, "message": f"hei {n}"}, address)[0]
                for n in range(30)]
    assert statuses == [200] * 30, "30 messages a minute are allowed"
    status, body, headers = post(client, f"{WEB}/webhook", {"conversation": conversation, "message": "hei taas"}, address)
    assert status == 429
    assert "Odota" in body["error"] and "112" in body["error"]
    assert 1 <= int(headers["Retry-After"]) <= 60
    status, body, _ = post(client, f"{WEB}/webhook", {"conversation": conversation, "message": RED_FLAG}, address)
    assert status == 200, "red flags always win"
    assert any("112" in (m.get("text") or "") for m in body["messages"] if m["role"] == "bot")
    # another resident on the same address is not held back by the first one
    other = new_conversation(client, address)
    assert post(client, f"{WEB}/webhook", {"conversation": other, "message": "hei"}, address)[0] == 200


def test_one_address_is_limited_across_conversations(client):
    address = next(_addresses)
    statuses = [post(client, f"{WEB}/session", b"", address)[0] for _ in range(301)]
    assert statuses[:300] == [200] * 300 and statuses[300] == 429
    status, body, _ = post(client, f"{WEB}/webhook", {"conversation": "x", "message": "hei"}, address)
    assert status == 429 and "Odota" in body["error"]
    assert post(client, f"{WEB}/session", b"", next(_addresses))[0] == 200, "other addresses go on"
    assert client.post(f"{WEB}/session", b"").status == 200, "the exempt address goes on"


def test_a_rest_sender_is_limited_too(client, sender):
    address = next(_addresses)
    statuses = [post(client, REST, {"sender": sender, "message": "hei"}, address)[0] for _ in range(31)]
    assert statuses == [200] * 30 + [429]
    status, body, _ = post(client, REST, {"sender": sender, "message": RED_FLAG}, address)
    assert status == 200 and any("112" in (m.get("text") or "") for m in body)


def test_a_telegram_chat_is_told_once_and_then_dropped_quietly(client, telegram_api):
    telegram = Telegram(client, telegram_api)
    chat_id = next(_ids)
    for n in range(30):
        assert telegram.say(chat_id, f"hei {n}"), "answered"
    told = telegram.say(chat_id, "hei taas")
    assert len(told) == 1 and "Odota" in told[0]["text"]
    assert telegram.say(chat_id, "ja taas") == [], "said once per window"
    urgent = telegram.say(chat_id, RED_FLAG)
    assert any("112" in m["text"] for m in urgent), "red flags always win"


def test_webhook_bodies_over_64_kb_are_refused_before_any_handler(client):
    big = b'{"sender": "s", "message": "' + b"a" * 70_000 + b'"}'
    for path in (REST, f"{WEB}/webhook", f"{WEB}/feedback", "/webhooks/neuvokas_telegram/webhook"):
        status, body, _ = post(client, path, big, "127.0.0.1")
        assert status == 413, path
    status, _, _ = post(client, REST, b"x" * 1_200_000, "127.0.0.1")
    assert status == 413, "over Sanic's 1 MB limit"


def test_pages_carry_security_headers(client):
    with urllib.request.urlopen(client.base + f"{WEB}/", timeout=10) as response:
        headers = response.headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "no-referrer"
