"""The handoff queue against a real Redis server of the tests' own (flushed between tests)."""
from __future__ import annotations

import asyncio
import threading
from datetime import datetime

import pytest
import redis

from bot.directory.hours import HELSINKI
from bot.handoff.config import load, parse
from bot.handoff.queue import HandoffQueue, Outcome, State


class Clock:
    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def queue(redis_server, clock):
    redis.Redis.from_url(redis_server).flushdb()  # our own test server: nobody else's data
    q = HandoffQueue(redis_server, clock=clock)
    yield q
    run(q.close_client())


_LOOP = asyncio.new_event_loop()  # an asyncio Redis client belongs to the loop that made it


def run(coroutine):
    return _LOOP.run_until_complete(coroutine)


def run_in_new_loop(coroutine):
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()


async def _fill(q: HandoffQueue, clock: Clock, items: list[tuple[str, str | None]], team: str = "health"):
    chats = []
    for conversation, level in items:
        clock.now += 1
        chats.append((await q.enqueue(conversation, "webchat", team, level, check_hours=False)).chat)
    return chats


def test_order_is_urgency_then_waiting_time(queue, clock):
    async def scenario():
        await _fill(queue, clock, [("a", "ROUTINE"), ("b", "SAME_DAY"), ("c", None), ("d", "EMERGENCY_DEPT"),
                                   ("e", "SAME_DAY"), ("f", "SELF_CARE")])
        return [c.conversation for c in await queue.waiting("health")]

    assert run(scenario()) == ["d", "b", "e", "a", "c", "f"]


def test_position_and_wait_estimate(queue, clock):
    async def scenario():
        chats = await _fill(queue, clock, [("a", None), ("b", None), ("c", None)])
        positions = [await queue.position(c.id) for c in chats]
        default_wait = await queue.estimated_wait_min("health", 3)
        # two handled chats of 4 and 6 minutes, and two advisors online
        for conversation, minutes in (("x", 4), ("y", 6)):
            chat = (await queue.enqueue(conversation, "webchat", "health", check_hours=False)).chat
            await queue.claim(chat.id, "sari")
            clock.now += minutes * 60
            await queue.close(chat.id, "advice_given", by="sari")
        await queue.heartbeat("sari", ["health"])
        await queue.heartbeat("pekka", ["health"])
        return positions, default_wait, await queue.estimated_wait_min("health", 3)

    positions, default_wait, learned = run(scenario())
    assert positions == [1, 2, 3]
    assert default_wait == 3 * load().default_handling_minutes
    assert learned == round(3 * 5 / 2)


def test_enqueue_twice_returns_the_same_chat(queue, clock):
    async def scenario():
        first = await queue.enqueue("a", "webchat", "health", check_hours=False)
        second = await queue.enqueue("a", "webchat", "social", check_hours=False)
        return first, second

    first, second = run(scenario())
    assert first.outcome == Outcome.QUEUED and second.outcome == Outcome.ALREADY
    assert second.chat.id == first.chat.id and second.position == 1


def test_full_queue_and_closed_hours(redis_server, clock):
    redis.Redis.from_url(redis_server).flushdb()
    raw = {"max_queue": 2, "claim_timeout_seconds": 60, "advisor_online_seconds": 60, "default_handling_minutes": 5,
           "recent_handled": 5, "outcomes": ["advice_given"],
           "teams": {"social": {"name": "S", "hours": {"mon-fri": "08:00-16:00"}, "holidays": "closed"}}}
    q = HandoffQueue(redis_server, config=parse(raw), clock=clock)

    async def scenario():
        results = [await q.enqueue(c, "webchat", "social", check_hours=False) for c in ("a", "b", "c")]
        await q.close_client()
        return [r.outcome for r in results]

    assert run(scenario()) == [Outcome.QUEUED, Outcome.QUEUED, Outcome.FULL]
    team = parse(raw).team("social")
    assert team.is_open(datetime(2026, 11, 23, 9, 0, tzinfo=HELSINKI))        # Monday
    assert not team.is_open(datetime(2026, 11, 23, 16, 0, tzinfo=HELSINKI))   # closing time
    assert not team.is_open(datetime(2026, 11, 22, 12, 0, tzinfo=HELSINKI))   # Sunday
    assert not team.is_open(datetime(2026, 12, 24, 9, 0, tzinfo=HELSINKI))    # Christmas Eve
    assert load().team("health").is_open(datetime(2026, 12, 24, 11, 0, tzinfo=HELSINKI))


def test_claim_is_atomic_under_many_concurrent_claims(queue, clock, redis_server):
    """50 advisors, each with its own connection, click the same chat at once: one gets it."""
    chat = run(queue.enqueue("racy", "webchat", "health", check_hours=False)).chat
    results: list[bool] = []
    barrier = threading.Barrier(10)

    def advisor_group(group: int) -> None:
        async def claims():
            queues = [HandoffQueue(redis_server, clock=clock) for _ in range(5)]
            await asyncio.gather(*(q.client.ping() for q in queues))
            barrier.wait()
            got = await asyncio.gather(*(q.claim(chat.id, f"advisor-{group}-{i}") for i, q in enumerate(queues)))
            await asyncio.gather(*(q.close_client() for q in queues))
            return got

        results.extend(run_in_new_loop(claims()))

    threads = [threading.Thread(target=advisor_group, args=(g,)) for g in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == 50 and results.count(True) == 1
    claimed = run(queue.chat(chat.id))
    assert claimed.state == State.CLAIMED and claimed.advisor.startswith("advisor-")
    assert run(queue.waiting("health")) == []


def test_silent_advisor_loses_the_chat_to_the_queue(queue, clock):
    async def scenario():
        a, b = await _fill(queue, clock, [("a", None), ("b", "SAME_DAY")])
        await queue.claim(a.id, "sari")
        await queue.claim(b.id, "pekka")
        clock.now += 200
        await queue.touch(b.id)                     # pekka is active, sari is not
        clock.now += load().claim_timeout_seconds - 100
        returned = await queue.requeue_stale()
        return a, b, returned, await queue.chat(a.id), await queue.chat(b.id), await queue.position(a.id)

    a, b, returned, a_now, b_now, position = run(scenario())
    assert returned == [a.id]
    assert a_now.state == State.QUEUED and a_now.advisor == "" and position == 1
    assert b_now.state == State.CLAIMED and b_now.advisor == "pekka"


def test_transfer_keeps_the_waiting_time(queue, clock):
    async def scenario():
        old, = await _fill(queue, clock, [("old", None)], team="health")
        await _fill(queue, clock, [("s1", None), ("s2", None)], team="social")
        await queue.claim(old.id, "sari")
        assert await queue.transfer(old.id, "social", by="sari")
        return [c.conversation for c in await queue.waiting("social")], await queue.waiting("health")

    social, health = run(scenario())
    assert social == ["old", "s1", "s2"] and health == []


def test_close_and_return_to_bot_free_the_conversation(queue, clock):
    async def scenario():
        chat = (await queue.enqueue("a", "webchat", "health", check_hours=False)).chat
        await queue.claim(chat.id, "sari")
        assert await queue.active_chat("a") is not None
        assert await queue.close(chat.id, "returned_to_bot", by="sari")
        again = await queue.close(chat.id, "advice_given", by="sari")
        return await queue.active_chat("a"), again, await queue.chat(chat.id)

    active, again, closed = run(scenario())
    assert active is None and again is False and closed.state == State.CLOSED
    with pytest.raises(ValueError):
        run_in_new_loop(HandoffQueue("redis://127.0.0.1:1/0").close("x", "made_up"))


def test_message_log_of_a_chat(queue, clock):
    async def scenario():
        chat = (await queue.enqueue("a", "webchat", "health", check_hours=False)).chat
        first = await queue.add_message(chat.id, "resident", "Hei, onko ketään?")
        await queue.add_message(chat.id, "advisor", "<b>Hei</b>, täällä Sari.", author="sari")
        return await queue.messages(chat.id), await queue.messages(chat.id, after=first)

    everything, later = run(scenario())
    assert [(m["role"], m["text"]) for m in everything] == [("resident", "Hei, onko ketään?"),
                                                            ("advisor", "<b>Hei</b>, täällä Sari.")]
    assert [m["author"] for m in later] == ["sari"]
    with pytest.raises(ValueError):
        run(queue.add_message("x", "bot", "?"))


def test_callback_requests(queue, clock):
    async def scenario():
        first = await queue.request_callback("a", "social", "040 123 4567", "aamupäivällä", "toimeentulo")
        clock.now += 5
        await queue.request_callback("b", "health", "050 765 4321")
        social = await queue.callbacks("social")
        assert await queue.resolve_callback(first, by="sari")
        return social, await queue.callbacks("social"), await queue.callbacks("social", state="done")

    social, open_now, done = run(scenario())
    assert [c["phone"] for c in social] == ["040 123 4567"] and open_now == []
    assert done[0]["handled_by"] == "sari"


def test_callback_requests_expire_after_the_retention_period(queue, clock):
    async def scenario():
        handled = await queue.request_callback("a", "social", "040 123 4567")
        await queue.resolve_callback(handled, by="sari")
        clock.now += 20 * 86400
        waiting = await queue.request_callback("b", "health", "050 765 4321")
        fresh = await queue.request_callback("c", "health", "050 111 2222")
        await queue.resolve_callback(fresh, by="sari")
        clock.now += 11 * 86400  # the first is 31 days old, the others 11
        first = await queue.expire_callbacks()
        clock.now += 20 * 86400  # the second and third are 31 days old
        second = await queue.expire_callbacks()
        return first, second, await queue.callbacks("health") + await queue.callbacks("health", state="done")

    first, second, left = run(scenario())
    assert (first, second, left) == (1, 2, [])


def test_a_closed_chat_expires_after_the_retention_period(queue):
    chat = run(queue.enqueue("web-retention", "webchat", "health", check_hours=False)).chat
    run(queue.claim(chat.id, "sari"))
    run(queue.add_message(chat.id, "resident", "hei"))
    run(queue.close(chat.id, "advice_given"))
    ttl = run(queue.client.ttl(f"neuvokas:handoff:chat:{chat.id}"))
    assert 29 * 86400 < ttl <= 30 * 86400
    assert 29 * 86400 < run(queue.client.ttl(f"neuvokas:handoff:messages:{chat.id}")) <= 30 * 86400
