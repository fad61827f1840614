"""Which language a resident writes: Finnish, Swedish or English, per message.

lingua (its models ship inside the package) restricted to the three languages the product
serves. A short or mixed message that is not clearly one language keeps the conversation's
language: "ok", "112" or a place name do not switch it.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Optional

LANGUAGES = ("fi", "sv", "en")
DEFAULT = "fi"
_MIN_CONFIDENCE = 0.75
_MIN_CONFIDENCE_ONE_WORD = 0.9


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Language.FINNISH, Language.SWEDISH, Language.ENGLISH).build()


_CODES = {"FINNISH": "fi", "SWEDISH": "sv", "ENGLISH": "en"}


def detect(text: Optional[str]) -> Optional[str]:
    """"fi", "sv" or "en" when the message is clearly in that language, else None."""
    text = (text or "").strip()
    if text.startswith("/") or sum(ch.isalpha() for ch in text) < 3:
        return None
    values = _detector().compute_language_confidence_values(text)
    if not values:
        return None
    best = values[0]
    words = len([w for w in text.split() if any(ch.isalpha() for ch in w)])
    needed = _MIN_CONFIDENCE if words >= 2 else _MIN_CONFIDENCE_ONE_WORD
    return _CODES.get(best.language.name) if best.value >= needed else None


def language_of(text: Optional[str], previous: Optional[str] = None) -> str:
    """The message's language, or the conversation's when the message does not say."""
    return detect(text) or (previous if previous in LANGUAGES else DEFAULT)
