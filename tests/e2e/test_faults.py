"""Faults: Redis down, the action server down; each is stopped (SIGKILL) and started again while
residents keep writing. The bot keeps answering what it can, says clearly what it cannot, and
recovers by itself. Runs with the restart tests, after every other test."""
from __future__ import annotations

import json
import time
import uuid

import pytest
import redis

from tests.channels.test_telegram import Telegram, _ids

pytestmark = pytest.mark.restarts
RED_FLAG = "rintaan sattuu kovasti ja hengitys ei kulje"


def web_session(client) -> str:
    return client.post("/webhooks/webchat/session", b"").body["conversation"]


def web_say(client, conversation: str, message: str):
    reply = client.post("/webhooks/webchat/webhook", json.dumps({"conversation": conversation, "message": message,
                                                                 "client_id": uuid.uuid4().hex}).encode())
    assert reply.status == 200, reply.body
    return [m for m in reply.body["messages"] if m["role"] == "bot"]


def handoff_state(messages) -> str | None:
    return next((m["custom"]["state"] for m in messages if (m.get("custom") or {}).get("type") == "handoff"), None)


def texts(messages) -> str:
    return " ".join(m.get("text") or "" for m in messages)


def eventually(check, timeout: float = 60, what: str = "recovery"):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {timeout:.0f} s")
        time.sleep(1)


def test_redis_down_the_bot_answers_and_tells_who_asks_for_a_person_to_phone(stack, client, telegram_api):
    telegram = Telegram(client, telegram_api)
    conversation = web_session(client)
    stack.halt("redis")  # SIGKILL
    try:
        started = time.monotonic()
        service = client.rest(f"fault-{uuid.uuid4().hex}", "Imatran terveysaseman puhelinnumero")
        assert service.status == 200 and service.custom("services")["items"], "service questions are answered"
        triage = client.rest(f"fault-{uuid.uuid4().hex}", "mulla on ollut kuumetta neljä päivää")
        assert triage.custom("triage")["protocol"] == "fever", "triage runs"
        assert web_say(client, conversation, "moi"), "the web chat answers (without its stream)"
        person = web_say(client, conversation, '/request_human{"handoff_team": "health"}')
        assert handoff_state(person) == "unavailable"
        assert "116117" in texts(person) and "112" in texts(person), "phone services instead of a queue"
        emergency = web_say(client, conversation, RED_FLAG)
        assert "112" in texts(emergency)
        chat_id = next(_ids)
        assert telegram.say(chat_id, "Imatran terveysaseman puhelinnumero"), "Telegram answers too"
        print(f"\nRedis down: 6 turns answered in {time.monotonic() - started:.1f} s")
    finally:
        stack.resume("redis")

    # Redis is back: the queue works again without restarting anything
    started = time.monotonic()
    queued = eventually(lambda: handoff_state(web_say(client, web_session(client),
                                                      '/request_human{"handoff_team": "health"}')) == "queued",
                        what="queueing after Redis came back")
    print(f"Redis back: queueing works again after {time.monotonic() - started:.1f} s")
    assert queued
    r = redis.Redis.from_url(stack.redis_url, decode_responses=True)
    assert r.ping()


def test_action_server_down_the_bot_says_so_politely_and_recovers(stack, client):
    sender = f"fault-{uuid.uuid4().hex}"
    stack.halt("actions")  # SIGKILL
    try:
        reply = client.rest(sender, "Imatran terveysaseman puhelinnumero")
        assert reply.status == 200
        said = " ".join(reply.texts)
        assert "tilapäisesti poissa käytöstä" in said and "116117" in said and "112" in said
        assert said.count("tilapäisesti") == 1, "said once, not once per retried prediction"
        emergency = client.rest(sender, RED_FLAG)
        assert any("112" in t for t in emergency.texts), "red flags need no action server"
        web = web_say(client, web_session(client), "neuvola Taavetissa")
        assert "tilapäisesti poissa käytöstä" in texts(web)
    finally:
        stack.resume("actions")
    reply = eventually(lambda: (lambda r: r if r.custom("services") else None)(
        client.rest(f"fault-{uuid.uuid4().hex}", "Imatran terveysaseman puhelinnumero")), what="service answers")
    assert reply.custom("services")["municipality"] == "Imatra"
    assert not any("poissa käytöstä" in t for t in reply.texts)


def test_console_down_the_bot_is_not_affected(stack, client):
    stack.halt("console")
    try:
        reply = client.rest(f"fault-{uuid.uuid4().hex}", "Imatran terveysaseman puhelinnumero")
        assert reply.custom("services")["items"]
        queued = web_say(client, web_session(client), '/request_human{"handoff_team": "health"}')
        assert handoff_state(queued) == "queued", "residents still queue; advisors see them when it is back"
    finally:
        stack.resume("console")
