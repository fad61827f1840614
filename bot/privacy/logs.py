"""A logging filter that redacts personal data from every log record (installed by the channels
in the Rasa server, whose debug logs can quote residents' messages)."""
from __future__ import annotations

import logging
import re

from bot.privacy.redact import redact

_MAY_HOLD = re.compile(r"\d{5}|@")  # cheap test first: most records hold nothing to redact


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _MAY_HOLD.search(message):
            clean = redact(message)
            if clean != message:
                record.msg, record.args = clean, None
        return True


def install() -> None:
    """On the root handlers and the chatty library loggers; installing twice changes nothing."""
    loggers = [logging.getLogger(name) for name in ("", "rasa", "sanic", "telegram", "httpx", "channels", "bot")]
    targets = [*loggers, *logging.getLogger().handlers]
    for target in targets:
        if not any(isinstance(f, RedactingFilter) for f in target.filters):
            target.addFilter(RedactingFilter())
