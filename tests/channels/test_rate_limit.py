"""Rate limits against a real Redis server, and in memory when Redis is down."""
from __future__ import annotations

import asyncio

import pytest

from bot.settings import Limit, RateLimitSettings, Settings
from bot.stack import free_port
from channels.rate_limit import RateLimiter, urgent


def run(coroutine):
    return asyncio.run(coroutine)


async def hits(limiter: RateLimiter, kind: str, key: str, times: int):
    verdicts = []
    for _ in range(times):
        verdicts.append(await (limiter.hit_resident(key) if kind == "resident" else limiter.hit_address(key)))
    await limiter.close()
    return verdicts


@pytest.mark.parametrize("redis_up", [True, False])
def test_a_resident_gets_the_limit_then_a_refusal_with_the_time_to_wait(redis_server, redis_up):
    url = redis_server if redis_up else f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    limiter = RateLimiter(url, RateLimitSettings(resident=Limit(5, 30)))
    verdicts = run(hits(limiter, "resident", f"web:limit-{redis_up}", 8))
    assert [v.allowed for v in verdicts] == [True] * 5 + [False] * 3
    assert [v.first_refusal for v in verdicts] == [False] * 5 + [True, False, False]
    assert all(1 <= v.retry_after <= 30 for v in verdicts[5:])


def test_windows_end_and_keys_hold_no_address_in_clear(redis_server):
    import redis

    limiter = RateLimiter(redis_server, RateLimitSettings(address=Limit(2, 1)))
    first = run(hits(limiter, "address", "203.0.113.9", 3))
    assert [v.allowed for v in first] == [True, True, False]
    keys = redis.Redis.from_url(redis_server, decode_responses=True).keys("neuvokas:rl:*")
    assert keys and not any("203.0.113.9" in k for k in keys)
    import time

    time.sleep(1.2)
    assert run(hits(RateLimiter(redis_server, RateLimitSettings(address=Limit(2, 1))), "address", "203.0.113.9", 1))[0].allowed


def test_counts_are_shared_by_every_process_using_the_redis(redis_server):
    settings = RateLimitSettings(resident=Limit(4, 60))
    a = run(hits(RateLimiter(redis_server, settings), "resident", "tg:shared", 2))
    b = run(hits(RateLimiter(redis_server, settings), "resident", "tg:shared", 3))
    assert [v.allowed for v in a + b] == [True, True, True, True, False]


def test_the_client_address_is_believed_only_from_a_trusted_proxy():
    limiter = RateLimiter(None, RateLimitSettings(trusted_proxies=frozenset({"10.0.0.5", "10.0.0.6"})))
    assert limiter.client_address("198.51.100.1", "203.0.113.7") == "198.51.100.1"  # not a proxy of ours
    assert limiter.client_address("10.0.0.5", "203.0.113.7") == "203.0.113.7"
    assert limiter.client_address("10.0.0.5", "1.2.3.4, 203.0.113.7, 10.0.0.6") == "203.0.113.7"  # spoofed 1.2.3.4 ignored
    assert limiter.client_address("10.0.0.5", "not-an-address") == "10.0.0.5"
    assert limiter.client_address("10.0.0.5", None) == "10.0.0.5"


def test_exempt_addresses_are_not_counted():
    limiter = RateLimiter(None, RateLimitSettings(resident=Limit(1, 60), address=Limit(1, 60),
                                                  exempt=frozenset({"127.0.0.1"})))

    async def go():
        return [await limiter.hit_address("127.0.0.1") for _ in range(3)] + \
               [await limiter.hit_resident("web:x", "127.0.0.1") for _ in range(3)]

    assert all(v.allowed for v in run(go()))


def test_red_flags_are_recognised_for_the_exemption():
    assert urgent("rintaan sattuu kovasti ja hengitys ei kulje")
    assert not urgent("missä on lähin terveysasema")
    assert not urgent(None)


def test_limits_come_from_the_environment_and_bad_values_are_refused():
    settings = Settings.from_env({"NEUVOKAS_RATE_LIMIT_RESIDENT": "10/30", "NEUVOKAS_TRUSTED_PROXIES": "10.0.0.5, 10.0.0.6"})
    assert settings.rate_limits.resident == Limit(10, 30)
    assert settings.rate_limits.address == Limit(300, 60)
    assert settings.rate_limits.trusted_proxies == {"10.0.0.5", "10.0.0.6"}
    for bad in ("10", "0/60", "ten/60"):
        with pytest.raises(ValueError, match="rate limit"):
            Settings.from_env({"NEUVOKAS_RATE_LIMIT_ADDRESS": bad})
