"""Red-flag detector: finds emergencies in any resident message, before anything else runs.

Two parts, either one is enough (recall first): the rules (bot/data/red_flags.yml, data a
clinician can review; this module only applies them) and the semantic detector
(bot/redflag_semantic.py: sentence embeddings, for the wordings no rule lists, in Finnish,
Swedish and English). No Rasa; safe to call on every message.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import yaml

from bot.text import fold

DEFAULT_RULES = Path(__file__).parent / "data" / "red_flags.yml"
#: A rule's hit in a "not now" message stands unless the semantic detector's probability is below this.
NOT_NOW_AGREEMENT = 0.5
#: ... and even when it says "nyt" ("yritin nuorena, nyt haluan puhua"), if the detector is this sure.
NOT_NOW_SURE = 0.1
#: Without a rule, the semantic detector alone alarms on a "not now" message only when this sure.
NOT_NOW_SEMANTIC = 0.9
#: A rule's hit stands unless the semantic detector is this sure that the message is no emergency
#: (probability below it): a rule word in a message the model reads as ordinary ("kuolen nauruun",
#: "heinänuha ja silmät turvoksissa mut muuten normaali olo"). Measured on 3,100 builder exemplars
#: the model was not trained on: a third fewer false alarms from the rules, no emergency lost.
RULE_VETO = 0.05
#: A short answer that starts with a denial ("ei näkyvää verta" to a triage question) is left to
#: the rules, which know "ei hengitä" and "ei herää"; the model reads the symptom word, not the "ei".
SHORT_DENIAL_WORDS = 6
_SHORT_DENIAL = re.compile(r"\s*(ei|en|eika|eikä|ei oo|ei ole|nej|nä|inte|ingen|inget|no|not|none|nope|nothing)\b")
#: When the model cannot say which emergency it is (flag confidence below FLAG_SURE), it needs this
#: much probability to alarm on its own. On 3,100 builder exemplars left out of training this cut a
#: fifth of the false alarms for one emergency in 450 (fi).
UNCLEAR_THRESHOLD = 0.7
#: Below this the semantic detector cannot say which emergency it is (see _semantic_detect).
FLAG_SURE = 0.5
#: A semantic alarm is "sure" when it names its emergency (FLAG_SURE) with at least this
#: probability. An unsure one still gets 112 at once, except as an answer inside a triage
#: questionnaire, whose own danger-sign questions then judge it (rasa_components.red_flag_policy):
#: in the vignette plays of sessions 5-6, ten of the eleven alarms on free-text answers
#: ("En tiedä, otti ibuprofeenia ja on pitänyt jäitä") were unsure and false.
SURE_PROBABILITY = 0.9
OTHER = "other"
OTHER_REASON = "kuvaamasi tilanne voi vaatia kiireellistä apua"


# A negation within the three words before a match ("ei ole kovaa rintakipua").
_NEGATION = re.compile(r"\b(ei|en|eika|ilman|eivat|emme)\b(\s+\S+){0,2}\s*$")
# "ei ... mutta nyt" turns the negation off again.
_NEGATION_BREAK = re.compile(r"\b(mutta|vaan|nyt)\b")


@dataclass(frozen=True)
class RedFlag:
    """One triggered red flag: which one, why (plain Finnish) and the words that matched.

    `sure` is False only for a semantic alarm below SURE_PROBABILITY or without a clear flag.
    """

    id: str
    reason: str
    matched: str
    sure: bool = True
    vetoable: bool = True  # False for a rule pattern marked `veto: false` (the model may not overrule it)


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern[str]
    unless: tuple[re.Pattern[str], ...]
    negatable: bool
    vetoable: bool = True


@dataclass(frozen=True)
class _Flag:
    id: str
    reason: str
    patterns: tuple[_Pattern, ...]


class RedFlagDetector:
    """Applies the red-flag rules to a message; the first flag in file order wins."""

    def __init__(self, flags: list[_Flag], not_now: tuple[re.Pattern[str], ...] = (),
                 now: tuple[re.Pattern[str], ...] = ()):
        self._flags = flags
        self._not_now = not_now
        self._now = now

    def not_now(self, text: str | None, strict: bool = True) -> bool:
        """The message speaks of the past, of a book or film, or asks for information ("viime
        vuonna", "leffassa", "mitkä on oireet") and (when strict) says nothing of now ("nyt", "apua")."""
        folded = fold(text or "")
        if not any(p.search(folded) for p in self._not_now):
            return False
        return not strict or not any(p.search(folded) for p in self._now)

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
                    vetoable=p.get("veto", True),
                )
                for p in raw["patterns"]
            )
            flags.append(_Flag(id=raw["id"], reason=raw["reason"], patterns=patterns))
        context = data.get("context") or {}
        return cls(flags, tuple(re.compile(p) for p in context.get("not_now") or ()),
                   tuple(re.compile(p) for p in context.get("now") or ()))

    @property
    def flag_ids(self) -> list[str]:
        return [f.id for f in self._flags]

    def reason_of(self, flag_id: str) -> str:
        return next((f.reason for f in self._flags if f.id == flag_id), OTHER_REASON)

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
                    hits.append(RedFlag(flag.id, flag.reason, match, vetoable=pattern.vetoable))
                    break
        return hits


def _first_match(pattern: _Pattern, folded: str) -> str | None:
    if any(u.search(folded) for u in pattern.unless):
        return None
    for m in pattern.regex.finditer(folded):
        if pattern.negatable and is_negated(folded[: m.start()]):
            continue
        return m.group(0).strip()
    return None


def is_negated(before: str) -> bool:
    """True when the text just before a match negates it ("ei ole kovaa …"), unless "mutta/nyt" follows."""
    window = before[-40:]
    negation = _NEGATION.search(window)
    return bool(negation) and not _NEGATION_BREAK.search(window[negation.start():])


class CombinedDetector:
    """The rules first (they name the flag precisely), then the semantic detector."""

    def __init__(self, rules: RedFlagDetector, semantic=None):
        self.rules = rules
        self.semantic = semantic
        # The same message is checked by the NLU pipeline, the handoff gate and the rate limiter.
        self._semantic_score = lru_cache(maxsize=512)(semantic.score) if semantic is not None else None

    def _semantic_detect(self, text: str):
        if _SHORT_DENIAL.match(fold(text or "")) and len(fold(text or "").split()) <= SHORT_DENIAL_WORDS:
            return None  # "ei näkyvää verta", "nej, inget blod": a short denial is the rules' to judge
        score = self._semantic_score(text)
        if score is None or score.probability < self.semantic.threshold:
            return None
        if score.probability < NOT_NOW_SEMANTIC and self.rules.not_now(text):
            return None  # a film, the past, a joke: only a sure model alarms on its own
        if score.flag_confidence < FLAG_SURE and score.probability < UNCLEAR_THRESHOLD:
            return None  # neither sure that it is an emergency nor which one: the triage asks
        if score.flag_confidence < FLAG_SURE:
            # An emergency, but not clearly one of the ten: 112 with the general wording, not the
            # first-aid advice of a flag it may not be (recall first; the triage could not do better).
            return replace(score, flag=OTHER)
        return score

    @property
    def flag_ids(self) -> list[str]:
        return self.rules.flag_ids

    def detect(self, text: str | None) -> RedFlag | None:
        found = self.rules.detect(text)
        if self.semantic is None or not text:
            return found
        if found is not None:
            # A rule wins, unless the message is clearly about the past, a film or a book, or asks for
            # information, and the semantic detector agrees it is no emergency.
            score = self._semantic_score(text)
            probability = score.probability if score is not None else 1.0  # too short to judge: the rule stands
            if self.rules.not_now(text, strict=False) and probability < NOT_NOW_SURE:
                return None
            if self.rules.not_now(text) and probability < NOT_NOW_AGREEMENT:
                return None
            if probability < RULE_VETO and found.vetoable:
                return None  # unless the pattern is precise enough that the model may not overrule it (`veto: false`)
            return found
        score = self._semantic_detect(text)
        if score is None:
            return None
        sure = score.flag != OTHER and score.probability >= SURE_PROBABILITY
        return RedFlag(score.flag, self.rules.reason_of(score.flag), score.chunk, sure=sure)


@lru_cache(maxsize=1)
def rules_detector() -> RedFlagDetector:
    """The rules alone (bot/data/red_flags.yml), built once per process on first use."""
    return RedFlagDetector.from_file()


@lru_cache(maxsize=1)
def default_detector() -> CombinedDetector:
    """Rules and the semantic detector, built once per process on first use."""
    from bot.redflag_semantic import default_semantic

    return CombinedDetector(rules_detector(), default_semantic())
