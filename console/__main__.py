"""`python -m console --port 5010`: the advisor console (started by bot/stack.py)."""
from __future__ import annotations

import argparse
import logging
import os
import sys

from bot.settings import Settings
from console.app import ConsoleSettings, create_app
from console.users import default_store


LOOPBACK = ("127.0.0.1", "::1", "localhost")


def cookie_secure(value: str | None, host: str) -> bool:
    """CONSOLE_COOKIE_SECURE: "1" or "0"; unset, the cookie is Secure (sent over HTTPS only) unless
    the console listens on this machine's loopback only, where it is reached over plain HTTP."""
    value = (value or "").strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    if value:
        raise SystemExit(f"CONSOLE_COOKIE_SECURE must be 1 or 0, not {value!r}")
    return host not in LOOPBACK


def settings_from_env(host: str = "127.0.0.1") -> ConsoleSettings:
    settings = Settings.from_env()
    if not settings.redis_url:
        raise SystemExit("the advisor console needs REDIS_URL")
    return ConsoleSettings(
        redis_url=settings.redis_url,
        rasa_url=os.environ.get("RASA_URL", f"http://{settings.host}:{settings.rasa_port}"),
        rasa_token=settings.api_token,
        users=default_store(),
        telegram=settings.telegram,
        cookie_secure=cookie_secure(os.environ.get("CONSOLE_COOKIE_SECURE"), host),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="console")
    parser.add_argument("--host", default=os.environ.get("NEUVOKAS_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("CONSOLE_PORT", "5010")))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s - %(message)s")
    app = create_app(settings_from_env(args.host))
    app.run(host=args.host, port=args.port, access_log=False, workers=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
