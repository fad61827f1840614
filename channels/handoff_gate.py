"""The handoff gate: while a conversation is queued or with an advisor, its messages go to the
advisor's log instead of the bot; a message with a red flag still goes to the bot as well, so
the resident gets the 112 instruction at once. When Redis cannot be reached the bot answers.
"""
from __future__ import annotations

import logging
from typing import Optional

from redis.exceptions import RedisError

from bot.handoff.queue import Chat, HandoffQueue
from bot.redflags import default_detector

logger = logging.getLogger(__name__)


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
            await self.queue.add_message(chat.id, "resident", text)
        except (RedisError, OSError) as error:
            logger.warning("handoff gate: Redis unavailable (%s); the bot answers", type(error).__name__)
            return None, True
        return chat, default_detector().detect(text) is not None

    async def close(self) -> None:
        if self.queue is not None:
            await self.queue.close_client()
