"""The conversation lock store: one lock per conversation in Redis, shared by every Rasa server.

Rasa's RedisLockStore reads a conversation's ticket lock, changes it and writes it back without
a transaction. With two Rasa servers taking messages of one conversation at the same moment, two
messages can draw the same ticket (and run at once), or a cleanup can delete a lock another
server just added a ticket to (its message then fails with a LockError). Here every change is
one optimistic transaction (WATCH/MULTI): a change that raced another is retried on fresh data.

When Redis cannot be reached, the lock store keeps working in this process's memory (Rasa's
InMemoryLockStore) and says so in the log, so the bot keeps answering while Redis is down: one
Rasa server stays fully ordered; several keep order per conversation only as far as the load
balancer keeps a conversation on one server (it does, see bot/balancer.py). Redis is tried again
after a few seconds, and conversations return to it once their in-memory lock is released.

Lock keys expire (a crashed server's lock does not stay forever) and carry the key prefix.
"""
from __future__ import annotations

import json
import logging
import time
from typing import Any, Callable, Optional, Text

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

RETRY_REDIS_AFTER_SECONDS = 5.0
KEY_TTL_SECONDS = 10 * 60  # far longer than a ticket's lifetime (60 s)


class SharedLockStore(LockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, host: Optional[str] = None,
                 port: int = 6379, db: int = 0, password: Optional[str] = None,
                 key_prefix: Optional[str] = None) -> None:
        kwargs: dict[str, Any] = dict(endpoint_config.kwargs) if endpoint_config else {}
        host = (endpoint_config.url if endpoint_config else None) or host or "127.0.0.1"
        self.red = redis.StrictRedis(
            host=host, port=int(kwargs.get("port") or port), db=int(kwargs.get("db") or db),
            password=kwargs.get("password") or password or None,
            socket_connect_timeout=1, socket_timeout=2)
        prefix = kwargs.get("key_prefix") or key_prefix
        self.key_prefix = f"{prefix}:lock:" if prefix else "lock:"
        self.memory = InMemoryLockStore()
        self._down_until = 0.0
        super().__init__()

    # --- where a conversation's lock lives -------------------------------------------------
    def _local(self, conversation_id: Text) -> bool:
        return conversation_id in self.memory.conversation_locks

    def _redis_down(self) -> bool:
        return time.monotonic() < self._down_until

    def _went_down(self, error: Exception) -> None:
        if not self._redis_down():
            logger.warning("lock store: Redis unavailable (%s); locking in this process until it returns",
                           type(error).__name__)
        self._down_until = time.monotonic() + RETRY_REDIS_AFTER_SECONDS

    def _key(self, conversation_id: Text) -> str:
        return self.key_prefix + conversation_id

    def _change(self, conversation_id: Text, change: Callable[[Optional[TicketLock]], Any]) -> Any:
        """Runs `change` on the stored lock in one transaction; it returns (lock to save or None to
        delete, result). Retried when another server changed the lock meanwhile."""
        key = self._key(conversation_id)
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    new_lock, result = change(lock)
                    pipe.multi()
                    if new_lock is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, new_lock.dumps(), ex=KEY_TTL_SECONDS)
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue

    # --- LockStore -------------------------------------------------------------------------
    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        if self._local(conversation_id) or self._redis_down():
            return self.memory.issue_ticket(conversation_id, lock_lifetime)

        def issue(lock: Optional[TicketLock]):
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except redis.RedisError as error:
            self._went_down(error)
            return self.memory.issue_ticket(conversation_id, lock_lifetime)
        except Exception as error:  # noqa: BLE001 - what Rasa's own lock stores raise
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        if self._local(conversation_id):
            return self.memory.get_lock(conversation_id)
        try:
            raw = self.red.get(self._key(conversation_id))
        except redis.RedisError as error:
            self._went_down(error)
            raise LockError(f"Redis went away while waiting for the lock of '{conversation_id}'") from error
        return TicketLock.from_dict(json.loads(raw)) if raw else None

    def save_lock(self, lock: TicketLock) -> None:
        if self._local(lock.conversation_id):
            self.memory.save_lock(lock)
            return
        self.red.set(self._key(lock.conversation_id), lock.dumps(), ex=KEY_TTL_SECONDS)

    def delete_lock(self, conversation_id: Text) -> None:
        if self._local(conversation_id):
            self.memory.delete_lock(conversation_id)
            return
        try:
            self.red.delete(self._key(conversation_id))
        except redis.RedisError as error:
            self._went_down(error)

    def update_lock(self, conversation_id: Text) -> None:
        if self._local(conversation_id):
            self.memory.update_lock(conversation_id)
            return

        def drop_expired(lock: Optional[TicketLock]):
            if lock is None:
                return None, None
            lock.remove_expired_tickets()
            return lock, None

        try:
            self._change(conversation_id, drop_expired)
        except redis.RedisError as error:
            self._went_down(error)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        self.cleanup(conversation_id, ticket_number)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Removes the ticket; the lock goes when nobody else waits (one transaction, so a ticket
        issued meanwhile by another server is never deleted with it)."""
        if self._local(conversation_id):
            self.memory.cleanup(conversation_id, ticket_number)
            return

        def release(lock: Optional[TicketLock]):
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        try:
            self._change(conversation_id, release)
        except redis.RedisError as error:  # the ticket expires with its lifetime
            self._went_down(error)
