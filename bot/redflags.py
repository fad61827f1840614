"""Red-flag detector: finds emergencies in any resident message, before anything else runs.

Rules are data (bot/data/red_flags.yml) so a clinician can review them; this module only
applies them. Pure Python, no Rasa, safe to call on every message.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.text import fold

DEFAULT_RULES = Path(__file__).parent / "data" / "red_flags.yml"

# A negation within the three words before a match ("ei ole kovaa rintakipua").
_NEGATION = re.compile(r"\b(ei|en|eika|ilman|eivat|emme)\b(\s+\S+){0,2}\s*$")
# "ei ... mutta nyt" turns the negation off again.
_NEGATION_BREAK = re.compile(r"\b(mutta|vaan|nyt)\b")


@dataclass(frozen=True)
class RedFlag:
    """One triggered red flag: which one, why (plain Finnish) and the words that matched."""

    id: str
    reason: str
    matched: str


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern[str]
    unless: tuple[re.Pattern[str], ...]
    negatable: bool


@dataclass(frozen=True)
class _Flag:
    id: str
    reason: str
    patterns: tuple[_Pattern, ...]


class RedFlagDetector:
    """Applies the red-flag rules to a message; the first flag in file order wins."""

    def __init__(self, flags: list[_Flag]):
        self._flags = flags

    @classmethod
    def from_file(cls, path: Path = DEFAULT_RULES) -> "RedFlagDetector":
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        flags = []
        for raw in data["flags"]:
            patterns = tuple(
                _Pattern(
                    regex=re.compile(p["match"]),
                    unless=tuple(re.compile(u) for u in p.get("unless", [])),
                    negatable=p.get("negatable", True),
                )
                for p in raw["patterns"]
            )
            flags.append(_Flag(id=raw["id"], reason=raw["reason"], patterns=patterns))
        return cls(flags)

    @property
    def flag_ids(self) -> list[str]:
        return [f.id for f in self._flags]

    def detect(self, text: str | None) -> RedFlag | None:
        """The first red flag the message carries, or None."""
        found = self.detect_all(text)
        return found[0] if found else None

    def detect_all(self, text: str | None) -> list[RedFlag]:
        """Every red flag the message carries, in rule-file order."""
        if not text:
            return []
        folded = fold(text)
        hits = []
        for flag in self._flags:
            for pattern in flag.patterns:
                match = _first_match(pattern, folded)
                if match:
                    hits.append(RedFlag(flag.id, flag.reason, match))
                    break
        return hits


def _first_match(pattern: _Pattern, folded: str) -> str | None:
    if any(u.search(folded) for u in pattern.unless):
        return None
    for m in pattern.regex.finditer(folded):
        if pattern.negatable and _is_negated(folded[: m.start()]):
            continue
        return m.group(0).strip()
    return None


def _is_negated(before: str) -> bool:
    window = before[-40:]
    negation = _NEGATION.search(window)
    return bool(negation) and not _NEGATION_BREAK.search(window[negation.start():])


@lru_cache(maxsize=1)
def default_detector() -> RedFlagDetector:
    """The detector with the bundled rules, built once per process on first use."""
    return RedFlagDetector.from_file()
