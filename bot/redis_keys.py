"""Every Redis key Neuvokas writes starts with PREFIX; the key shapes are listed here only.

Rasa's own lock store uses the same prefix (endpoints.yml `key_prefix`), so one Redis database
can be shared with other applications and our data can be found and removed as a whole.
"""
from __future__ import annotations

PREFIX = "neuvokas:"


def web_stream(conversation: str) -> str:
    """The web chat's messages of one conversation (a Redis stream, replayed on reconnect)."""
    return f"{PREFIX}web:stream:{conversation}"


def web_seen(conversation: str, client_id: str) -> str:
    """Marks a resident message as taken, so a resend after a network drop is not answered twice."""
    return f"{PREFIX}web:seen:{conversation}:{client_id}"


def telegram_button(digest: str) -> str:
    """A button payload too long for Telegram's 64-byte callback data, by its digest."""
    return f"{PREFIX}tg:button:{digest}"


def telegram_update(update_id: int) -> str:
    """Marks a Telegram update as taken (Telegram re-sends an update until it gets a 200)."""
    return f"{PREFIX}tg:update:{update_id}"
