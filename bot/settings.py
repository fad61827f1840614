"""Settings read once from the environment; nothing else in bot/ reads os.environ."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class TelegramSettings:
    """Telegram is on only when a bot token is set; the token is never logged."""

    token: Optional[str]
    mode: str  # "webhook" or "polling"
    webhook_url: Optional[str]
    secret_token: Optional[str]
    api_base_url: Optional[str]

    @property
    def enabled(self) -> bool:
        return bool(self.token)

    def status(self) -> str:
        if not self.enabled:
            return "off (set TELEGRAM_BOT_TOKEN to turn it on)"
        if self.mode == "polling":
            return "on, polling mode (development)"
        return "on, webhook mode" + ("" if self.webhook_url else " (TELEGRAM_WEBHOOK_URL not set: webhook not registered)")


@dataclass(frozen=True)
class Settings:
    host: str
    rasa_port: int
    action_port: int
    console_port: int
    redis_url: str | None
    var_dir: Path
    models_dir: Path
    api_token: str | None
    secret_key: str | None
    telegram: TelegramSettings
    training_root: Path  # where config.yml, domain.yml and nlu_data/ are edited and trained from

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        env = dict(os.environ if env is None else env)
        var_dir = Path(env.get("NEUVOKAS_VAR_DIR", ROOT / "var"))
        mode = (env.get("TELEGRAM_MODE") or "webhook").strip().lower()
        return cls(
            host=env.get("NEUVOKAS_HOST", "127.0.0.1"),
            rasa_port=int(env.get("RASA_PORT", "5005")),
            action_port=int(env.get("ACTION_PORT", "5055")),
            console_port=int(env.get("CONSOLE_PORT", "5010")),
            redis_url=env.get("REDIS_URL") or None,
            var_dir=var_dir,
            models_dir=Path(env.get("NEUVOKAS_MODELS_DIR", ROOT / "models")),
            api_token=env.get("RASA_API_TOKEN") or None,
            secret_key=env.get("NEUVOKAS_SECRET_KEY") or None,
            training_root=Path(env.get("NEUVOKAS_TRAINING_ROOT") or ROOT),
            telegram=TelegramSettings(
                token=(env.get("TELEGRAM_BOT_TOKEN") or "").strip() or None,
                mode=mode if mode in ("webhook", "polling") else "webhook",
                webhook_url=env.get("TELEGRAM_WEBHOOK_URL") or None,
                secret_token=env.get("TELEGRAM_SECRET_TOKEN") or None,
                api_base_url=env.get("TELEGRAM_API_BASE_URL") or None,
            ),
        )

    def signing_key(self) -> bytes:
        """NEUVOKAS_SECRET_KEY, else a random key kept in var/ (shared by this machine's processes)."""
        if self.secret_key:
            return self.secret_key.encode("utf-8")
        path = self.var_dir / "secret_key"
        if not path.exists():
            self.var_dir.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process of ours made it first
                pass
            else:
                with os.fdopen(fd, "w") as handle:
                    handle.write(secrets.token_urlsafe(48))
        return path.read_text(encoding="utf-8").strip().encode("utf-8")
