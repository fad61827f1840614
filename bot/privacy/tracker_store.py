"""The SQL tracker store with personal data redacted before anything is written (endpoints.yml).

Residents' messages, the bot's texts and text slot values are redacted (bot/privacy/redact.py) as
a turn's tracker is saved: the bot has already understood the message, and what stays on disk,
and what the event broker passes on, carries no identity code, phone number, e-mail address or
street address. The advisor's live view keeps what the resident wrote in the handoff log.
"""
from __future__ import annotations

import json
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.nlu.constants import INTENT_NAME_KEY
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
        if self.engine.dialect.name == "sqlite":
            _write_ahead_log(self.engine)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Redacts the tracker, stores the events the database does not have yet, and passes the
        same events to the event broker.

        Rasa's own save counts the stored events twice (once for the broker, once to store) and,
        for the broker, first reads and rebuilds the whole stored conversation: a fifth of the
        server's CPU under load in the benchmark's profile. Here one count finds the new events,
        which are stored in one transaction and then streamed, the rows as Rasa writes them.
        """
        redact_tracker(tracker)
        with self.session_scope() as session:
            new_events = list(self._additional_events(session, tracker))
            for event in new_events:
                data = event.as_dict()
                session.add(self.SQLEvent(
                    sender_id=tracker.sender_id, type_name=event.type_name, timestamp=data.get("timestamp"),
                    intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                    action_name=data.get("name"), data=json.dumps(data)))
            session.commit()
        if self.event_broker is not None:
            await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)


def _write_ahead_log(engine: Any) -> None:
    """SQLite (one machine) in write-ahead-log mode with `synchronous=NORMAL`: a turn's commit no
    longer waits for a disk flush of the whole journal. A crash of the process loses nothing; a
    power cut can lose the last turns, like Redis's one-second append-only window."""
    import sqlalchemy

    @sqlalchemy.event.listens_for(engine, "connect")
    def _on_connect(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    engine.dispose()  # connections made before the listener get the settings when reopened
