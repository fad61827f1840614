"""The handoff gate in the real channels: while a chat is queued or claimed, the resident's
messages go to the advisor's log and not to the bot; a red flag still gets 112 at once."""
from __future__ import annotations

import asyncio
import json

from bot.handoff.queue import HandoffQueue
from tests.channels.test_telegram import Telegram, _ids

WEB = "/webhooks/webchat"


def on_queue(redis_url: str, action):
    """Runs `action(queue)` on a queue client of its own, in a loop of its own."""
    async def go():
        queue = HandoffQueue(redis_url)
        try:
            return await action(queue)
        finally:
            await queue.close_client()

    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(go())
    finally:
        loop.close()


def test_web_messages_go_to_the_advisor_while_queued_and_red_flags_still_get_112(client, stack):
    conversation = client.post(WEB + "/session", b"").body["conversation"]
    sender = "web-" + conversation.split(".")[0]
    chat = on_queue(stack.redis_url, lambda q: q.enqueue(sender, "webchat", "health", "SAME_DAY",
                                                         check_hours=False)).chat

    def post(message: str):
        return client.post(WEB + "/webhook", json.dumps({"conversation": conversation, "message": message}).encode())

    relayed = post("onko ketään paikalla?")
    assert relayed.status == 200 and relayed.body["relayed"] == "queued"
    assert [m["role"] for m in relayed.body["messages"]] == ["user"], "the bot does not answer"
    emergency = post("nyt rintaa puristaa kovasti")
    assert any((m.get("custom") or {}).get("type") == "emergency" for m in emergency.body["messages"])
    log = on_queue(stack.redis_url, lambda q: q.messages(chat.id))
    assert [m["text"] for m in log] == ["onko ketään paikalla?", "nyt rintaa puristaa kovasti"]

    on_queue(stack.redis_url, lambda q: q.close(chat.id, "returned_to_bot"))
    back = post("moi")
    assert any(m["role"] == "bot" for m in back.body["messages"]), "the bot answers again"


def test_telegram_messages_go_to_the_advisor_while_claimed(client, stack, telegram_api):
    telegram = Telegram(client, telegram_api)
    chat_id = next(_ids)
    sender = f"telegram-{chat_id}"

    async def enqueue_and_claim(q: HandoffQueue):
        chat = (await q.enqueue(sender, "telegram", "social", check_hours=False)).chat
        await q.claim(chat.id, "sari")
        return chat

    chat = on_queue(stack.redis_url, enqueue_and_claim)
    assert telegram.say(chat_id, "kiitos kun vastasit") == []
    sent = telegram.say(chat_id, "mies uhkaa minua veitsellä nyt")
    assert sent and sent[0]["text"].startswith("🚨")
    log = on_queue(stack.redis_url, lambda q: q.messages(chat.id))
    assert [m["text"] for m in log] == ["kiitos kun vastasit", "mies uhkaa minua veitsellä nyt"]
    on_queue(stack.redis_url, lambda q: q.close(chat.id, "advice_given", by="sari"))
    assert telegram.say(chat_id, "moi"), "the bot answers again after the chat is closed"
