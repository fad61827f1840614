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
_WORD = re.compile(r"[0-9a-zåäöéü]+(?:[-'][0-9a-zåäöéü]+)*")

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


def words(text: str) -> list[str]:
    """Lowercase word tokens of `text`, hyphenated compounds kept whole."""
    return _WORD.findall(clean(text, limit=len(text) + 1).lower())


def has_letters(text: str) -> bool:
    """True when the text holds at least one letter or digit (not only emoji or symbols)."""
    return any(ch.isalnum() for ch in text)
