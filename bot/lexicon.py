"""Keyword lexicon for service types, symptoms and life situations (bot/data/lexicon.yml)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

import yaml

from bot.text import fold

DEFAULT_LEXICON = Path(__file__).parent / "data" / "lexicon.yml"
_INFIX_MIN = 5  # keywords this long match inside compounds


@dataclass(frozen=True)
class Keyword:
    entity: str
    value: str
    keyword: str
    exact: bool


class Lexicon:
    """Finds the entity value a single word names: "hammaslääkärille" -> service_type=dental."""

    def __init__(self, keywords: Iterable[Keyword]):
        self._keywords = sorted(keywords, key=lambda k: -len(k.keyword))
        self.entities = sorted({k.entity for k in self._keywords})

    @classmethod
    def from_file(cls, path: Path = DEFAULT_LEXICON) -> "Lexicon":
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        keywords = []
        for entity, values in data.items():
            for value, spec in values.items():
                keywords += [Keyword(entity, value, fold(k), False) for k in spec.get("keywords", [])]
                keywords += [Keyword(entity, value, fold(k), True) for k in spec.get("exact", [])]
        return cls(keywords)

    def values(self, entity: str) -> list[str]:
        return sorted({k.value for k in self._keywords if k.entity == entity})

    def match_word(self, word: str, entity: str) -> Optional[str]:
        """The value of `entity` that `word` names, longest keyword first."""
        folded = fold(word)
        for k in self._keywords:
            if k.entity != entity or " " in k.keyword:
                continue
            if _matches(k, folded):
                return k.value
        return None

    def match_phrases(self, text: str, entity: str) -> list[tuple[int, int, str]]:
        """Multi-word keywords ("ei parjaa") found in `text`: (start, end, value)."""
        folded = fold(text)
        found = []
        for k in self._keywords:
            if k.entity == entity and " " in k.keyword:
                start = folded.find(k.keyword)
                if start >= 0:
                    found.append((start, start + len(k.keyword), k.value))
        return found


def _matches(k: Keyword, folded: str) -> bool:
    if k.exact:
        return folded == k.keyword
    if len(k.keyword) >= _INFIX_MIN:
        return k.keyword in folded
    return folded.startswith(k.keyword)


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return Lexicon.from_file()
