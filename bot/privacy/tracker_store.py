"""The SQL tracker store with personal data redacted before anything is written (endpoints.yml).

Residents' messages, the bot's texts and text slot values are redacted (bot/privacy/redact.py) as
a turn's tracker is saved: the bot has already understood the message, and what stays on disk,
and what the event broker passes on, carries no identity code, phone number, e-mail address or
street address. The advisor's live view keeps what the resident wrote in the handoff log.
"""
from __future__ import annotations

from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy.redact import redact


def redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [redact_value(v) for v in value]
    if isinstance(value, dict):
        return {k: redact_value(v) for k, v in value.items()}
    return value


def redact_tracker(tracker: DialogueStateTracker) -> None:
    for event in tracker.events:
        if isinstance(event, UserUttered) and event.text:
            clean = redact(event.text)
            if clean != event.text:
                event.text = clean
                if isinstance(event.parse_data, dict):
                    event.parse_data["text"] = clean
        elif isinstance(event, BotUttered):
            if event.text:
                event.text = redact(event.text)
            if isinstance(event.metadata, dict):  # a response's template variables (e.g. the phone number)
                event.metadata = redact_value(event.metadata)
        elif isinstance(event, SlotSet) and event.value is not None:
            event.value = redact_value(event.value)


class RedactingSQLTrackerStore(SQLTrackerStore):
    """endpoints.yml fills every field from the environment; an empty one (SQLite has no host,
    port or user) means "not set"."""

    def __init__(self, domain: Any = None, dialect: str = "sqlite", host: Any = None, port: Any = None,
                 db: str = "rasa.db", username: Any = None, password: Any = None, event_broker: Any = None,
                 login_db: Any = None, query: Any = None, **kwargs: Any) -> None:
        super().__init__(domain, dialect, host or None, int(port) if port else None, db, username or None,
                         password or None, event_broker, login_db or None, query, **kwargs)

    async def save(self, tracker: DialogueStateTracker) -> None:
        redact_tracker(tracker)
        await super().save(tracker)
