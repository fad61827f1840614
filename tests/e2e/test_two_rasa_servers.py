"""Two Rasa server processes sharing Redis (and the tracker store): a chat queued through one is
relayed, answered and closed through the other. Runs with the other process-level tests, last."""
from __future__ import annotations

import json

import pytest

from bot.stack import Stack, free_port
from tests.conftest import Client
from tests.console.helpers import login
from tests.console.test_console_api import handoff_payloads, wait_for

pytestmark = pytest.mark.restarts


@pytest.fixture(scope="module")
def second(stack):
    other = Stack(model=stack.model, var_dir=stack.var_dir, host=stack.host, rasa_port=free_port(),
                  action_port=stack.action_port, console_port=stack.console_port, redis_url=stack.redis_url,
                  api_token=stack.api_token, log_dir=stack.log_dir.parent / "logs-second" if stack.log_dir else None,
                  extra_env=stack.extra_env)
    other.start_rasa()
    yield Client(other.rasa_url, other.api_token)
    other.stop()


def test_a_chat_moves_between_two_rasa_servers(client, second, stack, accounts):
    conversation = client.post("/webhooks/webchat/session", b"").body["conversation"]

    def say(server: Client, text: str) -> dict:
        reply = server.post("/webhooks/webchat/webhook", json.dumps({"conversation": conversation, "message": text}).encode())
        assert reply.status == 200, reply.body
        return reply.body

    say(client, "moi, täällä kahden palvelimen testi")
    queued = handoff_payloads(say(second, '/request_human{"handoff_team": "health"}')["messages"])
    assert queued and queued[0]["state"] == "queued"
    assert say(client, "odotan neuvojaa").get("relayed") == "queued", "server 1 sees the queue server 2 wrote"
    sari = login(stack, "sari")
    chat = next(c for c in sari.get("/api/queue").json()["teams"]["health"]["waiting"]
                if "kahden palvelimen testi" in c["summary"])
    assert sari.post(f"/api/chats/{chat['id']}/claim").status_code == 200
    assert sari.post(f"/api/chats/{chat['id']}/reply", {"text": "Hei kahdelta palvelimelta"}).status_code == 200
    for server in (client, second):  # both servers' streams show the advisor's reply (one Redis)
        import urllib.request

        url = f"{server.base}/webhooks/webchat/history?conversation={urllib.request.quote(conversation)}"
        wait_for(lambda: any(m.get("role") == "advisor" for m in json.loads(urllib.request.urlopen(url, timeout=30)
                                                                             .read())["messages"]),
                 what="the advisor's reply")
    assert say(second, "kiitos vastauksesta").get("relayed") == "claimed"
    detail = sari.get(f"/api/chats/{chat['id']}").json()
    texts = [m["text"] for m in detail["transcript"]]
    assert "odotan neuvojaa" in texts and "kiitos vastauksesta" in texts
    assert sari.post(f"/api/chats/{chat['id']}/return").status_code == 200
    back = say(client, "moi taas")
    assert any(m["role"] == "bot" for m in back["messages"]), "the bot resumes on either server"
