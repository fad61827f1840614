"""One way to make an asyncio Redis client: short connect timeout, decoded strings, health checks,
and a few quick retries so a restart of Redis (its connections dropped) is not an error."""
from __future__ import annotations

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError, TimeoutError


def async_client(url: str, socket_timeout: float = 10) -> aioredis.Redis:
    """A client for `url`; `socket_timeout` must exceed any blocking read (XREAD BLOCK) made with it."""
    return aioredis.from_url(url, decode_responses=True, socket_connect_timeout=2, socket_timeout=socket_timeout,
                             health_check_interval=15, retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 3),
                             retry_on_error=[ConnectionError, TimeoutError])


async def ensure_group(client: aioredis.Redis, stream: str, group: str, start: str) -> None:
    """Creates the stream's consumer group (and the stream) unless it exists; `start` "$" or "0"."""
    from redis.exceptions import ResponseError

    try:
        await client.xgroup_create(stream, group, id=start, mkstream=True)
    except ResponseError as error:
        if "BUSYGROUP" not in str(error):
            raise
