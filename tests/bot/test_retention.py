"""Retention: old conversations leave Rasa's SQL tracker store, recent ones stay."""
from __future__ import annotations

import asyncio
import time

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy import delete as privacy
from bot.privacy.retention import expire_trackers
from bot.privacy.tracker_store import RedactingSQLTrackerStore


def save(store: RedactingSQLTrackerStore, sender: str, age_days: float) -> None:
    at = time.time() - age_days * 24 * 3600
    tracker = DialogueStateTracker.from_events(sender, [UserUttered("hei", timestamp=at),
                                                        BotUttered("Hei! Miten voin auttaa?", timestamp=at + 1)])
    asyncio.run(store.save(tracker))


def senders(store: RedactingSQLTrackerStore) -> set[str]:
    return set(asyncio.run(store.keys()))


def test_conversations_older_than_the_retention_period_are_deleted(tmp_path, capsys, monkeypatch):
    path = tmp_path / "tracker.db"
    store = RedactingSQLTrackerStore(Domain.empty(), dialect="sqlite", host="", port="", db=str(path),
                                     username="", password="")
    save(store, "old-1", 45)
    save(store, "old-2", 31)
    save(store, "recent", 2)
    save(store, "today", 0)
    assert expire_trackers(f"sqlite:///{path}", 30) == (2, 4)
    assert senders(store) == {"recent", "today"}
    assert expire_trackers(f"sqlite:///{path}", 30) == (0, 0), "a second run finds nothing"

    monkeypatch.setenv("TRACKER_DB_DIALECT", "sqlite")
    monkeypatch.setenv("TRACKER_DB", str(path))
    assert privacy.main(["expire", "--days", "1"]) == 0
    assert "poistettu 1 yli 1 päivää vanhaa keskustelua (2 tapahtumaa)" in capsys.readouterr().out
    assert senders(store) == {"today"}


def test_an_empty_database_is_not_an_error(tmp_path):
    assert expire_trackers(f"sqlite:///{tmp_path / 'none.db'}", 30) == (0, 0)
