"""Rate limits on the public channels: per resident (conversation) and per client address.

Fixed windows counted in Redis (one INCR per request, in a Lua script with the expiry), so every
Rasa server behind a load balancer shares the counts. When Redis is down each process counts on
its own, in memory: the limits stay on, only per process. Keys carry a hash of the address or
conversation, never the address itself.

A message that carries a red flag is never refused: the resident gets the emergency instruction
however fast they write (PRODUCT.md: red flags always win).
"""
from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import time
from dataclasses import dataclass
from typing import Optional

from redis.exceptions import RedisError

from bot import redis_keys
from bot.redflags import default_detector
from bot.redis_client import async_client
from bot.settings import Limit, RateLimitSettings

logger = logging.getLogger(__name__)
RETRY_REDIS_AFTER_SECONDS = 5.0

_COUNT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}
"""


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int
    retry_after: int  # whole seconds until the window ends (0 when allowed)
    first_refusal: bool = False  # the first refused request of its window: worth an explanation


class RateLimiter:
    def __init__(self, redis_url: Optional[str], settings: RateLimitSettings) -> None:
        self.redis_url, self.settings = redis_url, settings
        self._client = None
        self._script = None
        self._memory: dict[str, tuple[float, int]] = {}
        self._down_until = 0.0  # after a Redis failure, count in memory for a few seconds

    @property
    def client(self):
        if self._client is None and self.redis_url:
            self._client = async_client(self.redis_url, socket_timeout=2)
            self._script = self._client.register_script(_COUNT)
        return self._client

    def client_address(self, peer: Optional[str], forwarded_for: Optional[str]) -> str:
        """The resident's address: the peer, or, behind a trusted proxy, the last untrusted hop it forwarded."""
        address = (peer or "").strip()
        if address in self.settings.trusted_proxies and forwarded_for:
            for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
                if not _is_address(hop):
                    break  # a malformed header: keep the proxy's own address
                address = hop
                if hop not in self.settings.trusted_proxies:
                    break
        return address

    def exempt(self, address: str) -> bool:
        return address in self.settings.exempt

    async def hit_address(self, address: str) -> Verdict:
        if self.exempt(address):
            return Verdict(True, 0, 0)
        return await self._hit("address", address, self.settings.address)

    async def hit_resident(self, conversation: str, address: Optional[str] = None) -> Verdict:
        if address is not None and self.exempt(address):
            return Verdict(True, 0, 0)
        return await self._hit("resident", conversation, self.settings.resident)

    async def _hit(self, kind: str, key: str, limit: Limit) -> Verdict:
        digest = hashlib.sha256(f"{kind}\0{key}".encode("utf-8", "surrogatepass")).hexdigest()[:32]
        window_ms = limit.seconds * 1000
        count, ttl_ms = None, window_ms
        if self.client is not None and time.monotonic() >= self._down_until:
            try:
                count, ttl_ms = await self._script(keys=[redis_keys.rate_limit(kind, digest)], args=[window_ms])
            except (RedisError, OSError) as error:
                logger.warning("rate limit: Redis unavailable (%s); counting in this process", type(error).__name__)
                self._down_until = time.monotonic() + RETRY_REDIS_AFTER_SECONDS
        if count is None:
            count, ttl_ms = self._hit_memory(f"{kind}:{digest}", limit)
        count, ttl_ms = int(count), int(ttl_ms)
        if count <= limit.count:
            return Verdict(True, count, 0)
        return Verdict(False, count, max(1, math.ceil(ttl_ms / 1000)), first_refusal=count == limit.count + 1)

    def _hit_memory(self, key: str, limit: Limit) -> tuple[int, int]:
        now = time.monotonic()
        if len(self._memory) > 50_000:  # drop ended windows
            self._memory = {k: v for k, v in self._memory.items() if v[0] > now}
        ends, count = self._memory.get(key, (0.0, 0))
        if ends <= now:
            ends, count = now + limit.seconds, 0
        self._memory[key] = (ends, count + 1)
        return count + 1, int((ends - now) * 1000)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None


def urgent(text: Optional[str]) -> bool:
    """A red flag in the message: it is answered whatever the limits say."""
    return bool(text) and default_detector().detect(text) is not None


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
