"""Settings read once from the environment; nothing else in bot/ reads os.environ."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    host: str
    rasa_port: int
    action_port: int
    redis_url: str | None
    var_dir: Path
    models_dir: Path
    api_token: str | None

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        env = dict(os.environ if env is None else env)
        var_dir = Path(env.get("NEUVOKAS_VAR_DIR", ROOT / "var"))
        return cls(
            host=env.get("NEUVOKAS_HOST", "127.0.0.1"),
            rasa_port=int(env.get("RASA_PORT", "5005")),
            action_port=int(env.get("ACTION_PORT", "5055")),
            redis_url=env.get("REDIS_URL") or None,
            var_dir=var_dir,
            models_dir=Path(env.get("NEUVOKAS_MODELS_DIR", ROOT / "models")),
            api_token=env.get("RASA_API_TOKEN") or None,
        )
