"""The shared lock store against a real Redis server: tickets stay unique when several Rasa
servers take messages of one conversation at once, and it keeps working when Redis is down."""
from __future__ import annotations

import asyncio
import threading
import urllib.parse

import redis

from bot.locks import SharedLockStore
from bot.stack import free_port


def store_for(url: str) -> SharedLockStore:
    parsed = urllib.parse.urlparse(url)
    return SharedLockStore(host=parsed.hostname, port=parsed.port, key_prefix="neuvokas")


def test_tickets_are_unique_across_stores_racing_on_one_conversation(redis_server):
    stores = [store_for(redis_server) for _ in range(4)]  # four "Rasa servers"
    tickets: list[int] = []
    guard = threading.Lock()

    def issue(store: SharedLockStore) -> None:
        for _ in range(50):
            ticket = store.issue_ticket("race-conversation")
            with guard:
                tickets.append(ticket)

    threads = [threading.Thread(target=issue, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(tickets) == list(range(200)), "no ticket drawn twice, none skipped"
    lock = stores[0].get_lock("race-conversation")
    assert len(lock.tickets) == 200
    for ticket in tickets:
        stores[ticket % 4].cleanup("race-conversation", ticket)
    assert stores[0].get_lock("race-conversation") is None, "the lock goes with the last ticket"


def test_messages_of_one_conversation_run_one_at_a_time_in_ticket_order(redis_server):
    stores = [store_for(redis_server) for _ in range(2)]
    running, order, overlaps = [0], [], []

    async def handle(store: SharedLockStore, number: int) -> None:
        async with store.lock("ordered-conversation", wait_time_in_seconds=0.02):
            running[0] += 1
            if running[0] > 1:
                overlaps.append(number)
            order.append(number)
            await asyncio.sleep(0.01)
            running[0] -= 1

    async def main() -> None:
        tasks = []
        for number in range(20):
            tasks.append(asyncio.create_task(handle(stores[number % 2], number)))
            await asyncio.sleep(0.001)  # arrival order
        await asyncio.gather(*tasks)

    asyncio.run(main())
    assert overlaps == []
    assert order == list(range(20))


def test_the_lock_key_expires_and_carries_the_prefix(redis_server):
    store = store_for(redis_server)
    store.issue_ticket("ttl-conversation")
    client = redis.Redis.from_url(redis_server)
    assert 0 < client.ttl("neuvokas:lock:ttl-conversation") <= 600


def test_without_redis_the_lock_lives_in_memory_and_the_turn_still_runs():
    store = SharedLockStore(host="127.0.0.1", port=free_port(), key_prefix="neuvokas")  # nothing listens

    async def turn() -> str:
        async with store.lock("offline-conversation", wait_time_in_seconds=0.01):
            return "answered"

    assert asyncio.run(turn()) == "answered"
    assert store.memory.get_lock("offline-conversation") is None, "released after the turn"


def test_a_conversation_goes_back_to_redis_when_it_returns(redis_server):
    parsed = urllib.parse.urlparse(redis_server)
    store = SharedLockStore(host="127.0.0.1", port=free_port(), key_prefix="neuvokas")
    ticket = store.issue_ticket("comeback")  # Redis "down": in memory
    assert store.memory.get_lock("comeback") is not None
    store.red = redis.StrictRedis(host=parsed.hostname, port=parsed.port)  # Redis "back"
    store._down_until = 0
    store.cleanup("comeback", ticket)  # the in-memory lock is released where it lives
    store.issue_ticket("comeback")
    assert redis.Redis.from_url(redis_server).exists("neuvokas:lock:comeback")
