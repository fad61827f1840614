"""Telegram output without Rasa: python-telegram-bot's Bot against the fake Bot API server."""
from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest
from telegram import Bot
from telegram.error import RetryAfter

from channels.telegram_channel import (
    ButtonStore,
    TelegramOutput,
    TokenFilter,
    chat_id_of,
    retry_seconds,
    split_message,
    utf16_len,
)
from tests.fakes.bot_api import FakeBotApi

TOKEN = "7000000001:AAE-output-test"


@pytest.fixture(scope="module")
def api():
    server = FakeBotApi(TOKEN).start()
    yield server
    server.stop()


def run(coroutine):
    return asyncio.new_event_loop().run_until_complete(coroutine)


async def _send(api: FakeBotApi, message: dict, chat_id: int = 501) -> None:
    async with Bot(TOKEN, base_url=api.base_url) as bot:
        await TelegramOutput(bot, ButtonStore(None)).send_response(f"telegram-{chat_id}", message)


@pytest.mark.parametrize("text,parts", [
    ("lyhyt", 1),
    ("a" * 4096, 1),
    ("a" * 4097, 2),
    (("Kappale. " * 50 + "\n\n") * 30, 4),
])
def test_split_message_keeps_parts_within_the_limit(text, parts):
    result = split_message(text)
    assert len(result) == parts
    assert all(utf16_len(p) <= 4096 for p in result)
    assert "".join(result).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace("\n", "")


def test_split_counts_emoji_as_two_units():
    result = split_message("😀" * 3000)
    assert all(utf16_len(p) <= 4096 for p in result) and len(result) == 2


def test_split_prefers_paragraph_boundaries():
    text = "A" * 3000 + "\n\n" + "B" * 3000
    assert split_message(text) == ["A" * 3000, "B" * 3000]


def test_long_reply_is_sent_in_parts_with_buttons_on_the_last(api):
    text = ("Tämä on pitkä vastaus, jossa on paljon tietoa palveluista. " * 40 + "\n\n") * 5
    buttons = [{"title": "Kyllä", "payload": "kyllä"}, {"title": "Ei", "payload": "ei"}]
    run(_send(api, {"text": text, "buttons": buttons}, chat_id=502))
    sent = api.sent(502)
    assert len(sent) == len(split_message(text)) >= 3
    assert all(len(c.params["text"]) <= 4096 for c in sent)
    assert [bool(c.params.get("reply_markup")) for c in sent] == [False] * (len(sent) - 1) + [True]


def test_long_button_payload_goes_through_the_store(api):
    payload = '/inform{"service_type": "caregiver_support", "place": "Ruokolahti", "extra": "x"}'
    run(_send(api, {"text": "Valitse", "buttons": [{"title": "Omaishoito", "payload": payload}]}, chat_id=503))
    data = api.sent(503)[0].params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert data.startswith("h:") and len(data.encode()) <= 64


def test_emergency_is_marked(api):
    run(_send(api, {"text": "Soita heti 112.", "custom": {"type": "emergency", "number": "112"}}, chat_id=504))
    assert api.sent(504)[0].params["text"] == "🚨 Soita heti 112."


def test_repeated_429_gives_up_after_the_attempts(api):
    api.fail_next("sendMessage", times=10, retry_after=1)
    with pytest.raises(RetryAfter):
        run(_send(api, {"text": "moi"}, chat_id=505))
    api.failures.clear()


def test_helpers():
    assert chat_id_of("telegram-42") == 42 and chat_id_of("web-42") is None and chat_id_of("telegram-x") is None
    assert retry_seconds(RetryAfter(3)) == 3.0
    assert retry_seconds(RetryAfter(timedelta(seconds=2))) == 2.0


def test_token_filter_hides_the_token():
    record = logging.LogRecord("httpx", logging.INFO, "x", 1, "POST https://api/bot%s/sendMessage", (TOKEN,), None)
    TokenFilter(TOKEN).filter(record)
    assert TOKEN not in record.getMessage() and "<token>" in record.getMessage()
