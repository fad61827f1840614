"""Publishing a model to the running Rasa server without downtime, and restoring the previous one.

The server loads the new model next to the one it serves and swaps them when it is ready
(`PUT /model` of Rasa's HTTP API), so residents' messages keep being answered during the switch.
What is in production, and what was before, is kept in var/models.json.
"""
from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Optional


class PublishError(Exception):
    pass


@dataclass
class Registry:
    path: Path

    def load(self) -> dict:
        if not self.path.exists():
            return {"current": None, "history": []}
        return json.loads(self.path.read_text(encoding="utf-8"))

    def save(self, data: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(data, indent=1), encoding="utf-8")
        os.replace(temporary, self.path)

    @property
    def current(self) -> Optional[Path]:
        value = self.load().get("current")
        return Path(value) if value else None

    def protected(self) -> set[Path]:
        data = self.load()
        return {Path(p) for p in [data.get("current"), *data.get("history", [])] if p}

    def switched(self, model: Path, previous: Optional[Path]) -> None:
        data = self.load()
        history = [h for h in data.get("history", []) if h != str(model)]
        if previous is not None and previous != model:
            history.append(str(previous))
        self.save({"current": str(model), "history": history[-5:], "published_at": time.time()})

    def rolled_back(self) -> Path:
        data = self.load()
        if not data.get("history"):
            raise PublishError("aiempaa julkaistua mallia ei ole")
        previous = Path(data["history"][-1])
        self.save({"current": str(previous), "history": data["history"][:-1], "published_at": time.time()})
        return previous


def server_model(rasa_url: str, token: Optional[str]) -> Optional[Path]:
    """The model file the running server reports (`GET /status`)."""
    query = f"?token={urllib.parse.quote(token)}" if token else ""
    with urllib.request.urlopen(f"{rasa_url}/status{query}", timeout=30) as reply:
        value = json.loads(reply.read()).get("model_file")
    return Path(value) if value else None


def load_on_server(rasa_url: str, token: Optional[str], model: Path, timeout: float = 600) -> float:
    """Makes the running server switch to `model`; returns the seconds the switch took."""
    if not model.exists():
        raise PublishError(f"mallia ei löydy: {model}")
    query = f"?token={urllib.parse.quote(token)}" if token else ""
    request = urllib.request.Request(f"{rasa_url}/model{query}", method="PUT",
                                     data=json.dumps({"model_file": str(model.resolve())}).encode(),
                                     headers={"Content-Type": "application/json"})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            if reply.status not in (200, 204):
                raise PublishError(f"Rasa-palvelin vastasi {reply.status}")
    except urllib.error.HTTPError as error:
        raise PublishError(f"Rasa-palvelin ei ottanut mallia: {error.code} {error.read()[:300]!r}") from error
    except OSError as error:
        raise PublishError(f"Rasa-palvelimeen ei saatu yhteyttä: {error}") from error
    return time.monotonic() - started
