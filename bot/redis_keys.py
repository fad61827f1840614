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


def rate_limit(kind: str, digest: str) -> str:
    """A request counter of one window: kind "resident" or "address", the key hashed (no IP in clear)."""
    return f"{PREFIX}rl:{kind}:{digest}"


def telegram_button(digest: str) -> str:
    """A button payload too long for Telegram's 64-byte callback data, by its digest."""
    return f"{PREFIX}tg:button:{digest}"


def telegram_update(update_id: int) -> str:
    """Marks a Telegram update as taken (Telegram re-sends an update until it gets a 200)."""
    return f"{PREFIX}tg:update:{update_id}"


def telegram_feedback(chat_id: int, message_id: int) -> str:
    """The question and answer under a Telegram message's feedback buttons, until pressed."""
    return f"{PREFIX}tg:feedback:{chat_id}:{message_id}"


# --- advisor handoff (bot/handoff/queue.py) ----------------------------------------------------
HANDOFF = f"{PREFIX}handoff:"


def handoff_chat(chat_id: str) -> str:
    """A hash: one chat's handoff record (conversation, team, level, state, advisor, times...)."""
    return f"{HANDOFF}chat:{chat_id}"


def handoff_queue(team: str) -> str:
    """A sorted set of the team's waiting chats, scored by urgency and then waiting time."""
    return f"{HANDOFF}queue:{team}"


def handoff_claimed() -> str:
    """A sorted set of claimed chats, scored by the advisor's last activity (for the timeout)."""
    return f"{HANDOFF}claimed"


def handoff_active(conversation: str) -> str:
    """The chat id a conversation is in while it is queued or with an advisor."""
    return f"{HANDOFF}active:{conversation}"


def handoff_handled(team: str) -> str:
    """A list of the team's recent handling times in seconds (for the wait estimate)."""
    return f"{HANDOFF}handled:{team}"


def handoff_advisors(team: str) -> str:
    """A sorted set of the team's advisors, scored by their console's last heartbeat."""
    return f"{HANDOFF}advisors:{team}"


def handoff_messages(chat_id: str) -> str:
    """A stream: the messages between the resident and advisors in one chat."""
    return f"{HANDOFF}messages:{chat_id}"


def handoff_events() -> str:
    """A stream of queue changes, read by the consoles for live updates."""
    return f"{HANDOFF}events"


def handoff_callbacks() -> str:
    """A hash of callback requests (soittopyynnöt) by id."""
    return f"{HANDOFF}callbacks"


def handoff_outbound() -> str:
    """A stream of messages to residents (advisor replies, queue status), delivered by the relay."""
    return f"{HANDOFF}outbound"


def handoff_delivered(entry_id: str) -> str:
    """Marks an outbound entry as delivered, so a redelivery after a crash does not send it twice."""
    return f"{HANDOFF}delivered:{entry_id}"


# --- advisor console (console/) ----------------------------------------------------------------
def console_session(session_id: str) -> str:
    """A hash: one logged-in console session (user, CSRF token); expires when idle."""
    return f"{PREFIX}console:session:{session_id}"


def console_login_failures(username: str) -> str:
    """A counter of recent failed logins for one user name (login throttling)."""
    return f"{PREFIX}console:login-failures:{username}"


# --- review list for content editors (bot/review/) ----------------------------------------------
def review_item(item_id: str) -> str:
    """A hash: one redacted resident message kept for editors (expires after the retention period)."""
    return f"{PREFIX}review:item:{item_id}"


def review_index() -> str:
    """A sorted set of review item ids by the time they were recorded."""
    return f"{PREFIX}review:index"


def review_feedback(kind: str) -> str:
    """A counter of residents' thumbs (kind: up or down)."""
    return f"{PREFIX}review:feedback:{kind}"
