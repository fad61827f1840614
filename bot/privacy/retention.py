"""Retention: conversations are deleted from the tracker store when their newest event is older
than the retention period (NEUVOKAS_RETENTION_DAYS, 30 by default). The web chat's streams and the
closed handoff records expire in Redis by themselves (TTL); this is the SQL side. The advisor
console runs it at start and then every six hours; `scripts/neuvokas.sh privacy expire` runs it
by hand."""
from __future__ import annotations

import time

RUN_EVERY_SECONDS = 6 * 3600


def expire_trackers(url: str, days: int, now: float | None = None) -> tuple[int, int]:
    """Deletes every conversation whose newest event is older than `days`: (conversations, events)."""
    import sqlalchemy

    cutoff = (time.time() if now is None else now) - days * 24 * 3600
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.begin() as connection:
            if not sqlalchemy.inspect(connection).has_table("events"):
                return 0, 0
            old = [row[0] for row in connection.execute(sqlalchemy.text(
                "SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff"), {"cutoff": cutoff})]
            events = 0
            for start in range(0, len(old), 500):
                batch = old[start:start + 500]
                events += connection.execute(
                    sqlalchemy.text("DELETE FROM events WHERE sender_id IN :senders").bindparams(
                        sqlalchemy.bindparam("senders", expanding=True)), {"senders": batch}).rowcount
            return len(old), events
    finally:
        engine.dispose()
