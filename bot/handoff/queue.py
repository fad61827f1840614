"""The advisor handoff queue in Redis: per team, ordered by urgency and then waiting time.

Every state change is one Lua script, so it is atomic across any number of Rasa servers, action
servers and consoles: two advisors claiming the same chat at once get exactly one claim. Keys
are listed in bot/redis_keys.py. Each change is also appended to an events stream that the
consoles follow for live updates.
"""
from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from enum import Enum
from typing import Any, Callable, Optional

import redis.asyncio as aioredis

from bot import redis_keys as keys
from bot.handoff.config import HandoffConfig, load
from bot.redis_client import async_client

# Urgency ranks: the more urgent, the smaller (EMERGENCY never queues: it gets 112 at once).
URGENCY = {"EMERGENCY": 0, "EMERGENCY_DEPT": 1, "SAME_DAY": 2, "ROUTINE": 3, "SELF_CARE": 4}
DEFAULT_RANK = 3
RANK_SCALE = 10 ** 13  # > any epoch in milliseconds, so the rank always dominates the score


class State(str, Enum):
    QUEUED = "queued"
    CLAIMED = "claimed"
    CLOSED = "closed"


class Outcome(str, Enum):
    QUEUED = "queued"
    ALREADY = "already"      # the conversation was queued or with an advisor already
    CLOSED = "closed"        # outside the team's hours
    FULL = "full"            # the team's queue is at its maximum


@dataclass(frozen=True)
class Chat:
    id: str
    conversation: str
    channel: str
    team: str
    level: Optional[str]
    summary: str
    municipality: str
    language: str
    state: State
    advisor: str
    enqueued_at: float
    claimed_at: float
    last_activity: float
    advisor_name: str = ""
    notified: str = ""  # the queue place and wait the resident was last told ("3:12")
    outcome: str = ""

    @classmethod
    def from_hash(cls, chat_id: str, raw: dict[str, str]) -> "Chat":
        return cls(id=chat_id, conversation=raw.get("conversation", ""), channel=raw.get("channel", ""),
                   team=raw.get("team", ""), level=raw.get("level") or None, summary=raw.get("summary", ""),
                   municipality=raw.get("municipality", ""), language=raw.get("language", "fi"),
                   state=State(raw.get("state", "closed")), advisor=raw.get("advisor", ""),
                   enqueued_at=float(raw.get("enqueued_at") or 0), claimed_at=float(raw.get("claimed_at") or 0),
                   last_activity=float(raw.get("last_activity") or 0), notified=raw.get("notified", ""),
                   advisor_name=raw.get("advisor_name", ""),
                   outcome=raw.get("outcome", ""))

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "state": self.state.value}


@dataclass(frozen=True)
class Enqueued:
    outcome: Outcome
    chat: Optional[Chat] = None
    position: Optional[int] = None
    estimated_wait_min: Optional[int] = None


# KEYS: chat hash, team queue, active key, events. ARGV: chat id, max, score, now, fields (json)
_ENQUEUE = """
local existing = redis.call('GET', KEYS[3])
if existing then return {'already', existing} end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then return {'full', ''} end
local fields = cjson.decode(ARGV[5])
for k, v in pairs(fields) do redis.call('HSET', KEYS[1], k, v) end
redis.call('HSET', KEYS[1], 'state', 'queued', 'enqueued_at', ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('SET', KEYS[3], ARGV[1])
redis.call('XADD', KEYS[4], 'MAXLEN', '~', 10000, '*', 'event', 'queued', 'chat', ARGV[1])
return {'queued', ARGV[1]}
"""

# KEYS: chat hash, claimed set, events. ARGV: chat id, advisor, now, queue key prefix, display name
_CLAIM = """
if redis.call('HGET', KEYS[1], 'state') ~= 'queued' then return 0 end
local team = redis.call('HGET', KEYS[1], 'team')
redis.call('ZREM', ARGV[4] .. team, ARGV[1])
redis.call('HSET', KEYS[1], 'state', 'claimed', 'advisor', ARGV[2], 'advisor_name', ARGV[5], 'claimed_at', ARGV[3],
           'last_activity', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', 10000, '*', 'event', 'claimed', 'chat', ARGV[1], 'advisor', ARGV[2])
return 1
"""

# Back to a queue (timeout, transfer, an advisor's "release"): keeps the original waiting time.
# KEYS: chat hash, claimed set, events. ARGV: chat id, team ('' = same), queue prefix, event,
#        only-if-idle-before ('' = always), by
_REQUEUE = """
local state = redis.call('HGET', KEYS[1], 'state')
if state ~= 'claimed' and state ~= 'queued' then return 0 end
if ARGV[5] ~= '' then
  if state ~= 'claimed' then return 0 end
  if tonumber(redis.call('HGET', KEYS[1], 'last_activity') or '0') >= tonumber(ARGV[5]) then return 0 end
end
local old = redis.call('HGET', KEYS[1], 'team')
local team = ARGV[2] ~= '' and ARGV[2] or old
local rank = tonumber(redis.call('HGET', KEYS[1], 'rank') or '3')
local score = string.format('%.0f', rank * 10000000000000 + math.floor(tonumber(redis.call('HGET', KEYS[1], 'enqueued_at')) * 1000))
redis.call('ZREM', ARGV[3] .. old, ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[1], 'state', 'queued', 'team', team, 'advisor', '')
redis.call('ZADD', ARGV[3] .. team, score, ARGV[1])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', 10000, '*', 'event', ARGV[4], 'chat', ARGV[1], 'by', ARGV[6])
return 1
"""

# KEYS: chat hash, claimed set, events, active key, handled list, message log. ARGV: chat id,
#        outcome, now, queue prefix, by, keep, retention seconds (the closed chat's record and log)
_CLOSE = """
local state = redis.call('HGET', KEYS[1], 'state')
if state ~= 'claimed' and state ~= 'queued' then return 0 end
local team = redis.call('HGET', KEYS[1], 'team')
redis.call('ZREM', ARGV[4] .. team, ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
if state == 'claimed' then
  local took = tonumber(ARGV[3]) - tonumber(redis.call('HGET', KEYS[1], 'claimed_at'))
  redis.call('LPUSH', KEYS[5], tostring(took))
  redis.call('LTRIM', KEYS[5], 0, tonumber(ARGV[6]) - 1)
end
redis.call('HSET', KEYS[1], 'state', 'closed', 'outcome', ARGV[2], 'closed_at', ARGV[3], 'closed_by', ARGV[5])
redis.call('EXPIRE', KEYS[1], ARGV[7])
redis.call('EXPIRE', KEYS[6], ARGV[7])
if redis.call('GET', KEYS[4]) == ARGV[1] then redis.call('DEL', KEYS[4]) end
redis.call('XADD', KEYS[3], 'MAXLEN', '~', 10000, '*', 'event', 'closed', 'chat', ARGV[1], 'outcome', ARGV[2])
return 1
"""


class HandoffQueue:
    """The queue's operations; the Redis client is made on first use."""

    def __init__(self, redis_url: str, config: Optional[HandoffConfig] = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.redis_url = redis_url
        self.config = config or load()
        self.clock = clock
        self._client: Optional[aioredis.Redis] = None

    @property
    def client(self) -> aioredis.Redis:
        if self._client is None:
            self._client = async_client(self.redis_url)
        return self._client

    async def close_client(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    # --- resident side ---------------------------------------------------------------------------
    async def enqueue(self, conversation: str, channel: str, team: str, level: Optional[str] = None,
                      summary: str = "", municipality: str = "", language: str = "fi",
                      check_hours: bool = True) -> Enqueued:
        """Puts a conversation in its team's queue, unless the team is closed or its queue full."""
        team_config = self.config.team(team)
        active = await self.active_chat(conversation)
        if active is not None:
            return await self._with_position(Outcome.ALREADY, active)
        if check_hours and not team_config.is_open():
            return Enqueued(Outcome.CLOSED)
        now = self.clock()
        chat_id = secrets.token_hex(8)
        rank = URGENCY.get(level or "", DEFAULT_RANK)
        fields = {"conversation": conversation, "channel": channel, "team": team, "level": level or "",
                  "rank": str(rank), "summary": summary, "municipality": municipality, "language": language}
        outcome, found = await self.client.eval(
            _ENQUEUE, 4, keys.handoff_chat(chat_id), keys.handoff_queue(team), keys.handoff_active(conversation),
            keys.handoff_events(), chat_id, self.config.max_queue, rank * RANK_SCALE + int(now * 1000), repr(now),
            json.dumps(fields))
        if outcome == "full":
            return Enqueued(Outcome.FULL)
        chat = await self.chat(found)
        return await self._with_position(Outcome.QUEUED if outcome == "queued" else Outcome.ALREADY, chat)

    async def _with_position(self, outcome: Outcome, chat: Optional[Chat]) -> Enqueued:
        if chat is None or chat.state != State.QUEUED:
            return Enqueued(outcome, chat)
        position = await self.position(chat.id)
        return Enqueued(outcome, chat, position, await self.estimated_wait_min(chat.team, position or 1))

    async def active_chat(self, conversation: str) -> Optional[Chat]:
        chat_id = await self.client.get(keys.handoff_active(conversation))
        if not chat_id:
            return None
        chat = await self.chat(chat_id)
        return chat if chat is not None and chat.state != State.CLOSED else None

    async def chat(self, chat_id: str) -> Optional[Chat]:
        raw = await self.client.hgetall(keys.handoff_chat(chat_id))
        return Chat.from_hash(chat_id, raw) if raw else None

    async def position(self, chat_id: str) -> Optional[int]:
        chat = await self.chat(chat_id)
        if chat is None or chat.state != State.QUEUED:
            return None
        rank = await self.client.zrank(keys.handoff_queue(chat.team), chat_id)
        return None if rank is None else rank + 1

    async def estimated_wait_min(self, team: str, position: int) -> int:
        """Position × the mean of recent handling times ÷ the advisors online (at least one)."""
        return wait_minutes(position, await self.minutes_per_place(team))

    async def minutes_per_place(self, team: str) -> float:
        """What one place in the team's line is worth in minutes, now (read once for many places)."""
        recent = [float(v) for v in await self.client.lrange(keys.handoff_handled(team), 0, -1)]
        per_chat = (sum(recent) / len(recent) / 60) if recent else self.config.default_handling_minutes
        return per_chat / max(1, await self.advisors_online(team))

    # --- advisor side ----------------------------------------------------------------------------
    async def claim(self, chat_id: str, advisor: str, display_name: str = "") -> bool:
        """True for exactly one of any number of advisors claiming the same waiting chat."""
        return bool(await self.client.eval(
            _CLAIM, 3, keys.handoff_chat(chat_id), keys.handoff_claimed(), keys.handoff_events(),
            chat_id, advisor, repr(self.clock()), keys.handoff_queue(""), display_name or advisor))

    async def touch(self, chat_id: str) -> None:
        """The advisor did something in the chat: it is not theirs to lose to the timeout yet."""
        now = repr(self.clock())
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.hset(keys.handoff_chat(chat_id), "last_activity", now)
            pipe.zadd(keys.handoff_claimed(), {chat_id: float(now)}, xx=True)
            await pipe.execute()

    async def transfer(self, chat_id: str, team: str, by: str = "") -> bool:
        self.config.team(team)
        return await self._requeue(chat_id, team=team, event="transferred", by=by)

    async def release(self, chat_id: str, by: str = "") -> bool:
        """An advisor puts a claimed chat back in the queue, keeping its place by waiting time."""
        return await self._requeue(chat_id, event="released", by=by)

    async def requeue_stale(self) -> list[str]:
        """Claimed chats whose advisor has been silent past the timeout go back to the queue."""
        limit = self.clock() - self.config.claim_timeout_seconds
        stale = await self.client.zrangebyscore(keys.handoff_claimed(), "-inf", limit)
        returned = []
        for chat_id in stale:
            if await self._requeue(chat_id, event="timed_out", idle_before=limit):
                returned.append(chat_id)
        return returned

    async def _requeue(self, chat_id: str, team: str = "", event: str = "requeued", by: str = "",
                       idle_before: Optional[float] = None) -> bool:
        return bool(await self.client.eval(
            _REQUEUE, 3, keys.handoff_chat(chat_id), keys.handoff_claimed(), keys.handoff_events(),
            chat_id, team, keys.handoff_queue(""), event, "" if idle_before is None else repr(idle_before), by))

    async def close(self, chat_id: str, outcome: str, by: str = "") -> bool:
        """Ends the chat with an outcome (`returned_to_bot` gives it back to the bot)."""
        if outcome not in self.config.outcomes and outcome not in ("returned_to_bot", "resident_left"):
            raise ValueError(f"unknown outcome {outcome!r}")
        chat = await self.chat(chat_id)
        if chat is None:
            return False
        return bool(await self.client.eval(
            _CLOSE, 6, keys.handoff_chat(chat_id), keys.handoff_claimed(), keys.handoff_events(),
            keys.handoff_active(chat.conversation), keys.handoff_handled(chat.team), keys.handoff_messages(chat_id),
            chat_id, outcome, repr(self.clock()), keys.handoff_queue(""), by, self.config.recent_handled,
            self.config.closed_retention_days * 86400))

    async def mark_notified(self, chat_id: str, position: Optional[int], wait: Optional[int]) -> None:
        await self.client.hset(keys.handoff_chat(chat_id), "notified", f"{position}:{wait}")

    async def waiting(self, team: str, limit: int = 200) -> list[Chat]:
        """The team's queue, most urgent and longest waiting first."""
        ids = await self.client.zrange(keys.handoff_queue(team), 0, limit - 1)
        chats = [await self.chat(chat_id) for chat_id in ids]
        return [c for c in chats if c is not None]

    async def heartbeat(self, advisor: str, teams: list[str]) -> None:
        now = self.clock()
        async with self.client.pipeline(transaction=False) as pipe:
            for team in teams:
                pipe.zadd(keys.handoff_advisors(team), {advisor: now})
            await pipe.execute()

    async def advisors_online(self, team: str) -> int:
        since = self.clock() - self.config.advisor_online_seconds
        return int(await self.client.zcount(keys.handoff_advisors(team), since, "+inf"))

    # --- relay log and callback requests ---------------------------------------------------------
    async def add_message(self, chat_id: str, role: str, text: str, author: str = "") -> str:
        """Appends to the chat's message log (resident ↔ advisor); returns the stream id."""
        if role not in ("resident", "advisor", "system"):
            raise ValueError(f"unknown role {role!r}")
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.xadd(keys.handoff_messages(chat_id),
                      {"role": role, "text": text, "author": author, "at": repr(self.clock())},
                      maxlen=5000, approximate=True)
            pipe.xadd(keys.handoff_events(), {"event": "message", "chat": chat_id, "role": role},
                      maxlen=10000, approximate=True)
            stream_id, _ = await pipe.execute()
        return stream_id

    async def reply(self, chat: Chat, advisor: str, text: str, display_name: str = "") -> str:
        """An advisor's reply: logged and queued for delivery in one transaction, so it is never
        in the log without being on its way to the resident (or the other way round)."""
        now = repr(self.clock())
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.xadd(keys.handoff_messages(chat.id), {"role": "advisor", "text": text, "author": display_name or advisor,
                                                       "advisor": advisor, "at": now},
                      maxlen=5000, approximate=True)
            pipe.xadd(keys.handoff_outbound(), _outbound(chat, "advisor", text, None, display_name or advisor))
            pipe.xadd(keys.handoff_events(), {"event": "message", "chat": chat.id, "role": "advisor"},
                      maxlen=10000, approximate=True)
            pipe.hset(keys.handoff_chat(chat.id), "last_activity", now)
            pipe.zadd(keys.handoff_claimed(), {chat.id: float(now)}, xx=True)
            results = await pipe.execute()
        return results[0]

    async def notify_resident(self, chat: Chat, text: str, payload: Optional[dict] = None) -> str:
        """A status message from the system to the resident (queue place, connected, closed)."""
        return await self.client.xadd(keys.handoff_outbound(), _outbound(chat, "bot", text, payload, ""))

    async def messages(self, chat_id: str, after: str = "0") -> list[dict[str, str]]:
        entries = await self.client.xrange(keys.handoff_messages(chat_id), min=f"({after}" if after != "0" else "-")
        return [{"id": stream_id, **fields} for stream_id, fields in entries]

    async def request_callback(self, conversation: str, team: str, phone: str, preferred_time: str = "",
                               summary: str = "") -> str:
        """Stores a callback request (soittopyyntö) for the team's advisors; returns its id."""
        self.config.team(team)
        callback_id = secrets.token_hex(8)
        record = {"id": callback_id, "conversation": conversation, "team": team, "phone": phone,
                  "preferred_time": preferred_time, "summary": summary, "created_at": self.clock(),
                  "state": "open", "handled_by": ""}
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.hset(keys.handoff_callbacks(), callback_id, json.dumps(record, ensure_ascii=False))
            pipe.xadd(keys.handoff_events(), {"event": "callback", "callback": callback_id}, maxlen=10000,
                      approximate=True)
            await pipe.execute()
        return callback_id

    async def callbacks(self, team: Optional[str] = None, state: str = "open") -> list[dict[str, Any]]:
        records = [json.loads(v) for v in (await self.client.hgetall(keys.handoff_callbacks())).values()]
        return sorted((r for r in records if r["state"] == state and (team is None or r["team"] == team)),
                      key=lambda r: r["created_at"])

    async def resolve_callback(self, callback_id: str, by: str) -> bool:
        raw = await self.client.hget(keys.handoff_callbacks(), callback_id)
        if raw is None:
            return False
        record = {**json.loads(raw), "state": "done", "handled_by": by, "handled_at": self.clock()}
        await self.client.hset(keys.handoff_callbacks(), callback_id, json.dumps(record, ensure_ascii=False))
        return True

    async def expire_callbacks(self) -> int:
        """Deletes callback requests (they hold phone numbers) older than the retention period:
        handled ones by when they were handled, open ones by when they were made."""
        cutoff = self.clock() - self.config.closed_retention_days * 86400
        old = []
        for callback_id, raw in (await self.client.hgetall(keys.handoff_callbacks())).items():
            try:
                record = json.loads(raw)
                when = float(record.get("handled_at") or record.get("created_at") or 0)
            except (ValueError, TypeError):
                when = 0.0
            if when < cutoff:
                old.append(callback_id)
        if old:
            await self.client.hdel(keys.handoff_callbacks(), *old)
        return len(old)


def wait_minutes(position: int, minutes_per_place: float) -> int:
    return max(1, round(position * minutes_per_place))


def _outbound(chat: Chat, role: str, text: str, payload: Optional[dict], author: str) -> dict[str, str]:
    return {"chat": chat.id, "conversation": chat.conversation, "channel": chat.channel, "role": role,
            "text": text, "custom": json.dumps(payload, ensure_ascii=False) if payload else "", "author": author}
