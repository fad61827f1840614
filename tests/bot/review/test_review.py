"""The editors' review list on a real Redis of the tests' own: redaction, decisions, grouping."""
from __future__ import annotations

import redis

from bot.review.grouping import group
from bot.review.store import Item, ReviewStore


def test_messages_are_kept_redacted_and_decided(redis_server):
    redis.Redis.from_url(redis_server).flushdb()  # our own test server: nobody else's data
    store = ReviewStore(redis_server)
    first = store.record("soita mulle 040 123 4567, hetu 131052-308T", "fallback", "nlu_fallback", 0.3)
    assert store.record("/request_human", "handoff") is None, "button payloads are not residents' words"
    assert store.record("   ", "fallback") is None
    item = store.get(first)
    assert item.text == "soita mulle [PUHELIN], hetu [HETU]" and item.state == "open"
    assert redis.Redis.from_url(redis_server).ttl(f"neuvokas:review:item:{first}") > 80 * 24 * 3600
    second = store.record("mistä saan apua", "feedback_negative", answer="Soita 116117")
    assert [i.id for i in store.items()] == [second, first]
    assert store.decide([first], "dismissed", "eeva") == 1
    assert [i.id for i in store.items()] == [second]
    store.count_feedback(True)
    store.count_feedback(False)
    store.count_feedback(False)
    assert store.feedback_counts() == {"up": 1, "down": 2}


def item(text: str, intent: str = "nlu_fallback") -> Item:
    return Item(id=text[:8], text=text, reason="fallback", intent=intent, confidence=0.3, created_at=0)


def test_similar_messages_are_grouped():
    groups = group([item("missä on apteekki"), item("missä apteekki on?"), item("Missä on apteekki", "find_service"),
                    item("koira karkasi metsään"), item("missä on apteekkia")])
    assert [len(g.items) for g in groups] == [4, 1]
    assert groups[0].text.lower() == "missä on apteekki"
    assert groups[0].suggested_intent == "find_service"
    assert group([]) == []
