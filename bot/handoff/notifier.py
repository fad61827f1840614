"""Tells waiting residents about their chat: place in the queue and wait as they change, an advisor
joining, the chat going back to the queue, and the end of the chat (the bot resumes).

Follows the queue's events stream in a consumer group and acknowledges an event only after its
messages are in the outbound stream, so a restart of the process running it loses nothing.
"""
from __future__ import annotations

import asyncio
import logging
import os
import socket
from typing import Optional

from redis.exceptions import RedisError

from bot import redis_keys as keys
from bot.handoff.queue import Chat, HandoffQueue, State, wait_minutes
from bot.redis_client import ensure_group

logger = logging.getLogger(__name__)
GROUP = "notify"


def handoff_payload(state: str, chat: Chat, position: Optional[int] = None, wait: Optional[int] = None) -> dict:
    """The `handoff` payload of the contract in PRODUCT.md."""
    return {"type": "handoff", "state": state, "team": chat.team, "position": position, "estimated_wait_min": wait}


class Notifier:
    def __init__(self, queue: HandoffQueue, consumer: Optional[str] = None, max_notified: int = 200) -> None:
        self.queue = queue
        self.consumer = consumer or f"{socket.gethostname()}-{os.getpid()}"
        self.max_notified = max_notified

    @property
    def texts(self) -> dict[str, str]:
        return self.queue.config.texts

    async def ensure_group(self) -> None:
        await ensure_group(self.queue.client, keys.handoff_events(), GROUP, "$")  # only events from now on

    async def run(self, stop: asyncio.Event) -> None:
        """Until `stop` is set; survives Redis being away (it retries)."""
        while not stop.is_set():
            try:
                await self.ensure_group()
                await self.process_pending()
                while not stop.is_set():
                    await self.process(">", block_ms=2000)
            except (RedisError, OSError) as error:
                logger.warning("notifier: Redis unavailable (%s); retrying", type(error).__name__)
                await asyncio.sleep(1)

    async def process_pending(self) -> None:
        """Events taken earlier but not acknowledged (this process, or one that died)."""
        client = self.queue.client
        start = "0-0"
        while True:
            start, entries, *_ = await client.xautoclaim(keys.handoff_events(), GROUP, self.consumer,
                                                         min_idle_time=0, start_id=start, count=100)
            for entry_id, fields in entries:
                await self.handle(fields)
                await client.xack(keys.handoff_events(), GROUP, entry_id)
            if start in ("0-0", b"0-0") or not entries:
                return

    async def process(self, cursor: str, block_ms: Optional[int] = None) -> int:
        result = await self.queue.client.xreadgroup(GROUP, self.consumer, {keys.handoff_events(): cursor},
                                                    count=100, block=block_ms)
        handled = 0
        for _key, entries in result or []:
            for entry_id, fields in entries:
                await self.handle(fields)
                await self.queue.client.xack(keys.handoff_events(), GROUP, entry_id)
                handled += 1
        return handled

    async def handle(self, event: dict[str, str]) -> None:
        kind = event.get("event", "")
        if kind in ("message", "callback"):
            return
        chat = await self.queue.chat(event.get("chat", ""))
        if chat is None:
            return
        if kind == "claimed" and chat.state == State.CLAIMED:
            await self.queue.notify_resident(chat, self.texts["connected"].format(advisor=chat.advisor_name or chat.advisor),
                                             handoff_payload("connected", chat))
        elif kind in ("released", "timed_out", "transferred") and chat.state == State.QUEUED:
            position = await self.queue.position(chat.id) or 1
            wait = await self.queue.estimated_wait_min(chat.team, position)
            template = self.texts["transferred" if kind == "transferred" else "requeued"]
            team_name = self.queue.config.team(chat.team).name
            await self.queue.notify_resident(chat, template.format(position=position, wait=wait, team_name=team_name),
                                             handoff_payload("queued", chat, position, wait))
            await self.queue.mark_notified(chat.id, position, wait)
        elif kind == "closed" and event.get("outcome") != "resident_left":
            key = "returned_to_bot" if event.get("outcome") == "returned_to_bot" else "closed"
            await self.queue.notify_resident(chat, self.texts[key], handoff_payload("closed", chat))
        for team in self.queue.config.teams:
            await self.update_positions(team)

    async def update_positions(self, team: str) -> None:
        """Tells each waiting resident of the team whose place or wait changed (first 200)."""
        per_place = await self.queue.minutes_per_place(team)
        for index, chat in enumerate(await self.queue.waiting(team, limit=self.max_notified)):
            position = index + 1
            wait = wait_minutes(position, per_place)
            if chat.notified == f"{position}:{wait}":
                continue
            await self.queue.notify_resident(chat, self.texts["position"].format(position=position, wait=wait),
                                             handoff_payload("queued", chat, position, wait))
            await self.queue.mark_notified(chat.id, position, wait)

