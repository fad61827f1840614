"""The Telegram channel, driven through python-telegram-bot inside the real Rasa server.

Telegram itself is not reachable here, so the channel's `base_url` points at a local fake Bot API
server (tests/fakes/bot_api.py) that records what the bot sends and can answer 429.
"""
from __future__ import annotations

import itertools
import json
import random
import subprocess
import sys
import time

import pytest

from bot.settings import ROOT
from tests.conftest import OUTPUT, TELEGRAM_SECRET, TELEGRAM_TOKEN

_ids = itertools.count(random.randint(10_000, 10_000_000))


class Telegram:
    """Sends updates to the stack's webhook as Telegram would, and reads what the bot sent."""

    def __init__(self, client, api):
        self.client, self.api = client, api
        self.path = "/webhooks/neuvokas_telegram/webhook"

    def post(self, update: dict | bytes, secret: str | None = TELEGRAM_SECRET):
        body = update if isinstance(update, bytes) else json.dumps(update).encode()
        import urllib.error
        import urllib.request

        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        request = urllib.request.Request(self.client.base + self.path, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=90) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    @staticmethod
    def message(chat_id: int, **fields) -> dict:
        return {"update_id": next(_ids), "message": {
            "message_id": next(_ids), "date": int(time.time()), "chat": {"id": chat_id, "type": "private"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Asukas", "language_code": "fi"}, **fields}}

    def say(self, chat_id: int, text: str) -> list[dict]:
        """Sends a text message and returns the bot's sendMessage calls made while handling it."""
        before = len(self.api.sent(chat_id))
        fields = {"text": text}
        if text.startswith("/"):
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        status, body = self.post(self.message(chat_id, **fields))
        assert status == 200, body
        return [c.params for c in self.api.sent(chat_id)[before:]]

    def press(self, chat_id: int, data: str, message_id: int = 1) -> tuple[int, list[dict]]:
        before = len(self.api.sent(chat_id))
        update = {"update_id": next(_ids), "callback_query": {
            "id": str(next(_ids)), "chat_instance": "ci", "data": data,
            "from": {"id": chat_id, "is_bot": False, "first_name": "Asukas"},
            "message": {"message_id": message_id, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"},
                        "text": "..."}}}
        status, _ = self.post(update)
        return status, [c.params for c in self.api.sent(chat_id)[before:]]


@pytest.fixture(scope="module")
def telegram(client, telegram_api):
    return Telegram(client, telegram_api)


@pytest.fixture
def chat_id() -> int:
    return next(_ids)


def _keyboard(params: dict) -> list[dict]:
    markup = params.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def test_start_and_help(telegram, chat_id):
    sent = telegram.say(chat_id, "/start")
    assert sent and "Neuvokas" in sent[0]["text"]
    assert _keyboard(sent[0]), "the greeting offers buttons as an inline keyboard"
    sent = telegram.say(chat_id, "/help")
    assert any("Osaan auttaa" in p["text"] for p in sent)


def test_service_question_gets_the_directory_answer(telegram, chat_id):
    sent = telegram.say(chat_id, "missä on lähin hammashoitola Imatralla")
    text = "\n".join(p["text"] for p in sent)
    assert "hammashoito" in text.lower() and "Imatra" in text and "112" in text


def test_triage_buttons_are_an_inline_keyboard_and_callbacks_are_acknowledged(telegram, telegram_api, chat_id):
    sent = telegram.say(chat_id, "minulla on kuumetta, olen 40-vuotias")
    question = next(p for p in sent if _keyboard(p))
    options = {b["text"]: b["callback_data"] for b in _keyboard(question)}
    assert {"Kyllä", "Ei"} <= set(options)
    answered = len(telegram_api.sent(method="answerCallbackQuery"))
    status, sent = telegram.press(chat_id, options["Ei"])
    assert status == 200
    assert len(telegram_api.sent(method="answerCallbackQuery")) == answered + 1
    assert sent, "the next triage step follows the button"
    assert telegram_api.sent(chat_id, "editMessageReplyMarkup"), "the pressed keyboard is removed"


def test_shared_location_answers_nearest(telegram, telegram_api, chat_id):
    sent = telegram.say(chat_id, "missä on lähin hammashoitola")
    ask = sent[-1]
    keyboard = (ask.get("reply_markup") or {}).get("keyboard")
    assert keyboard and keyboard[0][0].get("request_location") is True, ask
    before = len(telegram_api.sent(chat_id))
    status, _ = telegram.post(telegram.message(chat_id, location={"latitude": 61.0495, "longitude": 28.1240}))
    assert status == 200
    text = "\n".join(c.params["text"] for c in telegram_api.sent(chat_id)[before:])
    assert "Sammonlahden hammashoitola" in text and "0,3 km" in text


def test_red_flag_gets_112_at_once(telegram, chat_id):
    sent = telegram.say(chat_id, "isä ei pysty puhumaan ja suupieli roikkuu")
    assert sent[0]["text"].startswith("🚨") and "112" in sent[0]["text"]


def test_flood_control_429_is_waited_out(telegram, telegram_api, chat_id):
    telegram_api.fail_next("sendMessage", times=1, retry_after=1)
    telegram.say(chat_id, "moi")
    calls = [c for c in telegram_api.calls if c.method == "sendMessage" and str(c.params.get("chat_id")) == str(chat_id)]
    refused = [c for c in calls if c.status == 429]
    delivered = [c for c in calls if c.status == 200]
    assert refused and delivered, "the refused message was sent again"
    assert delivered[0].at - refused[0].at >= 0.95, "the retry waited retry_after"
    assert delivered[0].params["text"] == refused[0].params["text"]


def test_edited_message_sticker_and_photo_get_polite_replies(telegram, telegram_api, chat_id):
    edited = telegram.message(chat_id, text="korjattu", edit_date=int(time.time()))
    edited["edited_message"] = edited.pop("message")
    sticker = telegram.message(chat_id, sticker={"file_id": "s", "file_unique_id": "s", "width": 512, "height": 512,
                                                 "is_animated": False, "is_video": False, "type": "regular"})
    photo = telegram.message(chat_id, photo=[{"file_id": "p", "file_unique_id": "p", "width": 90, "height": 90}])
    for update, expected in ((edited, "muokkasit"), (sticker, "tarrasta"), (photo, "Ymmärrän vain tekstiä")):
        before = len(telegram_api.sent(chat_id))
        status, _ = telegram.post(update)
        assert status == 200
        assert expected in telegram_api.sent(chat_id)[before:][0].params["text"]


def test_unknown_and_unparseable_updates_are_taken_quietly(telegram, telegram_api):
    """Telegram re-sends an update until it gets a 200, so one we cannot use is acknowledged and dropped."""
    before = len(telegram_api.sent())
    for update in ({"update_id": next(_ids), "something_new": {"x": 1}},
                   {"update_id": next(_ids), "poll": {"id": "1", "question": "?"}},
                   {"update_id": next(_ids), "message": "not an object"}):
        status, body = telegram.post(update)
        assert status == 200, body
    assert len(telegram_api.sent()) == before


def test_old_and_unknown_buttons_are_handled_politely(telegram, chat_id):
    status, sent = telegram.press(chat_id, "h:" + "0" * 40)
    assert status == 200 and "vanhentunut" in sent[0]["text"]
    status, sent = telegram.press(chat_id, "p:kyllä")  # a triage answer after the triage has ended
    assert status == 200 and sent and sent[0]["text"]


def test_a_resent_update_is_answered_once(telegram, telegram_api, chat_id):
    update = telegram.message(chat_id, text="kiitos")
    assert telegram.post(update)[0] == 200
    count = len(telegram_api.sent(chat_id))
    assert telegram.post(update) == (200, {"ok": True, "duplicate": True})
    assert len(telegram_api.sent(chat_id)) == count


@pytest.mark.parametrize("secret", [None, "", "wrong-secret"])
def test_forged_webhook_call_is_refused(telegram, telegram_api, chat_id, secret):
    status, body = telegram.post(telegram.message(chat_id, text="moi"), secret=secret)
    assert status == 403 and body["error"]
    assert not telegram_api.sent(chat_id)


@pytest.mark.parametrize("body", [b"{not json", b"", b"[]", b"null", b'{"update_id": "x"}', b"\xff\xfe"])
def test_malformed_webhook_body_is_a_4xx(telegram, body):
    status, reply = telegram.post(body)
    assert 400 <= status < 500 and reply["error"]


def test_oversized_webhook_body_is_refused(telegram):
    status, _ = telegram.post(b'{"update_id": 1, "x": "' + b"a" * 1_100_000 + b'"}')
    assert status == 413


def test_long_text_message_is_answered(telegram, chat_id):
    sent = telegram.say(chat_id, ("Kerron taustaa. " * 600)[:9_000])
    assert sent and all(len(p["text"]) <= 4096 for p in sent)


def test_delete_my_conversation(telegram, client, chat_id):
    telegram.say(chat_id, "minulla on kuumetta")
    assert client.tracker(f"telegram-{chat_id}")["events"]
    sent = telegram.say(chat_id, "/poista")
    assert "poistettu" in sent[-1]["text"]
    events = client.tracker(f"telegram-{chat_id}")["events"]
    assert not [e for e in events if e["event"] == "user"]


def test_the_token_is_never_logged(telegram, chat_id):
    telegram.say(chat_id, "moi")
    logs = "".join(p.read_text(errors="replace") for p in (OUTPUT / "logs").glob("*.log"))
    assert TELEGRAM_TOKEN not in logs
    assert TELEGRAM_TOKEN.split(":")[1] not in logs


def test_polling_mode_relays_updates_to_the_webhook(stack, telegram_api, chat_id):
    """Development mode: the poller fetches getUpdates from the fake server and posts to the webhook."""
    env = stack.env()
    env["TELEGRAM_MODE"] = "polling"
    poller = subprocess.Popen([sys.executable, "-m", "channels.telegram_poll", "--webhook", stack.telegram_webhook_url],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        telegram_api.queue_update(Telegram.message(chat_id, text="moi"))
        sent = telegram_api.wait_for(chat_id, 1, timeout=60)
        assert "Neuvokas" in sent[0].params["text"] or sent[0].params["text"]
        assert telegram_api.sent(method="deleteWebhook"), "polling removes the webhook first"
    finally:
        poller.terminate()
        output = poller.communicate(timeout=20)[0].decode(errors="replace")
    assert TELEGRAM_TOKEN not in output


def test_thumbs_under_an_answer_and_a_no_goes_to_the_review_list(telegram, telegram_api, chat_id, stack):
    from bot.review.store import ReviewStore

    telegram.say(chat_id, "missä on lähin hammashoitola Imatralla")
    edits = telegram_api.sent(chat_id, "editMessageReplyMarkup")
    assert edits, "the answer gets the feedback buttons"
    keys = [b for row in edits[-1].params["reply_markup"]["inline_keyboard"] for b in row]
    assert [k["text"] for k in keys] == ["👍 Oli apua", "👎 Ei apua"]
    status, sent = telegram.press(chat_id, keys[1]["callback_data"])
    assert status == 200 and sent[-1]["text"] == "Kiitos palautteesta!"
    found = [i for i in ReviewStore(stack.redis_url).items() if i.reason == "feedback_negative"
             and i.text == "missä on lähin hammashoitola Imatralla"]
    assert found and "Imatra" in found[0].answer
