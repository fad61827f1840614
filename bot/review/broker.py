"""A Rasa event broker that fills the editors' review list (endpoints.yml `event_broker`).

It sees every event of every conversation in the Rasa server: a user message answered by the
fallback or with low intent confidence, and the message that led to a handoff, are recorded
(redacted, without the conversation id). It never blocks or breaks a conversation: errors are
logged and dropped.
"""
from __future__ import annotations

import logging
import os
from asyncio import AbstractEventLoop
from collections import OrderedDict
from typing import Any, Dict, Optional, Text

from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

from bot.review.store import ReviewStore

logger = logging.getLogger(__name__)
LOW_CONFIDENCE = 0.8  # below this an answer is worth an editor's look (endpoints.yml may set it)
SKIP_INTENTS = {"red_flag", "red_flag_unsure"}  # the red-flag detector decided; nothing for editors to teach


class ReviewBroker(EventBroker):
    def __init__(self, redis_url: str, low_confidence: float = LOW_CONFIDENCE) -> None:
        self.store = ReviewStore(redis_url)
        self.low_confidence = low_confidence
        self.last_text: "OrderedDict[str, tuple[str, str, float]]" = OrderedDict()

    @classmethod
    async def from_endpoint_config(cls, broker_config: EndpointConfig,
                                   event_loop: Optional[AbstractEventLoop] = None) -> Optional["ReviewBroker"]:
        url = os.environ.get("REDIS_URL")
        if not url:
            logger.info("review list off: no REDIS_URL")
            return None
        return cls(url, float((broker_config.kwargs or {}).get("low_confidence", LOW_CONFIDENCE)))

    def publish(self, event: Dict[Text, Any]) -> None:
        try:
            self._publish(event)
        except Exception as error:  # noqa: BLE001 - the review list must never break a conversation
            logger.warning("review list: event not recorded (%s)", type(error).__name__)

    def _publish(self, event: Dict[Text, Any]) -> None:
        sender = str(event.get("sender_id", ""))
        if event.get("event") == "user":
            text = event.get("text") or ""
            if not text or text.startswith("/"):
                return
            intent = (event.get("parse_data") or {}).get("intent") or {}
            name, confidence = intent.get("name") or "", float(intent.get("confidence") or 0)
            self.last_text[sender] = (text, name, confidence)
            self.last_text.move_to_end(sender)
            while len(self.last_text) > 10_000:
                self.last_text.popitem(last=False)
            if name in SKIP_INTENTS:
                return
            if name == "nlu_fallback":
                self.store.record(text, "fallback", name, confidence)
            elif confidence < self.low_confidence:
                self.store.record(text, "low_confidence", name, confidence)
        elif event.get("event") == "action" and event.get("name") == "action_handoff":
            last = self.last_text.pop(sender, None)
            if last is not None:
                self.store.record(last[0], "handoff", last[1], last[2])
