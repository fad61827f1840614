"""Session fixtures: one real stack (Redis, action server, Rasa with the trained model) per run.

Starting Rasa with the spaCy model takes over a minute, so every end-to-end test shares one.
"""
from __future__ import annotations

import json
import secrets
import shutil
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.model import ensure_model
from bot.settings import ROOT
from bot.stack import Stack, free_port
from tests.fakes.bot_api import FakeBotApi

OUTPUT = ROOT / "tests" / "output"
TELEGRAM_TOKEN = "7000000001:AAE-test-token-" + secrets.token_hex(8)
TELEGRAM_SECRET = "webhook-secret-" + secrets.token_hex(8)


@dataclass
class Reply:
    status: int
    body: Any

    @property
    def texts(self) -> list[str]:
        return [m["text"] for m in self.body if m.get("text")]

    @property
    def customs(self) -> list[dict]:
        return [m["custom"] for m in self.body if m.get("custom")]

    def custom(self, type_: str) -> dict | None:
        return next((c for c in self.customs if c.get("type") == type_), None)


class Client:
    """Talks to the running Rasa server over HTTP, as a channel would."""

    def __init__(self, base: str, token: str):
        self.base, self.token = base, token
        self.conversations: dict[str, str] = {}

    def post(self, path: str, body: bytes, content_type: str = "application/json") -> Reply:
        request = urllib.request.Request(self.base + path, data=body, method="POST",
                                         headers={"Content-Type": content_type})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                raw = response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            raw, status = error.read(), error.code
        try:
            return Reply(status, json.loads(raw or b"null"))
        except json.JSONDecodeError:
            return Reply(status, raw.decode("utf-8", "replace"))

    def rest(self, sender: str, message: str) -> Reply:
        return self.post("/webhooks/rest/webhook", json.dumps({"sender": sender, "message": message}).encode())

    def conversation(self, sender: str) -> str:
        """The web chat's signed conversation id standing for `sender` in a test."""
        if sender not in self.conversations:
            self.conversations[sender] = self.post("/webhooks/webchat/session", b"").body["conversation"]
        return self.conversations[sender]

    def web(self, sender: str, message: Any, **fields: Any) -> Reply:
        """A web chat message; the reply's body is the bot's messages, like the REST channel's."""
        body = {"conversation": self.conversation(sender), "message": message, **fields}
        reply = self.post("/webhooks/webchat/webhook", json.dumps(body).encode())
        if reply.status == 200:
            return Reply(200, [m for m in reply.body["messages"] if m["role"] != "user"])
        return reply

    def parse(self, text: str) -> dict:
        return self.post(f"/model/parse?token={self.token}", json.dumps({"text": text}).encode()).body

    def tracker(self, sender: str) -> dict:
        with urllib.request.urlopen(f"{self.base}/conversations/{sender}/tracker?token={self.token}", timeout=30) as r:
            return json.loads(r.read())


@pytest.fixture(scope="session")
def model_path() -> Path:
    return ensure_model(ROOT / "models")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory):
    """A redis-server of the tests' own on a free port (no persistence), for unit tests of Redis code."""
    import subprocess

    from bot.stack import _redis_ping, redis_binary, wait_until

    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen([redis_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(folder)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until(lambda: _redis_ping(port), 20, "redis-server", process)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="session")
def telegram_api():
    """The fake Telegram Bot API the stack's Telegram channel talks to (base_url)."""
    api = FakeBotApi(TELEGRAM_TOKEN).start()
    yield api
    api.stop()


def fixed_hours_config(folder: Path) -> Path:
    """The real handoff configuration with fixed hours, so the tests do not depend on the clock:
    the health team is always open, the social team never (its callback path is tested)."""
    import yaml

    from bot.handoff.config import CONFIG

    raw = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    raw["teams"]["health"].update({"hours": {"mon-sun": "00:00-24:00"}, "holidays": "open"})
    raw["teams"]["social"]["hours"] = {}
    path = folder / "handoff.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def stack(model_path: Path, tmp_path_factory: pytest.TempPathFactory, telegram_api: FakeBotApi):
    var_dir = tmp_path_factory.mktemp("var")
    handoff_config = fixed_hours_config(var_dir)
    training = var_dir / "training"  # the editor tests change training data here, not in the repository
    training.mkdir()
    for name in ("config.yml", "domain.yml"):
        shutil.copy(ROOT / name, training / name)
    shutil.copytree(ROOT / "nlu_data", training / "nlu_data")
    logs = OUTPUT / "logs"
    for old in logs.glob("*.log"):
        old.unlink()
    stack = Stack(model=model_path, var_dir=var_dir, rasa_port=free_port(), action_port=free_port(),
                  console_port=free_port(),
                  api_token=secrets.token_urlsafe(16), log_dir=logs,
                  extra_env={"TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
                             "TELEGRAM_API_BASE_URL": telegram_api.base_url, "TELEGRAM_MODE": "webhook",
                             "NEUVOKAS_HANDOFF_CONFIG": str(handoff_config),
                             "NEUVOKAS_TRAINING_ROOT": str(training), "NEUVOKAS_MODELS_DIR": str(var_dir / "models"),
                             # The suite's own traffic comes from 127.0.0.1 and is not rate limited; the
                             # limit tests come "through a proxy" (X-Forwarded-For) from other addresses.
                             "NEUVOKAS_TRUSTED_PROXIES": "127.0.0.1", "NEUVOKAS_RATE_LIMIT_EXEMPT": "127.0.0.1"})
    started = time.monotonic()
    stack.start()
    print(f"\nstack started in {time.monotonic() - started:.1f} s")
    yield stack
    stack.stop()


@pytest.fixture(scope="session")
def accounts(stack: Stack):
    """Advisor and editor accounts in the stack's console user file."""
    from tests.console.helpers import make_accounts

    return make_accounts(stack)


@pytest.fixture
def console_as(stack: Stack, accounts):
    """console_as("sari"): a logged-in console HTTP session."""
    from tests.console.helpers import login

    return lambda name: login(stack, name)


@pytest.fixture(scope="session")
def client(stack: Stack) -> Client:
    return Client(stack.rasa_url, stack.api_token)


@pytest.fixture
def sender() -> str:
    return "test-" + uuid.uuid4().hex


def pytest_collection_modifyitems(items: list) -> None:
    """Tests that kill and restart the shared stack's processes run after every other test."""
    items.sort(key=lambda item: item.get_closest_marker("restarts") is not None)
