"""Telegram polling mode for development: fetch updates and post them to our own webhook.

Run as `python -m channels.telegram_poll` (the stack starts it when TELEGRAM_MODE=polling). It
uses python-telegram-bot's Updater (getUpdates long polling, which first removes any webhook)
and hands each update to the Rasa server's Telegram webhook with the secret token, so polling and
webhook mode share one code path. Updates are relayed one at a time, in order, with retries.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import sys

import httpx
from telegram import Update
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.settings import Settings
from channels.telegram_channel import ALLOWED_UPDATES, hide_token_in_logs, secret_token_for

logger = logging.getLogger("neuvokas.telegram_poll")


def build(settings: Settings, webhook: str) -> Application:
    telegram = settings.telegram
    builder = Application.builder().token(telegram.token)
    if telegram.api_base_url:
        builder = builder.base_url(telegram.api_base_url)
    application = builder.build()
    secret = secret_token_for(telegram)
    client = httpx.AsyncClient(timeout=60)

    async def relay(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        for attempt in range(5):
            try:
                result = await client.post(webhook, json=update.to_dict(),
                                           headers={"X-Telegram-Bot-Api-Secret-Token": secret})
                if result.status_code < 500:
                    return
            except httpx.HTTPError as error:
                logger.warning("webhook not reachable (%s); retrying", type(error).__name__)
            await asyncio.sleep(1 + attempt)
        logger.error("update %s could not be delivered to the webhook", update.update_id)

    application.add_handler(TypeHandler(Update, relay))
    return application


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--webhook", required=True, help="the Rasa server's Telegram webhook URL")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if not settings.telegram.enabled:
        print("Telegram is off: set TELEGRAM_BOT_TOKEN to poll.", file=sys.stderr)
        return 1
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    hide_token_in_logs(settings.telegram.token or "")
    application = build(settings, args.webhook)
    application.run_polling(allowed_updates=ALLOWED_UPDATES, poll_interval=0.0, timeout=20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
