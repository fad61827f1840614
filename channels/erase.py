"""Removes one conversation from Rasa's tracker store ("delete my conversation")."""
from __future__ import annotations

from typing import Any

from rasa.core.tracker_store import InMemoryTrackerStore, RedisTrackerStore, SQLTrackerStore


def _innermost(store: Any) -> Any:
    """Rasa wraps the configured store (AwaitableTrackerStore, FailSafeTrackerStore)."""
    while hasattr(store, "_tracker_store"):
        store = store._tracker_store
    return store


async def erase_tracker(agent: Any, sender_id: str) -> None:
    """Deletes every stored event of `sender_id`, holding the conversation's lock meanwhile."""
    store = _innermost(agent.tracker_store)
    async with agent.lock_store.lock(sender_id):
        if isinstance(store, SQLTrackerStore):
            with store.session_scope() as session:
                session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == sender_id).delete()
                session.commit()
        elif isinstance(store, InMemoryTrackerStore):
            store.store.pop(sender_id, None)
        elif isinstance(store, RedisTrackerStore):
            store.red.delete(store.key_prefix + sender_id)
        else:
            raise NotImplementedError(f"deleting from {type(store).__name__} is not supported")
