"""Web conversation ids: issued by the server and signed, so a resident can only hold ids we gave.

A resident's browser keeps its id across reloads; knowing an id is what lets it read that chat,
so ids are 128 random bits plus an HMAC, and a guessed or edited id is refused.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from typing import Optional

_FORM = re.compile(r"^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{22})$")


def _signature(key: bytes, token: str) -> str:
    digest = hmac.new(key, token.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:22]


def issue(key: bytes) -> str:
    token = secrets.token_urlsafe(16)
    return f"{token}.{_signature(key, token)}"


def sender_of(key: bytes, conversation: object) -> Optional[str]:
    """The Rasa sender id of a signed conversation id, or None when it is not one of ours."""
    if not isinstance(conversation, str):
        return None
    match = _FORM.match(conversation)
    if not match or not hmac.compare_digest(match.group(2), _signature(key, match.group(1))):
        return None
    return "web-" + match.group(1)
