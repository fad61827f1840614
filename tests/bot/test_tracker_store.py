"""The redacting SQL tracker store passes each saved event to the event broker exactly once,
redacted, without reading the stored conversation back."""
from __future__ import annotations

import asyncio

from rasa.core.brokers.broker import EventBroker
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy.tracker_store import RedactingSQLTrackerStore


class Collecting(EventBroker):
    def __init__(self) -> None:
        self.published: list[dict] = []

    def publish(self, event: dict) -> None:
        self.published.append(event)


def test_every_event_reaches_the_broker_once_and_redacted(tmp_path):
    broker = Collecting()
    store = RedactingSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db"), event_broker=broker)
    tracker = DialogueStateTracker.from_events("s1", [UserUttered("soita 040 123 4567"), ActionExecuted("utter_x"),
                                                      BotUttered("Hei")])
    asyncio.run(store.save(tracker))
    assert [e["event"] for e in broker.published] == ["user", "action", "bot"]
    assert "040 123 4567" not in broker.published[0]["text"]

    tracker = asyncio.run(store.retrieve("s1"))
    tracker.update(UserUttered("kiitos"))
    tracker.update(BotUttered("Ole hyvä"))
    asyncio.run(store.save(tracker))
    assert [e.get("text") for e in broker.published[3:]] == ["kiitos", "Ole hyvä"]
    assert all(e["sender_id"] == "s1" for e in broker.published)
    assert len(asyncio.run(store.retrieve("s1")).events) == 5
