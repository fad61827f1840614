"""Delivers the outbound handoff stream to residents: advisor replies and queue status, on the web
chat (its Redis stream) and on Telegram (the Bot API).

Entries are read in a consumer group and acknowledged only after delivery, so an entry taken by a
process that dies is delivered by the next one (at least once); a delivered-marker stops a
redelivery from sending it twice. While Telegram cannot be reached an entry stays pending and is
retried; a resident who blocked the bot is skipped.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
from typing import Optional

from redis.exceptions import RedisError
from telegram import Bot
from telegram.error import Forbidden, TelegramError
from telegram.request import HTTPXRequest

from bot import redis_keys as keys
from bot.handoff.config import HandoffConfig, load
from bot.redis_client import async_client, ensure_group
from bot.settings import TelegramSettings
from channels.outbox import WebOutbox
from channels.telegram_channel import ButtonStore, TelegramOutput, chat_id_of, hide_token_in_logs

logger = logging.getLogger(__name__)
GROUP = "delivery"
RETRY_IDLE_MS = 5000  # a pending entry is retried once it has waited this long


class Relay:
    def __init__(self, redis_url: str, telegram: TelegramSettings, config: Optional[HandoffConfig] = None,
                 consumer: Optional[str] = None) -> None:
        self.redis_url = redis_url
        self.telegram = telegram
        self.config = config or load()
        self.consumer = consumer or f"{socket.gethostname()}-{os.getpid()}"
        self.client = async_client(redis_url)
        self.web = WebOutbox(redis_url)
        self._telegram_output: Optional[TelegramOutput] = None
        self.delivered = 0

    async def telegram_output(self) -> Optional[TelegramOutput]:
        if not self.telegram.enabled:
            return None
        if self._telegram_output is None:
            hide_token_in_logs(self.telegram.token or "")
            request = HTTPXRequest(connect_timeout=5, read_timeout=15, write_timeout=15, pool_timeout=5)
            bot = Bot(self.telegram.token or "", base_url=self.telegram.api_base_url or "https://api.telegram.org/bot",
                      request=request)
            await bot.initialize()
            self._telegram_output = TelegramOutput(bot, ButtonStore(self.redis_url))
        return self._telegram_output

    async def ensure_group(self) -> None:
        await ensure_group(self.client, keys.handoff_outbound(), GROUP, "0")  # everything not yet delivered

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.ensure_group()
                while not stop.is_set():
                    await self.retry_pending()
                    await self.process(block_ms=1000)
            except (RedisError, OSError) as error:
                logger.warning("relay: Redis unavailable (%s); retrying", type(error).__name__)
                await asyncio.sleep(1)

    async def process(self, block_ms: Optional[int] = None) -> int:
        result = await self.client.xreadgroup(GROUP, self.consumer, {keys.handoff_outbound(): ">"},
                                              count=50, block=block_ms)
        done = 0
        for _key, entries in result or []:
            for entry_id, fields in entries:
                done += await self.handle(entry_id, fields)
        return done

    async def retry_pending(self) -> int:
        """Entries not acknowledged within RETRY_IDLE_MS: a failed send, or a process that died."""
        _next, entries, *_ = await self.client.xautoclaim(keys.handoff_outbound(), GROUP, self.consumer,
                                                          min_idle_time=RETRY_IDLE_MS, start_id="0-0", count=50)
        done = 0
        for entry_id, fields in entries:
            if fields:
                done += await self.handle(entry_id, fields)
        return done

    async def handle(self, entry_id: str, fields: dict[str, str]) -> int:
        marker = keys.handoff_delivered(entry_id)
        if not await self.client.exists(marker):
            try:
                await self.deliver(fields)
            except (TelegramError, RedisError, OSError) as error:
                logger.warning("relay: delivery failed (%s); it will be retried", type(error).__name__)
                return 0
            await self.client.set(marker, "1", ex=7 * 24 * 3600)
        await self.client.xack(keys.handoff_outbound(), GROUP, entry_id)
        await self.client.xdel(keys.handoff_outbound(), entry_id)
        self.delivered += 1
        return 1

    async def deliver(self, fields: dict[str, str]) -> None:
        channel, conversation = fields.get("channel", ""), fields.get("conversation", "")
        role, body, author = fields.get("role", "bot"), fields.get("text", ""), fields.get("author", "")
        custom = json.loads(fields["custom"]) if fields.get("custom") else None
        if channel == "webchat":
            item: dict = {"role": role, "text": body}
            if role == "advisor":
                item["name"] = author
            if custom:
                item["custom"] = custom
            await self.web.append(conversation, item)
        elif channel == "neuvokas_telegram":
            output = await self.telegram_output()
            chat_id = chat_id_of(conversation)
            if output is None or chat_id is None:
                logger.warning("relay: Telegram is off or the id is not Telegram's; message dropped")
                return
            if role == "advisor":
                body = self.config.texts["advisor_prefix"].format(advisor=author) + "\n" + body
            try:
                await output.send_text(chat_id, body)
            except Forbidden:
                logger.info("relay: the Telegram resident has blocked the bot; message dropped")
        else:
            # The REST channel has no push: the advisor's messages stay in the chat's log.
            logger.info("relay: channel %r cannot receive pushed messages", channel)

    async def close(self) -> None:
        await self.web.close()
        await self.client.close()
        if self._telegram_output is not None:
            await self._telegram_output.buttons.close()
            await self._telegram_output.bot.shutdown()
