"""Personal data is redacted before the tracker store, the event stream and the queue summary."""
from __future__ import annotations

import json
import sqlite3


def test_identity_codes_and_phone_numbers_never_reach_the_tracker_store(client, sender, stack):
    reply = client.rest(sender, "hei, hetuni on 131052-308T ja numero 040 123 4567, missä on terveysasema Imatralla")
    assert reply.status == 200 and reply.body, "the bot still answers"
    events = client.tracker(sender)["events"]
    texts = [e.get("text") or "" for e in events if e["event"] in ("user", "bot")]
    assert any("[HETU]" in t and "[PUHELIN]" in t for t in texts), texts
    with sqlite3.connect(stack.var_dir / "tracker.db") as db:
        stored = [row[0] for row in db.execute("select data from events where sender_id = ?", (sender,))]
    assert stored and not any("131052-308T" in d or "040 123 4567" in d for d in stored)
    assert any("[HETU]" in json.loads(d).get("text", "") for d in stored)


def test_a_callback_number_is_redacted_in_the_tracker_but_kept_for_the_advisors(client, sender):
    client.rest(sender, '/request_human{"handoff_team": "social"}')  # closed in the tests' hours
    client.rest(sender, "/request_callback")
    saved = client.rest(sender, "050 987 6543")
    assert any("0509876543" in t for t in saved.texts), "the resident sees the number they gave"
    slots = client.tracker(sender)["slots"]
    assert slots.get("callback_phone") in (None, "[PUHELIN]")
    stored = json.dumps(client.tracker(sender)["events"])
    assert "987 6543" not in stored and "0509876543" not in stored


def test_an_operator_deletes_a_conversation_everywhere(client, stack):
    import subprocess
    import sys

    import redis

    from bot.settings import ROOT

    conversation = client.post("/webhooks/webchat/session", b"").body["conversation"]
    sender = "web-" + conversation.split(".")[0]

    def say(text: str) -> dict:
        return client.post("/webhooks/webchat/webhook",
                           json.dumps({"conversation": conversation, "message": text}).encode()).body

    say("moi, poistotesti")
    assert say('/request_human{"handoff_team": "health"}')
    assert client.tracker(sender)["events"]
    r = redis.Redis.from_url(stack.redis_url, decode_responses=True)
    assert r.exists(f"neuvokas:web:stream:{sender}") and r.get(f"neuvokas:handoff:active:{sender}")
    done = subprocess.run([sys.executable, "-m", "bot.cli", "privacy", "delete", conversation], cwd=ROOT,
                          env=stack.env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"poistettu {sender}" in done.stdout
    assert not r.exists(f"neuvokas:web:stream:{sender}") and not r.get(f"neuvokas:handoff:active:{sender}")
    assert not any(r.hget(k, "conversation") == sender for k in r.scan_iter("neuvokas:handoff:chat:*"))
    with sqlite3.connect(stack.var_dir / "tracker.db") as db:
        assert db.execute("select count(*) from events where sender_id = ?", (sender,)).fetchone()[0] == 0
