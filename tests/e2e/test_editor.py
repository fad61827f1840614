"""Content editors on the real stack: the review list fills from real conversations (redacted),
decisions change the training files, jobs run from the console, and a model is published to the
running Rasa server under load with no lost or failed message, then rolled back."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
import yaml

from bot.settings import ROOT
from tests.console.test_console_api import web_conversation, web_say

pytestmark = pytest.mark.restarts  # publishing swaps the server's model: after the other tests


def review_texts(console) -> dict[str, dict]:
    return {i["text"]: i for g in console.get("/api/editor/review").json()["groups"] for i in g["items"]}


def test_review_list_fills_redacted_and_a_decision_changes_the_training_file(stack, client, console_as):
    sender = "editor-" + uuid.uuid4().hex
    client.rest(sender, "haluan puhua ihmisen kanssa, numeroni on 040 765 4321")
    conversation = web_conversation(client)
    answer = [m for m in web_say(client, conversation, "missä on lähin hammashoitola Imatralla")["messages"]
              if m["role"] == "bot" and m.get("text") and not m.get("buttons")][-1]
    post = lambda body: client.post("/webhooks/webchat/feedback", json.dumps({"conversation": conversation, **body}).encode())
    assert post({"message": answer["id"], "helpful": "no"}).status == 400
    assert post({"message": "1-1", "helpful": False}).status == 404
    assert post({"message": answer["id"], "helpful": False}).body == {"saved": True}
    eeva = console_as("eeva")
    items = review_texts(eeva)
    assert items["haluan puhua ihmisen kanssa, numeroni on [PUHELIN]"]["reason"] in ("handoff", "low_confidence")
    negative = items["missä on lähin hammashoitola Imatralla"]
    assert negative["reason"] == "feedback_negative" and "Imatra" in negative["answer"]
    assert not any("040 765 4321" in t for t in items), "no phone number is kept"

    decided = eeva.post(f"/api/editor/review/{negative['id']}/decide", {"action": "assign", "intent": "find_service"})
    assert decided.status_code == 200, decided.text
    services = (stack.var_dir / "training" / "nlu_data" / "nlu" / "services.yml").read_text(encoding="utf-8")
    assert "    - missä on lähin hammashoitola Imatralla\n" in services
    assert "missä on lähin hammashoitola Imatralla" not in review_texts(eeva), "decided items leave the list"
    again = eeva.post(f"/api/editor/review/{negative['id']}/decide", {"action": "bogus"})
    assert again.status_code == 400

    started = eeva.post("/api/editor/jobs", {"command": "validate"})
    assert started.status_code == 200, started.text
    assert eeva.post("/api/editor/jobs", {"command": "validate"}).status_code == 409, "one job at a time"
    deadline = time.monotonic() + 180
    while (job := eeva.get("/api/editor/jobs/current").json())["running"] and time.monotonic() < deadline:
        time.sleep(1)
    assert job["exit_code"] == 0 and "data kunnossa" in job["output"], job


def _status_model(stack) -> str:
    with urllib.request.urlopen(f"{stack.rasa_url}/status?token={stack.api_token}", timeout=30) as reply:
        return Path(json.loads(reply.read())["model_file"]).name


def _editor(stack, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.cli", "editor", *args], cwd=ROOT, env=stack.env(),
                          capture_output=True, text=True, timeout=900)


def test_publish_under_load_loses_no_message_refuses_a_worse_model_and_rolls_back(stack, tmp_path):
    production = str(stack.model.resolve())
    assert _status_model(stack) == stack.model.name
    candidate = tmp_path / "neuvokas-00000000000000aa.tar.gz"
    shutil.copy(production, candidate)
    results: list[tuple[bool, float]] = []
    stop = threading.Event()

    def resident(number: int) -> None:
        turn = 0
        while not stop.is_set():
            body = json.dumps({"sender": f"load-{number}-{turn % 3}", "message": ["moi", "missä on labra Imatralla",
                                                                                   "kiitos"][turn % 3]}).encode()
            request = urllib.request.Request(f"{stack.rasa_url}/webhooks/rest/webhook", data=body,
                                             headers={"Content-Type": "application/json"})
            started = time.monotonic()
            try:
                with urllib.request.urlopen(request, timeout=120) as reply:
                    ok = reply.status == 200 and bool(json.loads(reply.read()))
            except OSError:
                ok = False
            results.append((ok, time.monotonic() - started))
            turn += 1

    threads = [threading.Thread(target=resident, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    try:
        published = _editor(stack, "publish", "--model", str(candidate))
        assert published.returncode == 0, published.stdout + published.stderr
        assert _status_model(stack) == candidate.name
        time.sleep(2)
        during_publish = len(results)
        rolled = _editor(stack, "rollback")
        assert rolled.returncode == 0, rolled.stdout + rolled.stderr
        assert _status_model(stack) == stack.model.name
        time.sleep(2)
    finally:
        stop.set()
        for thread in threads:
            thread.join(150)
    failed = [r for r in results if not r[0]]
    print(f"\npublish and rollback under load: {len(results)} resident turns ({during_publish} by the end of the "
          f"publish), {len(failed)} failed or lost, slowest {max(t for _, t in results):.1f} s")
    assert results and not failed

    # a worse model (its evaluation report says so) is refused, unless forced
    worse = tmp_path / "neuvokas-00000000000000bb.tar.gz"
    shutil.copy(production, worse)
    reports = stack.var_dir / "reports"
    report = json.loads((reports / "neuvokas-00000000000000aa" / "report.json").read_text(encoding="utf-8"))
    report["red_flags"]["caught"] -= 1
    (reports / "neuvokas-00000000000000bb").mkdir(parents=True)
    (reports / "neuvokas-00000000000000bb" / "report.json").write_text(json.dumps(report), encoding="utf-8")
    refused = _editor(stack, "publish", "--model", str(worse))
    assert refused.returncode == 3 and "EI JULKAISTU" in refused.stdout and "hätämerkkejä" in refused.stdout
    assert _status_model(stack) == stack.model.name
    registry = json.loads((stack.var_dir / "models.json").read_text(encoding="utf-8"))
    assert registry["current"] == str(production)
    assert yaml.safe_load((reports / "neuvokas-00000000000000aa" / "report.json").read_text())["per_intent"]
    assert (reports / "neuvokas-00000000000000aa" / "confusion.png").stat().st_size > 10_000
    os.remove(worse)
