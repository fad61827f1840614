"""Bad input gets a polite Finnish reply or a 4xx: never a 500, a crash or a stack trace."""
import json

import pytest

ODD_MESSAGES = {
    "empty": "",
    "whitespace": "   \n\t ",
    "emoji only": "😀😀🙏",
    "control characters": "\x00\x01\x02\x1b[31m\x7f",
    "long text": ("Hei, kerron vähän taustaa asiastani. " * 300)[:10_000],
}


def _no_trace(reply) -> None:
    text = json.dumps(reply.body, ensure_ascii=False)
    assert "Traceback" not in text and "Exception" not in text


@pytest.mark.parametrize("name", list(ODD_MESSAGES))
@pytest.mark.parametrize("channel", ["rest", "web"])
def test_odd_message_gets_a_polite_reply(client, sender, name, channel):
    reply = getattr(client, channel)(sender, ODD_MESSAGES[name])
    assert reply.status == 200, reply.body
    _no_trace(reply)
    assert reply.texts, f"no reply to {name!r} on {channel}"
    assert all(t.strip() for t in reply.texts)


def test_the_bot_still_answers_after_odd_messages(client, sender):
    for text in ODD_MESSAGES.values():
        client.web(sender, text)
    assert "Neuvokas" in client.web(sender, "moi").texts[0]


@pytest.mark.parametrize("body", [
    b"{not json",
    b"",
    b"[]",
    b'"just a string"',
    b"null",
    b'{"sender": 5, "message": "moi"}',
    b'{"sender": "abcdefgh12", "message": {"x": 1}}',
    b'{"sender": "abcdefgh12"}',
    b"\xff\xfe\x00garbage",
])
def test_malformed_web_chat_body_is_a_4xx_with_a_finnish_reason(client, body):
    reply = client.post("/webhooks/webchat/webhook", body)
    assert 400 <= reply.status < 500
    assert reply.body["error"]


def test_too_long_web_message_is_refused_clearly(client, sender):
    reply = client.web(sender, "a" * 10_001)
    assert reply.status == 413 and "liian pitkä" in reply.body["error"]


def test_oversized_body_is_refused(client):
    reply = client.post("/webhooks/webchat/webhook", b'{"sender": "abcdefgh12", "message": "' + b"a" * 70_000 + b'"}')
    assert reply.status == 413


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'"x"', b"null", b'{"message": 5}'])
def test_malformed_rest_body_is_never_a_500(client, body):
    reply = client.post("/webhooks/rest/webhook", body)
    assert reply.status < 500, reply.body


def test_red_flag_at_the_end_of_a_long_message_is_found(client, sender):
    text = ("Kerron taustaa. " * 500)[:9_000] + " nyt rintaa puristaa kovasti"
    assert client.web(sender, text).custom("emergency") is not None


def test_web_chat_page_and_assets_are_served_locally(client):
    import urllib.request

    with urllib.request.urlopen(client.base + "/webhooks/webchat/") as page:
        html = page.read().decode()
    assert 'lang="fi"' in html and "aria-live" in html and "http" not in html.split("<body>")[1]
    for asset in ("chat.js", "chat.css"):
        with urllib.request.urlopen(client.base + "/webhooks/webchat/static/" + asset) as response:
            assert response.status == 200
