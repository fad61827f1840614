"""Nothing is lost: chats in the queue, chats with an advisor and undelivered advisor messages
survive a crash (SIGKILL) and restart of Redis (append-only file on), the advisor console, the
Rasa server and the action server. Runs last: it restarts the shared stack's processes."""
from __future__ import annotations

import json
import time

import pytest
import redis

from bot import redis_keys as keys
from tests.channels.test_telegram import Telegram, _ids, _keyboard
from tests.console.helpers import login
from tests.console.test_console_api import handoff_payloads, history, wait_for, web_conversation, web_say

pytestmark = pytest.mark.restarts


def state_of(r: redis.Redis, chat_id: str) -> str:
    return r.hget(keys.handoff_chat(chat_id), "state")


def test_queue_claims_and_undelivered_messages_survive_killing_every_process(stack, client, telegram_api, accounts):
    r = redis.Redis.from_url(stack.redis_url, decode_responses=True)
    sari = login(stack, "sari")

    # resident A waits in the web chat; resident B on Telegram is with Sari
    a = web_conversation(client)
    web_say(client, a, "haluan puhua ihmisen kanssa, testi A")
    a_position = handoff_payloads(web_say(client, a, '/request_human{"handoff_team": "health"}')["messages"])[0]["position"]
    telegram = Telegram(client, telegram_api)
    b = next(_ids)
    sent = telegram.say(b, "haluan puhua hoitajalle, testi B")
    button = next(x for p in sent for x in _keyboard(p) if x["text"] == "Terveys ja oireet")
    telegram.press(b, button["callback_data"])
    waiting = {c["summary"]: c for c in sari.get("/api/queue").json()["teams"]["health"]["waiting"]}
    a_chat = next(c for s, c in waiting.items() if "testi A" in s)
    b_chat = next(c for s, c in waiting.items() if "testi B" in s)
    before = len(telegram_api.sent(b))
    assert sari.post(f"/api/chats/{b_chat['id']}/claim").status_code == 200
    telegram_api.wait_for(b, before + 1)  # "Neuvoja Sari on nyt mukana"

    # Telegram is unreachable: Sari's reply cannot be delivered yet
    telegram_api.fail_next("sendMessage", times=10_000, status=502)
    assert sari.post(f"/api/chats/{b_chat['id']}/reply", {"text": "Tämä viesti ei saa kadota."}).status_code == 200
    wait_for(lambda: r.xpending(keys.handoff_outbound(), "delivery")["pending"] >= 1, what="a pending delivery")

    # 1. Redis: SIGKILL, after the append-only file's one-second fsync window
    time.sleep(1.5)
    stack.restart("redis")
    r = redis.Redis.from_url(stack.redis_url, decode_responses=True)
    assert state_of(r, a_chat["id"]) == "queued" and state_of(r, b_chat["id"]) == "claimed"
    assert r.zrank(keys.handoff_queue("health"), a_chat["id"]) is not None
    assert r.xlen(keys.handoff_outbound()) >= 1, "the undelivered reply survived"
    assert sari.get("/api/me").status_code == 200, "the advisor's session survived too"

    # 2. the console (it runs the relay): SIGKILL, restart, then Telegram comes back
    stack.restart("console")
    before = len(telegram_api.sent(b))
    with telegram_api._lock:
        telegram_api.failures.clear()
    delivered = telegram_api.wait_for(b, before + 1, timeout=60)
    assert delivered[-1].params["text"].endswith("Tämä viesti ei saa kadota.")
    time.sleep(6)  # past the relay's retry interval: it must not be sent again
    copies = [c for c in telegram_api.sent(b) if c.params["text"].endswith("Tämä viesti ei saa kadota.")]
    assert len(copies) == 1

    # 3. the Rasa server: SIGKILL, restart; the gate still relays A's messages to the advisors
    stack.restart("rasa")
    relayed = web_say(client, a, "odotan vielä")
    assert relayed.get("relayed") == "queued"
    assert telegram.say(b, "kiitos viestistä") == [], "B is still with the advisor"

    # 4. the action server: SIGKILL, restart; a new resident queues behind A
    stack.restart("actions")
    c = web_conversation(client)
    c_payload = handoff_payloads(web_say(client, c, '/request_human{"handoff_team": "health"}')["messages"])[0]
    assert c_payload["state"] == "queued" and c_payload["position"] > r.zrank(keys.handoff_queue("health"), a_chat["id"])

    # everything still works end to end, and the transcript kept both parts
    detail = sari.get(f"/api/chats/{b_chat['id']}").json()
    texts = [m["text"] for m in detail["transcript"]]
    assert "haluan puhua hoitajalle, testi B" in texts and "kiitos viestistä" in texts
    assert "Tämä viesti ei saa kadota." in texts
    assert sari.post(f"/api/chats/{b_chat['id']}/return").status_code == 200
    assert sari.post(f"/api/chats/{a_chat['id']}/claim").status_code == 200
    assert sari.post(f"/api/chats/{a_chat['id']}/close", {"outcome": "advice_given"}).status_code == 200
    wait_for(lambda: any(p["state"] == "closed" for p in handoff_payloads(history(client, a))), what="A told")
    assert any(m["role"] == "bot" for m in web_say(client, a, "kiitos")["messages"]), "the bot resumes for A"
    print("\nkill tests: redis, console, rasa and action server each SIGKILLed and restarted; "
          f"A queued at {a_position} kept its place, B stayed claimed, the reply was delivered once")
    json.dumps(detail)
