"""`scripts/neuvokas.sh privacy delete ID | expire [--days N]`. delete: an operator deletes one conversation everywhere it is
stored: Rasa's tracker store (SQL), the web chat's message stream, the handoff queue's records and
message log. ID is the Rasa sender id (web-…, telegram-…) or a web chat conversation id.
expire: deletes the conversations older than the retention period (bot/privacy/retention.py)."""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
from typing import Optional

from bot import redis_keys as keys
from bot.settings import Settings

_WEB_ID = re.compile(r"^([A-Za-z0-9_-]{16,64})\.[A-Za-z0-9_-]+$")


def sender_of(value: str) -> str:
    match = _WEB_ID.match(value.strip())
    return f"web-{match.group(1)}" if match else value.strip()


def tracker_url(env: Optional[dict] = None) -> str:
    env = dict(os.environ if env is None else env)
    dialect = env.get("TRACKER_DB_DIALECT", "sqlite")
    if dialect == "sqlite":
        return f"sqlite:///{env.get('TRACKER_DB') or Settings.from_env(env).var_dir / 'tracker.db'}"
    user, password = env.get("TRACKER_DB_USER", ""), env.get("TRACKER_DB_PASSWORD", "")
    auth = f"{user}:{password}@" if user else ""
    return f"{dialect}://{auth}{env.get('TRACKER_DB_HOST', 'localhost')}:{env.get('TRACKER_DB_PORT', '5432')}/" \
           f"{env.get('TRACKER_DB', 'rasa')}"


def delete_tracker(sender: str, url: str) -> int:
    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    try:
        with engine.begin() as connection:
            if not sqlalchemy.inspect(connection).has_table("events"):
                return 0
            return connection.execute(sqlalchemy.text("DELETE FROM events WHERE sender_id = :s"), {"s": sender}).rowcount
    finally:
        engine.dispose()


async def delete_redis(sender: str, redis_url: str) -> int:
    from bot.handoff.queue import HandoffQueue
    from channels.outbox import WebOutbox

    outbox, queue = WebOutbox(redis_url), HandoffQueue(redis_url)
    removed = 0
    try:
        chat = await queue.active_chat(sender)
        if chat is not None:
            await queue.close(chat.id, "resident_left", by="operator")
        removed += await outbox.client.exists(keys.web_stream(sender))
        await outbox.delete(sender)
        async for key in queue.client.scan_iter(match=keys.handoff_chat("*"), count=1000):
            if await queue.client.hget(key, "conversation") == sender:
                chat_id = key.rsplit(":", 1)[1]
                removed += await queue.client.delete(key, keys.handoff_messages(chat_id))
        callbacks = await queue.client.hgetall(keys.handoff_callbacks())
        for callback_id, raw in callbacks.items():
            if f'"conversation": "{sender}"' in raw:
                removed += await queue.client.hdel(keys.handoff_callbacks(), callback_id)
    finally:
        await outbox.close()
        await queue.close_client()
    return removed


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="neuvokas privacy", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    delete = commands.add_parser("delete", help="delete one conversation everywhere")
    delete.add_argument("conversation")
    expire = commands.add_parser("expire", help="delete conversations older than the retention period")
    expire.add_argument("--days", type=int, default=None,
                        help="retention in days (default: NEUVOKAS_RETENTION_DAYS, else 30)")
    args = parser.parse_args(argv)
    if args.command == "expire":
        from bot.privacy.retention import expire_trackers

        days = args.days or Settings.from_env().retention_days
        if days < 1:
            parser.error("--days must be at least 1")
        conversations, events = expire_trackers(tracker_url(), days)
        print(f"poistettu {conversations} yli {days} päivää vanhaa keskustelua ({events} tapahtumaa)")
        return 0
    sender = sender_of(args.conversation)
    settings = Settings.from_env()
    events = delete_tracker(sender, tracker_url())
    records = asyncio.run(delete_redis(sender, settings.redis_url)) if settings.redis_url else 0
    print(f"poistettu {sender}: {events} tapahtumaa keskusteluhistoriasta, {records} tietuetta Redisistä")
    return 0


if __name__ == "__main__":
    sys.exit(main())
