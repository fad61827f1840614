"""Fuzzing the public endpoints with generated input (hypothesis): whatever a client sends, the
answer is never a 5xx. Counts per endpoint are in the settings below; the run prints the total."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import TELEGRAM_SECRET

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
                    max_leaves=12)
TEXT = st.text(max_size=300)
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
COUNT: dict[str, int] = {}


def post(base: str, path: str, body: bytes, headers: dict | None = None) -> int:
    request = urllib.request.Request(base + path, data=body, method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


def get(base: str, path: str) -> int:
    try:
        with urllib.request.urlopen(base + path, timeout=60) as reply:
            reply.read(200)
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


def checked(name: str, status: int) -> None:
    COUNT[name] = COUNT.get(name, 0) + 1
    assert status < 500, (name, status)


@FUZZ
@given(body=st.binary(max_size=200) | JSON.map(lambda v: json.dumps(v).encode()))
def test_web_chat_webhook_with_any_body(client, body):
    checked("web webhook, any body", post(client.base, "/webhooks/webchat/webhook", body))


@FUZZ
@given(message=TEXT, shown=st.none() | TEXT, client_id=st.none() | st.text(max_size=70), location=st.none() | JSON)
def test_web_chat_webhook_with_a_real_conversation(client, message, shown, client_id, location):
    body = {"conversation": client.conversation("fuzz-web"), "message": message, "shown": shown,
            "client_id": client_id, "location": location}
    checked("web webhook, real conversation", post(client.base, "/webhooks/webchat/webhook", json.dumps(body).encode()))


@FUZZ
@given(sender=st.text(max_size=40), message=TEXT)
def test_rest_webhook(client, sender, message):
    body = json.dumps({"sender": sender or "x", "message": message}).encode()
    checked("REST webhook", post(client.base, "/webhooks/rest/webhook", body))


@FUZZ
@given(update=JSON, text=TEXT)
def test_telegram_webhook(client, update, text):
    body = json.dumps({"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": {"id": 77, "type": "private"},
                                                   "text": text, "junk": update}}).encode()
    checked("Telegram webhook", post(client.base, "/webhooks/neuvokas_telegram/webhook", body,
                                     {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}))
    checked("Telegram webhook", post(client.base, "/webhooks/neuvokas_telegram/webhook", json.dumps(update).encode(),
                                     {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}))


@FUZZ
@given(conversation=st.text(max_size=80), after=st.text(max_size=30), body=JSON)
def test_history_feedback_delete(client, conversation, after, body):
    from urllib.parse import quote

    checked("web history", get(client.base, f"/webhooks/webchat/history?conversation={quote(conversation)}"
                                            f"&after={quote(after)}"))
    checked("web feedback", post(client.base, "/webhooks/webchat/feedback", json.dumps(body).encode()))
    checked("web delete", post(client.base, "/webhooks/webchat/delete",
                               json.dumps({"conversation": conversation}).encode()))


def test_zz_fuzz_figure():
    total = sum(COUNT.values())
    print(f"\nfuzzed public endpoints: {total} generated requests, no 5xx: " +
          ", ".join(f"{k} {v}" for k, v in sorted(COUNT.items())))
