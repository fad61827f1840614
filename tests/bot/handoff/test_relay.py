"""The notifier and the relay against a real Redis of the tests' own and the fake Telegram Bot API:
queue status and advisor replies reach web and Telegram residents, and nothing is lost when a
delivery fails or the process dies between taking and acknowledging a message."""
from __future__ import annotations

import asyncio
import json

import pytest
import redis

from bot import redis_keys as keys
from bot.handoff.notifier import Notifier
from bot.handoff.queue import HandoffQueue
from bot.settings import TelegramSettings
from channels import relay as relay_module
from channels.outbox import WebOutbox
from channels.relay import Relay
from tests.conftest import TELEGRAM_TOKEN

_LOOP = asyncio.new_event_loop()  # asyncio Redis clients belong to the loop that made them


def run(coroutine):
    return _LOOP.run_until_complete(coroutine)


@pytest.fixture
def parts(redis_server, telegram_api):
    redis.Redis.from_url(redis_server).flushdb()  # our own test server: nobody else's data
    queue = HandoffQueue(redis_server)
    telegram = TelegramSettings(token=TELEGRAM_TOKEN, mode="webhook", webhook_url=None, secret_token=None,
                                api_base_url=telegram_api.base_url)
    relay = Relay(redis_server, telegram, consumer="test-relay")
    notifier = Notifier(queue, consumer="test-notifier")
    web = WebOutbox(redis_server)
    run(notifier.ensure_group())
    run(relay.ensure_group())
    yield queue, notifier, relay, web
    run(queue.close_client())
    run(relay.close())
    run(web.close())


def drain(notifier: Notifier, relay: Relay) -> None:
    run(notifier.process(">"))
    run(relay.process())


def test_web_resident_gets_position_updates_connected_advisor_reply_and_closed(parts):
    queue, notifier, relay, web = parts
    first = run(queue.enqueue("web-aaa", "webchat", "health", "ROUTINE", check_hours=False)).chat
    second = run(queue.enqueue("web-bbb", "webchat", "health", "ROUTINE", check_hours=False)).chat
    run(queue.mark_notified(first.id, 1, 8))
    run(queue.mark_notified(second.id, 2, 16))
    drain(notifier, relay)
    assert run(web.read("web-bbb")) == [], "nothing changed for the second resident"
    # a more urgent chat goes first: the others are told their new place
    run(queue.enqueue("web-ccc", "webchat", "health", "SAME_DAY", check_hours=False))
    drain(notifier, relay)
    update = run(web.read("web-bbb"))[-1]
    assert update["custom"] == {"type": "handoff", "state": "queued", "team": "health", "position": 3,
                                "estimated_wait_min": 24}
    assert "sijalla 3" in update["text"]

    assert run(queue.claim(first.id, "sari", "Sari"))
    drain(notifier, relay)
    connected = run(web.read("web-aaa"))[-1]
    assert connected["custom"]["state"] == "connected" and "Sari" in connected["text"]
    assert run(web.read("web-bbb"))[-1]["custom"]["position"] == 2

    chat = run(queue.chat(first.id))
    run(queue.reply(chat, "sari", "<b>Hei</b>, olen Sari.", "Sari"))
    drain(notifier, relay)
    reply = run(web.read("web-aaa"))[-1]
    assert reply == {**reply, "role": "advisor", "name": "Sari", "text": "<b>Hei</b>, olen Sari."}
    assert [m["role"] for m in run(queue.messages(first.id))] == ["advisor"]

    run(queue.close(first.id, "returned_to_bot", by="sari"))
    drain(notifier, relay)
    closed = run(web.read("web-aaa"))[-1]
    assert closed["custom"]["state"] == "closed" and "palautti keskustelun minulle" in closed["text"]
    assert run(queue.client.xlen(keys.handoff_outbound())) == 0, "delivered entries are removed"


def test_telegram_advisor_reply_is_retried_until_telegram_answers(parts, telegram_api, monkeypatch):
    queue, notifier, relay, web = parts
    monkeypatch.setattr(relay_module, "RETRY_IDLE_MS", 0)
    chat = run(queue.enqueue("telegram-424242", "neuvokas_telegram", "health", check_hours=False)).chat
    run(queue.claim(chat.id, "sari", "Sari"))
    drain(notifier, relay)
    telegram_api.wait_for(424242, 1)
    chat = run(queue.chat(chat.id))
    telegram_api.fail_next("sendMessage", times=4, status=502)  # every try of one delivery fails
    run(queue.reply(chat, "sari", "Miten voin auttaa?", "Sari"))
    assert run(relay.process()) == 0
    assert run(queue.client.xpending(keys.handoff_outbound(), relay_module.GROUP))["pending"] == 1
    # another relay process (the console restarted) takes over the pending entry and delivers it
    other = Relay(relay.redis_url, relay.telegram, consumer="another-process")
    try:
        assert run(other.retry_pending()) == 1
    finally:
        run(other.close())
    sent = telegram_api.wait_for(424242, 2)
    assert sent[-1].params["text"] == "👤 Neuvoja Sari:\nMiten voin auttaa?"
    assert run(relay.retry_pending()) == 0, "delivered once, not twice"


def test_a_delivered_entry_that_was_not_acknowledged_is_not_sent_twice(parts, telegram_api, monkeypatch):
    queue, notifier, relay, web = parts
    monkeypatch.setattr(relay_module, "RETRY_IDLE_MS", 0)
    chat = run(queue.enqueue("web-ddd", "webchat", "health", check_hours=False)).chat
    run(queue.claim(chat.id, "sari"))
    chat = run(queue.chat(chat.id))
    entry = run(queue.reply(chat, "sari", "yksi viesti"))
    outbound_id = run(queue.client.xrevrange(keys.handoff_outbound(), count=1))[0][0]
    # delivered, then the process died before XACK: only the delivered-marker is left behind
    run(relay.client.xreadgroup(relay_module.GROUP, "dead", {keys.handoff_outbound(): ">"}, count=10))
    run(relay.deliver(run(queue.client.xrange(keys.handoff_outbound()))[0][1]))
    run(relay.client.set(keys.handoff_delivered(outbound_id), "1"))
    assert entry
    run(relay.retry_pending())
    texts = [m["text"] for m in run(web.read("web-ddd")) if m["role"] == "advisor"]
    assert texts == ["yksi viesti"]


def test_notifier_takes_over_events_left_pending_by_a_dead_process(parts):
    queue, notifier, relay, web = parts
    chat = run(queue.enqueue("web-eee", "webchat", "health", check_hours=False)).chat
    run(queue.mark_notified(chat.id, 1, 8))  # the bot's answer told the place (actions/handoff_actions.py)
    run(notifier.process(">"))
    run(queue.claim(chat.id, "sari", "Sari"))
    # a process took the "claimed" event and died before acknowledging it
    run(queue.client.xreadgroup("notify", "dead", {keys.handoff_events(): ">"}, count=10))
    run(notifier.process_pending())
    run(relay.process())
    assert [m["custom"]["state"] for m in run(web.read("web-eee"))] == ["connected"]
    assert run(queue.client.xpending(keys.handoff_events(), "notify"))["pending"] == 0
    assert json.loads(json.dumps(run(web.read("web-eee"))))  # plain JSON for the browser
