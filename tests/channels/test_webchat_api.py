"""The web chat channel over HTTP: signed conversation ids, the live stream, replay, delete."""
from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.error
import urllib.request

import pytest

from channels.outbox import WebOutbox

WEB = "/webhooks/webchat"


def read_events(url: str, count: int, last_event_id: str | None = None, timeout: float = 30) -> list[dict]:
    """The first `count` messages of a Server-Sent Events stream."""
    headers = {"Accept": "text/event-stream"}
    if last_event_id:
        headers["Last-Event-ID"] = last_event_id
    request = urllib.request.Request(url, headers=headers)
    found: list[dict] = []
    deadline = time.monotonic() + timeout
    with urllib.request.urlopen(request, timeout=timeout) as stream:
        assert stream.headers["Content-Type"].startswith("text/event-stream")
        data: list[str] = []
        while len(found) < count and time.monotonic() < deadline:
            line = stream.readline().decode("utf-8")
            if not line:
                break
            line = line.rstrip("\n")
            if line.startswith("data:"):
                data.append(line[5:].strip())
            elif line == "" and data:
                found.append(json.loads("\n".join(data)))
                data = []
    return found


def _order(stream_id: str) -> tuple[int, int]:
    ms, seq = stream_id.split("-")
    return int(ms), int(seq)


def post(client, path: str, body: dict) -> tuple[int, dict]:
    reply = client.post(WEB + path, json.dumps(body).encode())
    return reply.status, reply.body


@pytest.fixture
def conversation(client) -> str:
    return client.post(WEB + "/session", b"").body["conversation"]


def test_conversation_ids_are_signed_and_forged_ones_refused(client, conversation):
    other = client.post(WEB + "/session", b"").body["conversation"]
    assert other != conversation
    token, signature = conversation.split(".")
    forged = token + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    for bad in (forged, "x" * 45, "", None, 5):
        status, body = post(client, "/webhook", {"conversation": bad, "message": "moi"})
        assert status == 403 and "tunniste" in body["error"]
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{client.base}{WEB}/history?conversation={forged}")
    assert refused.value.code == 403
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{client.base}{WEB}/events?conversation={forged}")
    assert refused.value.code == 403


def test_replies_are_pushed_on_the_stream_and_replayed_after_a_reconnect(client, conversation):
    url = f"{client.base}{WEB}/events?conversation={conversation}"
    got: list[dict] = []
    reader = threading.Thread(target=lambda: got.extend(read_events(url, 2)))
    reader.start()
    time.sleep(0.5)
    status, body = post(client, "/webhook", {"conversation": conversation, "message": "moi", "client_id": "client-001"})
    assert status == 200
    reader.join(35)
    user, bot = body["messages"][0], body["messages"][1]
    assert user == {**user, "role": "user", "text": "moi", "client_id": "client-001"}
    assert [m["id"] for m in got] == [user["id"], bot["id"]], "the stream carries the same messages, in order"
    post(client, "/webhook", {"conversation": conversation, "message": "kiitos"})
    later = read_events(url, 2, last_event_id=bot["id"])
    assert later[0]["text"] == "kiitos" and later[0]["role"] == "user"
    assert all(_order(m["id"]) > _order(bot["id"]) for m in later)


def test_history_replays_the_whole_conversation_for_a_reload(client, conversation):
    post(client, "/webhook", {"conversation": conversation, "message": "moi"})
    post(client, "/webhook", {"conversation": conversation, "message": "mitä osaat"})
    with urllib.request.urlopen(f"{client.base}{WEB}/history?conversation={conversation}") as response:
        messages = json.loads(response.read())["messages"]
    assert [m["text"] for m in messages if m["role"] == "user"] == ["moi", "mitä osaat"]
    assert len([m for m in messages if m["role"] == "bot"]) >= 2


def test_a_resent_message_is_answered_once(client, conversation):
    body = {"conversation": conversation, "message": "moi", "client_id": "resend-0001"}
    first = post(client, "/webhook", body)
    second = post(client, "/webhook", body)
    assert first[0] == 200 and len(first[1]["messages"]) >= 2
    # The resend gets the same answer again (the page may have missed it), not a second one.
    assert second[0] == 200 and second[1]["duplicate"] is True
    assert [m["id"] for m in second[1]["messages"]] == [m["id"] for m in first[1]["messages"]]
    assert [m.get("text") for m in second[1]["messages"]] == [m.get("text") for m in first[1]["messages"]]
    with urllib.request.urlopen(f"{client.base}{WEB}/history?conversation={conversation}") as response:
        messages = json.loads(response.read())["messages"]
    assert len([m for m in messages if m["role"] == "user"]) == 1


def test_a_message_from_another_process_is_pushed(client, stack, conversation):
    """What the advisor console will do: append to the stream; the open page gets it at once."""
    sender = "web-" + conversation.split(".")[0]
    url = f"{client.base}{WEB}/events?conversation={conversation}"
    got: list[dict] = []
    reader = threading.Thread(target=lambda: got.extend(read_events(url, 1)))
    reader.start()
    time.sleep(0.5)

    async def push() -> None:
        outbox = WebOutbox(stack.redis_url)
        await outbox.append(sender, {"role": "advisor", "name": "Sari", "text": "Hei, olen sairaanhoitaja Sari."})
        await outbox.close()

    pushed = threading.Thread(target=lambda: asyncio.new_event_loop().run_until_complete(push()))
    pushed.start()
    pushed.join(10)
    reader.join(35)
    assert got and got[0]["role"] == "advisor" and got[0]["text"].startswith("Hei, olen")


def test_shared_location_in_the_web_chat(client, conversation):
    post(client, "/webhook", {"conversation": conversation, "message": "missä on lähin hammashoitola"})
    status, body = post(client, "/webhook", {"conversation": conversation, "message": "",
                                             "location": {"latitude": 61.0495, "longitude": 28.1240}})
    assert status == 200
    services = next(m["custom"] for m in body["messages"] if (m.get("custom") or {}).get("type") == "services")
    assert services["items"][0]["name"] == "Sammonlahden hammashoitola"


@pytest.mark.parametrize("location", [{"latitude": "x"}, {"latitude": 200, "longitude": 0}, "Imatra", [1, 2]])
def test_bad_location_is_a_400(client, conversation, location):
    status, body = post(client, "/webhook", {"conversation": conversation, "message": "", "location": location})
    assert status == 400 and "Sijaintia" in body["error"]


def test_location_outside_the_region_gets_a_polite_reply(client, conversation):
    status, body = post(client, "/webhook", {"conversation": conversation, "message": "",
                                             "location": {"latitude": 60.1699, "longitude": 24.9384}})  # Helsinki
    assert status == 200 and "ulkopuolella" in body["messages"][-1]["text"]


def test_delete_my_conversation_removes_the_stream_and_the_tracker(client, conversation):
    post(client, "/webhook", {"conversation": conversation, "message": "minulla on kuumetta"})
    sender = "web-" + conversation.split(".")[0]
    assert [e for e in client.tracker(sender)["events"] if e["event"] == "user"]
    status, body = post(client, "/delete", {"conversation": conversation})
    assert status == 200 and body["deleted"] and "poistettu" in body["message"]
    assert body["conversation"] != conversation
    assert not [e for e in client.tracker(sender)["events"] if e["event"] == "user"]
    with urllib.request.urlopen(f"{client.base}{WEB}/history?conversation={conversation}") as response:
        assert json.loads(response.read())["messages"] == []


@pytest.mark.parametrize("body", [b"{", b"[]", b"null", b'{"conversation": 1}'])
def test_delete_with_bad_input_is_a_4xx(client, body):
    assert 400 <= client.post(WEB + "/delete", body).status < 500


def test_health_reports_server_push(client):
    with urllib.request.urlopen(f"{client.base}{WEB}/health") as response:
        assert json.loads(response.read()) == {"status": "ok", "push": True}


def test_page_has_security_headers(client):
    with urllib.request.urlopen(f"{client.base}{WEB}/") as response:
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
