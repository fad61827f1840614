"""Finnish text normalisation shared by the red-flag detector and the gazetteer.

Residents write without diacritics, with control characters pasted from other apps and
with odd spacing; every matcher works on the same folded form so that rules stay simple.
"""
from __future__ import annotations

import re
import unicodedata

_FOLD = str.maketrans({"ä": "a", "ö": "o", "å": "a", "é": "e", "ü": "u"})
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
_SPACES = re.compile(r"\s+")

#: The longest message text the bot reads; the rest is dropped before NLU (see clean()).
MAX_MESSAGE_CHARS = 2000


def clean(text: str | None, limit: int = MAX_MESSAGE_CHARS) -> str:
    """Strip control characters and surplus whitespace and cut to `limit` characters."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", str(text))
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text).strip()[:limit]


def fold(text: str) -> str:
    """Lowercase and drop Finnish diacritics: "Päivystys" -> "paivystys"."""
    return clean(text, limit=len(text) + 1).lower().translate(_FOLD)
