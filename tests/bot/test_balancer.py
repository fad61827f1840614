"""The load balancer's choice of upstream: a conversation stays on one, failover when it is down."""
from __future__ import annotations

import json

from bot.balancer import Balancer, affinity_key


def test_the_conversation_is_found_in_every_channel_and_path():
    assert affinity_key("/webhooks/rest/webhook", {}, json.dumps({"sender": "s1", "message": "x"}).encode()) == "s1"
    assert affinity_key("/webhooks/webchat/webhook", {}, b'{"conversation": "abc.sig", "message": "x"}') == "abc"
    assert affinity_key("/webhooks/webchat/events", {"conversation": "abc.sig"}, b"") == "abc"
    assert affinity_key("/conversations/web-abc/tracker", {}, b"") == "web-abc"
    update = {"update_id": 1, "message": {"chat": {"id": 42}, "text": "moi"}}
    assert affinity_key("/webhooks/neuvokas_telegram/webhook", {}, json.dumps(update).encode()) == "telegram-42"
    press = {"update_id": 2, "callback_query": {"from": {"id": 42}, "message": {"chat": {"id": 42}}}}
    assert affinity_key("/webhooks/neuvokas_telegram/webhook", {}, json.dumps(press).encode()) == "telegram-42"
    for body in (b"", b"[1]", b"{not json", b'{"x": 1}', b"\xff"):
        assert affinity_key("/webhooks/rest/webhook", {}, body) is None


def test_a_conversation_keeps_its_upstream_and_moves_only_when_it_is_down():
    balancer = Balancer(["http://a:1", "http://b:2", "http://c:3"], affinity=True)
    homes = {key: balancer.order(key)[0].url for key in (f"conv-{n}" for n in range(300))}
    assert set(homes.values()) == {"http://a:1", "http://b:2", "http://c:3"}, "spread over all"
    assert all(balancer.order(key)[0].url == url for key, url in homes.items()), "stable"
    balancer.upstreams[0].healthy = False
    moved = {key: balancer.order(key)[0].url for key in homes}
    assert all(moved[k] == homes[k] for k in homes if homes[k] != "http://a:1"), "only a's conversations move"
    assert "http://a:1" not in moved.values()
    assert balancer.order("conv-1")[-1].url == "http://a:1", "a down upstream is tried last"


def test_without_affinity_requests_take_turns():
    balancer = Balancer(["http://a:1", "http://b:2"])
    assert [balancer.order(None)[0].url for _ in range(4)] == ["http://b:2", "http://a:1", "http://b:2", "http://a:1"]
