"""`python -m console --port 5010`: the advisor console (started by bot/stack.py)."""
from __future__ import annotations

import argparse
import logging
import os
import sys

from bot.settings import Settings
from console.app import ConsoleSettings, create_app
from console.users import default_store


def settings_from_env() -> ConsoleSettings:
    settings = Settings.from_env()
    if not settings.redis_url:
        raise SystemExit("the advisor console needs REDIS_URL")
    return ConsoleSettings(
        redis_url=settings.redis_url,
        rasa_url=os.environ.get("RASA_URL", f"http://{settings.host}:{settings.rasa_port}"),
        rasa_token=settings.api_token,
        users=default_store(),
        telegram=settings.telegram,
        cookie_secure=os.environ.get("CONSOLE_COOKIE_SECURE", "").lower() in ("1", "true", "yes"),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="console")
    parser.add_argument("--host", default=os.environ.get("NEUVOKAS_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("CONSOLE_PORT", "5010")))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s - %(message)s")
    app = create_app(settings_from_env())
    app.run(host=args.host, port=args.port, access_log=False, workers=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
