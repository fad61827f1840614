"""The editors' review list in Redis: residents' messages the bot did not handle well, redacted.

Recorded by the Rasa server's event broker (bot/review/broker.py: fallback, low confidence,
handoff) and by the web chat's feedback buttons. Only the redacted text is kept, never the
conversation id, and every item expires after the retention period.
"""
from __future__ import annotations

import json
import secrets
import time
from dataclasses import asdict, dataclass
from typing import Optional

import redis

from bot import redis_keys as keys
from bot.privacy.redact import redact

RETENTION_SECONDS = 90 * 24 * 3600
REASONS = ("fallback", "low_confidence", "handoff", "feedback_negative")
STATES = ("open", "assigned", "dismissed", "out_of_scope")


@dataclass
class Item:
    id: str
    text: str
    reason: str
    intent: str
    confidence: float
    created_at: float
    state: str = "open"
    answer: str = ""
    decided_by: str = ""
    decided_intent: str = ""

    @classmethod
    def from_hash(cls, raw: dict[str, str]) -> "Item":
        return cls(id=raw["id"], text=raw.get("text", ""), reason=raw.get("reason", ""), intent=raw.get("intent", ""),
                   confidence=float(raw.get("confidence") or 0), created_at=float(raw.get("created_at") or 0),
                   state=raw.get("state", "open"), answer=raw.get("answer", ""), decided_by=raw.get("decided_by", ""),
                   decided_intent=raw.get("decided_intent", ""))

    def as_dict(self) -> dict:
        return asdict(self)


class ReviewStore:
    def __init__(self, redis_url: str, retention_seconds: int = RETENTION_SECONDS,
                 client: Optional[redis.Redis] = None) -> None:
        self.retention = retention_seconds
        self.client = client or redis.Redis.from_url(redis_url, decode_responses=True, socket_timeout=2,
                                                     socket_connect_timeout=1)

    def record(self, text: str, reason: str, intent: str = "", confidence: float = 0.0, answer: str = "") -> Optional[str]:
        """Stores the redacted message; None when there is nothing left to review."""
        clean = " ".join(redact(text or "").split())[:500]
        if not clean or clean.startswith("/"):
            return None
        item_id = secrets.token_hex(8)
        now = time.time()
        record = {"id": item_id, "text": clean, "reason": reason, "intent": intent or "", "confidence": repr(confidence),
                  "created_at": repr(now), "state": "open", "answer": redact(answer or "")[:1000]}
        with self.client.pipeline(transaction=True) as pipe:
            pipe.hset(keys.review_item(item_id), mapping=record)
            pipe.expire(keys.review_item(item_id), self.retention)
            pipe.zadd(keys.review_index(), {item_id: now})
            pipe.execute()
        return item_id

    def count_feedback(self, helpful: bool) -> None:
        self.client.incr(keys.review_feedback("up" if helpful else "down"))

    def feedback_counts(self) -> dict[str, int]:
        return {kind: int(self.client.get(keys.review_feedback(kind)) or 0) for kind in ("up", "down")}

    def items(self, state: Optional[str] = "open", limit: int = 2000) -> list[Item]:
        self.client.zremrangebyscore(keys.review_index(), "-inf", time.time() - self.retention)
        ids = self.client.zrevrange(keys.review_index(), 0, limit - 1)
        with self.client.pipeline(transaction=False) as pipe:
            for item_id in ids:
                pipe.hgetall(keys.review_item(item_id))
            raws = pipe.execute()
        found = [Item.from_hash(raw) for raw in raws if raw]
        return [i for i in found if state is None or i.state == state]

    def get(self, item_id: str) -> Optional[Item]:
        raw = self.client.hgetall(keys.review_item(item_id))
        return Item.from_hash(raw) if raw else None

    def decide(self, item_ids: list[str], state: str, by: str, intent: str = "") -> int:
        if state not in STATES[1:]:
            raise ValueError(f"unknown decision {state!r}")
        done = 0
        for item_id in item_ids:
            if self.client.exists(keys.review_item(item_id)):
                self.client.hset(keys.review_item(item_id),
                                 mapping={"state": state, "decided_by": by, "decided_intent": intent,
                                          "decided_at": repr(time.time())})
                done += 1
        return done


def save_feedback(store: ReviewStore, helpful: bool, question: str, answer: str) -> None:
    """A resident's thumbs on an answer: counted; a "no" puts their question in the review list."""
    store.count_feedback(helpful)
    if not helpful:
        store.record(question, "feedback_negative", answer=answer)


def as_json(items: list[Item]) -> str:
    return json.dumps([i.as_dict() for i in items], ensure_ascii=False)
