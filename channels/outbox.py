"""The web chat's message log in Redis: one stream per conversation.

Every message of a conversation (the resident's, the bot's, later an advisor's) is appended to a
Redis stream; the browser reads it over Server-Sent Events and, after a network drop or a page
reload, asks for what came after the last id it saw, so nothing is lost or shown twice. Any
process sharing the Redis (several Rasa servers, the advisor console) can append.
"""
from __future__ import annotations

import json
import logging
import re
import time
from typing import Any, Optional

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from bot import redis_keys
from bot.redis_client import async_client

logger = logging.getLogger(__name__)

STREAM_ID = re.compile(r"^(0|\d{1,20}-\d{1,20})$")
OutboxError = (RedisError, OSError)

_TAKE = """
if redis.call('SET', KEYS[1], 'pending', 'NX', 'EX', ARGV[1]) then
  if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[2]) then return 'new' end
  return 'retry'
end
return redis.call('GET', KEYS[1]) or 'pending'
"""


class WebOutbox:
    """Append to and read from the conversation streams; the Redis client is made on first use."""

    def __init__(self, redis_url: str, retention_seconds: int = 30 * 24 * 3600, max_messages: int = 2000) -> None:
        self.redis_url = redis_url
        self.retention_seconds = retention_seconds
        self.max_messages = max_messages
        self._client: Optional[aioredis.Redis] = None

    @property
    def client(self) -> aioredis.Redis:
        if self._client is None:
            self._client = async_client(self.redis_url, socket_timeout=30)
        return self._client

    async def append(self, conversation: str, message: dict[str, Any]) -> str:
        key = redis_keys.web_stream(conversation)
        item = {**message, "ts": round(time.time(), 3)}
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.xadd(key, {"m": json.dumps(item, ensure_ascii=False)}, maxlen=self.max_messages, approximate=True)
            pipe.expire(key, self.retention_seconds)
            stream_id, _ = await pipe.execute()
        return stream_id

    async def read(self, conversation: str, after: str = "0", block_ms: Optional[int] = None,
                   count: int = 500) -> list[dict[str, Any]]:
        """Messages after the stream id `after`, oldest first; waits up to `block_ms` for new ones."""
        if not STREAM_ID.match(after):
            after = "0"
        result = await self.client.xread({redis_keys.web_stream(conversation): after}, count=count, block=block_ms)
        messages = []
        for _key, entries in result or []:
            for stream_id, fields in entries:
                try:
                    item = json.loads(fields.get("m", "{}"))
                except json.JSONDecodeError:
                    continue
                item["id"] = stream_id
                messages.append(item)
        return messages

    async def take(self, conversation: str, client_id: str, pending_seconds: int = 75) -> str:
        """Marks a resident's message id as being answered. Returns "new" the first time; "pending"
        while another request answers it; "retry" when an earlier attempt's mark lapsed (the
        process answering it died: the caller checks the tracker before answering again); else the
        stream id of the message once it was answered.

        `pending_seconds` outlasts Rasa's conversation lock (60 s), so a slow but living attempt is
        never answered twice.
        """
        seen = redis_keys.web_seen(conversation, client_id)
        return await self.client.eval(_TAKE, 2, seen, seen + ":tried", pending_seconds, 24 * 3600)

    async def user_item(self, conversation: str, client_id: str) -> Optional[str]:
        """The stream id of the resident's message with this client id, among the latest 200."""
        for stream_id, fields in await self.client.xrevrange(redis_keys.web_stream(conversation), count=200):
            try:
                item = json.loads(fields.get("m", "{}"))
            except json.JSONDecodeError:
                continue
            if item.get("role") == "user" and item.get("client_id") == client_id:
                return stream_id
        return None

    async def done(self, conversation: str, client_id: str, message_id: str, ttl_seconds: int = 24 * 3600) -> None:
        await self.client.set(redis_keys.web_seen(conversation, client_id), message_id, ex=ttl_seconds)

    async def forget(self, conversation: str, client_id: str) -> None:
        """Answering failed: a resend may try again."""
        await self.client.delete(redis_keys.web_seen(conversation, client_id))

    async def answered(self, conversation: str, message_id: str) -> list[dict[str, Any]]:
        """The resident's message `message_id` and what came after it up to their next message."""
        if not STREAM_ID.match(message_id) or message_id == "0":
            return []
        entries = await self.client.xrange(redis_keys.web_stream(conversation), min=message_id, count=50)
        items = []
        for stream_id, fields in entries:
            try:
                item = json.loads(fields.get("m", "{}"))
            except json.JSONDecodeError:
                continue
            if items and item.get("role") == "user":
                break
            item["id"] = stream_id
            items.append(item)
        return items

    async def delete(self, conversation: str) -> None:
        keys = [redis_keys.web_stream(conversation)]
        async for key in self.client.scan_iter(match=redis_keys.web_seen(conversation, "*"), count=500):
            keys.append(key)
        await self.client.delete(*keys)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None
