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
class Limit:
    """At most `count` requests per `seconds`, written "30/60" in the environment."""

    count: int
    seconds: int

    @classmethod
    def parse(cls, value: str | None, default: "Limit") -> "Limit":
        if not value:
            return default
        try:
            count, seconds = (int(part) for part in value.strip().split("/"))
        except ValueError:
            raise ValueError(f"a rate limit is written count/seconds, e.g. 30/60, not {value!r}") from None
        if count < 1 or seconds < 1:
            raise ValueError(f"a rate limit needs a count and a window of at least 1, not {value!r}")
        return cls(count, seconds)


@dataclass(frozen=True)
class RateLimitSettings:
    """Limits on the public channels (channels/rate_limit.py).

    resident: messages per conversation (web chat, REST sender, Telegram chat); a resident typing
    or pressing buttons stays far below it. address: requests per client IP on the public web
    endpoints; higher, as many residents can share one address (a library, a school, mobile NAT).
    trusted_proxies: addresses (the load balancer, the ingress) whose X-Forwarded-For is believed.
    exempt: client addresses never limited (monitoring, an operator's own load tests).
    """

    resident: Limit = Limit(30, 60)
    address: Limit = Limit(300, 60)
    trusted_proxies: frozenset = frozenset()
    exempt: frozenset = frozenset()

    @classmethod
    def from_env(cls, env: dict[str, str]) -> "RateLimitSettings":
        def addresses(name: str) -> frozenset:
            return frozenset(a.strip() for a in (env.get(name) or "").split(",") if a.strip())

        return cls(resident=Limit.parse(env.get("NEUVOKAS_RATE_LIMIT_RESIDENT"), cls.resident),
                   address=Limit.parse(env.get("NEUVOKAS_RATE_LIMIT_ADDRESS"), cls.address),
                   trusted_proxies=addresses("NEUVOKAS_TRUSTED_PROXIES"),
                   exempt=addresses("NEUVOKAS_RATE_LIMIT_EXEMPT"))


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
    rate_limits: RateLimitSettings = RateLimitSettings()
    retention_days: int = 30  # conversations (tracker store, web streams) are deleted after this

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
            rate_limits=RateLimitSettings.from_env(env),
            retention_days=_positive(env.get("NEUVOKAS_RETENTION_DAYS"), 30, "NEUVOKAS_RETENTION_DAYS"),
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


def _positive(value: str | None, default: int, name: str) -> int:
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number of days, not {value!r}") from None
    if number < 1:
        raise ValueError(f"{name} must be at least 1")
    return number
