"""The handoff gate: while a conversation is queued or with an advisor, its messages go to the
advisor's log instead of the bot; a message with a red flag still goes to the bot as well, so
the resident gets the 112 instruction at once. When Redis cannot be reached the bot answers.
"""
from __future__ import annotations

import logging
from typing import Optional

from redis.exceptions import RedisError

from bot.handoff.queue import Chat, HandoffQueue, State
from bot.redflags import default_detector

logger = logging.getLogger(__name__)
# What a waiting resident writes to leave the queue (the queued message tells them "peru").
LEAVE_WORDS = {"peru", "peruuta", "peru jonotus", "peruuta jonotus", "lopeta jonotus", "poistu jonosta",
               "en halua jonottaa", "en tarvitse enää", "ei tarvitse enää"}


def _normal(text: str) -> str:
    return " ".join(text.lower().replace("!", " ").replace(".", " ").split())


class HandoffGate:
    def __init__(self, redis_url: Optional[str]) -> None:
        self.queue = HandoffQueue(redis_url) if redis_url else None

    async def intercept(self, conversation: str, text: str) -> tuple[Optional[Chat], bool]:
        """(the active chat the message was relayed to, whether the bot must still answer it)."""
        if self.queue is None or not text.strip():
            return None, True
        try:
            chat = await self.queue.active_chat(conversation)
            if chat is None:
                return None, True
            if chat.state == State.QUEUED and _normal(text) in LEAVE_WORDS:
                await self.queue.close(chat.id, "resident_left", by="resident")
                return None, True  # out of the queue; the bot answers ("Selvä. Miten voin auttaa?")
            await self.queue.add_message(chat.id, "resident", text)
        except (RedisError, OSError) as error:
            logger.warning("handoff gate: Redis unavailable (%s); the bot answers", type(error).__name__)
            return None, True
        return chat, default_detector().detect(text) is not None

    async def resident_left(self, conversation: str) -> None:
        """The resident deleted their conversation: it leaves the queue (or the advisor's hands)."""
        if self.queue is None:
            return
        try:
            chat = await self.queue.active_chat(conversation)
            if chat is not None:
                await self.queue.close(chat.id, "resident_left", by="resident")
        except (RedisError, OSError) as error:
            logger.warning("handoff gate: Redis unavailable (%s)", type(error).__name__)

    async def close(self) -> None:
        if self.queue is not None:
            await self.queue.close_client()
