"""Gazetteer of the region's municipalities and villages, and Finnish place-name resolution.

Residents write place names inflected and without diacritics ("lappeenrannas", "Imatralta",
"ylamaalle"). The spaCy/Voikko lemma is tried first; names the lemmatiser does not know are
matched by their inflection stems (consonant gradation and e-stems) plus a case ending.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

import yaml

from bot.directory.models import distance_km
from bot.text import fold

DEFAULT_PLACES = Path(__file__).parent / "data" / "places.yml"
DEFAULT_POSTAL_CODES = Path(__file__).parent / "data" / "postal_codes.yml"

# Case endings and clitics after a stem, folded (ssä -> ssa). "" is the base form.
_ENDINGS = {
    "", "n", "ssa", "sta", "lla", "lta", "lle", "ksi", "na", "a", "ta", "an", "en", "in", "on",
    "un", "yn", "han", "hin", "seen", "sen", "s", "l", "lt", "st",
}
_CLITICS = ("kin", "kaan", "ko", "han", "pa")
# Weak-grade replacements of the last consonant cluster: Lappeenranta -> Lappeenrannassa.
_GRADATION = (("nt", "nn"), ("ht", "hd"), ("tt", "t"), ("kk", "k"), ("pp", "p"), ("lt", "ll"),
              ("rt", "rr"), ("nk", "ng"), ("mp", "mm"), ("k", ""), ("t", "d"), ("p", "v"))
_VOWELS = "aeiouy"


@dataclass(frozen=True)
class Place:
    """A municipality or a village; a village knows the municipality it belongs to."""

    name: str
    kind: str  # "municipality" | "village" | "locality" (a post office known only by postal code)
    municipality: str
    lat: float
    lon: float
    ambiguous: bool = False


def inflection_stems(name: str) -> set[str]:
    """Folded stems a name takes before a case ending (Luumäki -> luumaki, luumake, luumae)."""
    base = fold(name)
    stems = {base}
    if base.endswith("i"):
        stems.add(base[:-1] + "e")  # järvi -> järve-, niemi -> nieme-
    if base.endswith("e"):
        stems.add(base + "e")  # Simpele -> Simpelee-
    for stem in list(stems):
        last_vowel = len(stem) - 1
        while last_vowel >= 0 and stem[last_vowel] in _VOWELS:
            last_vowel -= 1
        head, tail = stem[: last_vowel + 1], stem[last_vowel + 1 :]
        for strong, weak in _GRADATION:
            if head.endswith(strong) and len(head) > len(strong) + 2:
                stems.add(head[: len(head) - len(strong)] + weak + tail)
                break
    return stems


class Gazetteer:
    """Resolves words and texts to places of the region."""

    def __init__(self, places: Iterable[Place], postal_codes: Optional[dict[str, Place]] = None):
        self.places = list(places)
        self.postal_codes = dict(postal_codes or {})
        self._by_base: dict[str, Place] = {}
        self._stems: list[tuple[str, Place]] = []
        for place in self.postal_codes.values():
            self._by_base.setdefault(fold(place.name), place)
        for place in self.places:
            self._by_base[fold(place.name)] = place
            for stem in inflection_stems(place.name):
                self._stems.append((stem, place))
        self._stems.sort(key=lambda item: -len(item[0]))

    @classmethod
    def from_file(cls, path: Path = DEFAULT_PLACES, postal_path: Optional[Path] = DEFAULT_POSTAL_CODES) -> "Gazetteer":
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        places = [
            Place(m["name"], "municipality", m["name"], float(m["lat"]), float(m["lon"]))
            for m in data["municipalities"]
        ]
        places += [
            Place(v["name"], "village", v["municipality"], float(v["lat"]), float(v["lon"]),
                  bool(v.get("ambiguous", False)))
            for v in data["villages"]
        ]
        return cls(places, _postal_places(places, postal_path) if postal_path else None)

    @property
    def municipalities(self) -> list[Place]:
        return [p for p in self.places if p.kind == "municipality"]

    def get(self, name: str) -> Optional[Place]:
        """The place whose base form is `name` (any case, diacritics optional)."""
        return self._by_base.get(fold(name))

    def resolve(self, word: str, lemma: Optional[str] = None) -> Optional[Place]:
        """The place an inflected word or a postal code names, or None. `lemma`: the lemmatiser's guess."""
        if not word:
            return None
        if word.isdigit():
            return self.postal_codes.get(word)
        for candidate in (lemma, word):
            place = self._by_base.get(fold(candidate)) if candidate else None
            if place and self._capital_ok(place, word):
                return place
        folded = fold(word)
        for clitic in _CLITICS:
            if folded.endswith(clitic) and len(folded) > len(clitic) + 3:
                found = self._by_stem(folded[: -len(clitic)])
                if found and self._capital_ok(found, word):
                    return found
        found = self._by_stem(folded)
        return found if found and self._capital_ok(found, word) else None

    def nearest(self, lat: float, lon: float, max_km: float = 40.0) -> Optional[Place]:
        """The region's place nearest to shared coordinates, if one is within `max_km`."""
        best = min(self.places, key=lambda p: distance_km(lat, lon, p.lat, p.lon), default=None)
        if best is None or distance_km(lat, lon, best.lat, best.lon) > max_km:
            return None
        return best

    def _by_stem(self, folded: str) -> Optional[Place]:
        for stem, place in self._stems:
            if folded.startswith(stem) and folded[len(stem):] in _ENDINGS:
                return place
        return None

    @staticmethod
    def _capital_ok(place: Place, word: str) -> bool:
        return not place.ambiguous or word[:1].isupper()


def _postal_places(places: list[Place], path: Path) -> dict[str, Place]:
    """Postal code -> the place of its post office (a known village, else a locality of its own)."""
    by_name = {fold(p.name): p for p in places}
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))["codes"]
    result: dict[str, Place] = {}
    for code, (locality, municipality) in raw.items():
        place = by_name.get(fold(locality))
        if place is None:
            centre = by_name[fold(municipality)]
            place = Place(locality, "locality", centre.name, centre.lat, centre.lon)
        result[str(code)] = place
    return result


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The gazetteer of the bundled region, built once per process on first use."""
    return Gazetteer.from_file()
