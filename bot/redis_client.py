"""One way to make an asyncio Redis client: short connect timeout, decoded strings, health checks."""
from __future__ import annotations

import redis.asyncio as aioredis


def async_client(url: str, socket_timeout: float = 10) -> aioredis.Redis:
    """A client for `url`; `socket_timeout` must exceed any blocking read (XREAD BLOCK) made with it."""
    return aioredis.from_url(url, decode_responses=True, socket_connect_timeout=2, socket_timeout=socket_timeout,
                             health_check_interval=15)
