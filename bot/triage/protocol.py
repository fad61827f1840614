"""Triage protocols: loading the YAML files and validating them (run by the tests)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

import yaml

from bot.triage.levels import LEVELS

PROTOCOLS = Path(__file__).parent / "protocols"
AGE_GROUPS = ("infant", "child", "adult", "elderly")
SEXES = ("female", "male")
TYPES = ("yes_no", "duration", "number")
FACTS = ("duration", "temperature", "age_years")


@dataclass(frozen=True)
class Outcome:
    level: str
    reason: str


@dataclass(frozen=True)
class Rule:
    level: str
    reason: str
    at_least: Optional[float] = None
    below: Optional[float] = None

    def matches(self, value: float) -> bool:
        return (self.at_least is None or value >= self.at_least) and (self.below is None or value < self.below)


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    type: str
    red_flag: bool = False
    ask_if_age: tuple[str, ...] = ()
    yes: Optional[Outcome] = None
    no: Optional[Outcome] = None
    unsure: Optional[Outcome] = None
    rules: tuple[Rule, ...] = ()
    text_other: Optional[str] = None
    ask_if_sex: tuple[str, ...] = ()
    min_years: Optional[float] = None
    max_years: Optional[float] = None
    known_if: tuple[re.Pattern[str], ...] = ()
    fact: Optional[str] = None
    after_yes: tuple[str, ...] = ()  # asked only when these earlier questions were answered yes (or "en tiedä")
    #: How people answer this question in their own words, where a plain yes/no reading would get
    #: it backwards ("ei auta" to "auttaako lääke huonosti?" means yes): folded-text patterns.
    answer_yes: tuple[re.Pattern[str], ...] = ()
    answer_no: tuple[re.Pattern[str], ...] = ()

    def applies_to(self, age_group: Optional[str], sex: Optional[str] = None, years: Optional[float] = None) -> bool:
        """Asked for the listed age groups, sex and ages; what is not known does not exclude (safer)."""
        if self.ask_if_sex and sex in SEXES and sex not in self.ask_if_sex:
            return False
        if years is not None and ((self.min_years is not None and years < self.min_years)
                                  or (self.max_years is not None and years > self.max_years)):
            return False
        if not self.ask_if_age or age_group in self.ask_if_age:
            return True
        return age_group is None and "adult" not in self.ask_if_age

    def needs_sex(self) -> bool:
        return bool(self.ask_if_sex)

    def wording(self, about_other: bool) -> str:
        """The question to the resident ("sinulla") or about the person they write for ("hänellä")."""
        return (self.text_other or self.text) if about_other else self.text

    def unsure_outcome(self) -> Optional[Outcome]:
        """What "en tiedä" counts as: `unsure` if given, else the more urgent answer, except that
        not knowing a 112 finding ("onko hän sekava?" – "en tiedä") means urgent assessment now
        (the emergency department, "jos olet epävarma, soita ensin Päivystysapuun 116117"), not an
        ambulance: a finding nobody saw is not a confirmed emergency, and the remaining danger
        signs are still asked, so a clear yes to one of them still gives 112."""
        if self.unsure:
            return self.unsure
        if self.type == "yes_no":
            if self.yes is not None and self.yes.level == "EMERGENCY":
                return Outcome("EMERGENCY_DEPT", self.yes.reason)
            return self.yes
        if not self.rules:
            return None
        rule = min(self.rules, key=lambda r: LEVELS.index(r.level))
        return Outcome(rule.level, rule.reason)


@dataclass(frozen=True)
class Protocol:
    id: str
    kind: str
    title: str
    topics: tuple[str, ...]
    ask_age: bool
    questions: tuple[Question, ...]
    baseline: Outcome
    redirect: dict[str, str] = field(default_factory=dict)
    self_care: tuple[str, ...] = ()
    seek_care_if: tuple[str, ...] = ()
    services: dict[str, str] = field(default_factory=dict)  # level -> service type id to point to

    def question(self, question_id: str) -> Optional[Question]:
        return next((q for q in self.questions if q.id == question_id), None)


def _outcome(raw: Any) -> Optional[Outcome]:
    return Outcome(raw["level"], raw["reason"]) if raw else None


def parse(raw: dict) -> Protocol:
    questions = []
    for q in raw.get("questions") or []:
        ask_if = q.get("ask_if") or {}
        questions.append(Question(
            id=q["id"], text=q["text"], type=q.get("type", "yes_no"), red_flag=bool(q.get("red_flag")),
            ask_if_age=tuple(ask_if.get("age_group", ())), ask_if_sex=tuple(ask_if.get("sex", ())),
            min_years=ask_if.get("min_years"), max_years=ask_if.get("max_years"),
            text_other=q.get("text_other"), fact=q.get("fact"), after_yes=tuple(ask_if.get("yes", ask_if.get(True, ()))),
            known_if=tuple(re.compile(pattern) for pattern in q.get("known_if") or ()),
            answer_yes=tuple(re.compile(p) for p in ((q.get("answers") or {}).get("yes") or (q.get("answers") or {}).get(True) or ())),
            answer_no=tuple(re.compile(p) for p in ((q.get("answers") or {}).get("no") or (q.get("answers") or {}).get(False) or ())),
            # YAML 1.1 reads a bare `yes:` / `no:` key as a boolean; both spellings are accepted.
            yes=_outcome(q.get("yes", q.get(True))), no=_outcome(q.get("no", q.get(False))),
            unsure=_outcome(q.get("unsure")),
            rules=tuple(Rule(r["level"], r["reason"], r.get("at_least"), r.get("below")) for r in q.get("rules") or []),
        ))
    return Protocol(
        id=raw["id"], kind=raw["kind"], title=raw["title"], topics=tuple(raw.get("topics") or ()),
        ask_age=bool(raw.get("ask_age")), questions=tuple(questions), baseline=_outcome(raw["baseline"]),
        redirect=dict(raw.get("redirect") or {}), self_care=tuple(raw.get("self_care") or ()),
        seek_care_if=tuple(raw.get("seek_care_if") or ()), services=dict(raw.get("services") or {}),
    )


@lru_cache(maxsize=1)
def protocols() -> dict[str, Protocol]:
    """Every protocol in bot/triage/protocols, by id."""
    loaded = {}
    for path in sorted(PROTOCOLS.glob("*.yml")):
        protocol = parse(yaml.safe_load(path.read_text(encoding="utf-8")))
        loaded[protocol.id] = protocol
    return loaded


def validate(raw_by_file: dict[str, dict]) -> list[str]:
    """Problems in the protocol files, in plain words; empty when all is well."""
    problems: list[str] = []
    ids = {}
    for name, raw in raw_by_file.items():
        where = f"{name}:"
        for q in (raw or {}).get("questions") or []:
            for key in (q.get("ask_if") or {}):
                if key not in ("age_group", "sex", "min_years", "max_years", "yes", True):
                    problems.append(f"{where} {q.get('id')}: unknown ask_if key {key}")
        try:
            protocol = parse(raw)
        except re.error as error:
            problems.append(f"{where} a known_if pattern does not compile: {error}")
            continue
        except (KeyError, TypeError) as error:
            problems.append(f"{where} missing field {error}")
            continue
        if protocol.id in ids:
            problems.append(f"{where} protocol id {protocol.id} also in {ids[protocol.id]}")
        ids[protocol.id] = name
        if protocol.kind not in ("symptom", "situation"):
            problems.append(f"{where} kind must be symptom or situation")
        if protocol.baseline.level not in LEVELS:
            problems.append(f"{where} baseline level {protocol.baseline.level} is not a level")
        seen_questions = set()
        red_flags_done = False
        for q in protocol.questions:
            if q.id in seen_questions:
                problems.append(f"{where} question id {q.id} twice")
            seen_questions.add(q.id)
            if q.type not in TYPES:
                problems.append(f"{where} {q.id}: unknown type {q.type}")
            if q.red_flag and red_flags_done:
                problems.append(f"{where} {q.id}: red-flag questions must come first")
            red_flags_done = red_flags_done or not q.red_flag
            if not q.text.strip().endswith("?"):
                problems.append(f"{where} {q.id}: a question must end with a question mark")
            if not (q.text_other or "").strip().endswith("?"):
                problems.append(f"{where} {q.id}: needs text_other (about another person), ending with a question mark")
            if re.search(r"\b(yli \d+ astetta ja|ja onko|ja olo)\b", q.text):
                problems.append(f"{where} {q.id}: one finding per question (split \"… ja …\")")
            for sex in q.ask_if_sex:
                if sex not in SEXES:
                    problems.append(f"{where} {q.id}: unknown sex {sex}")
            for earlier in q.after_yes:
                if earlier not in seen_questions - {q.id}:
                    problems.append(f"{where} {q.id}: ask_if.yes names {earlier}, which must be an earlier question")
            if q.fact and q.fact not in FACTS:
                problems.append(f"{where} {q.id}: unknown fact {q.fact}")
            for outcome in [o for o in (q.yes, q.no, q.unsure) if o] + list(q.rules):
                if outcome.reason and len(outcome.reason.split()) < 3:
                    problems.append(f"{where} {q.id}: the reason \"{outcome.reason}\" must be a finding in plain words")
            outcomes = [o for o in (q.yes, q.no, q.unsure) if o] + list(q.rules)
            if q.type == "yes_no" and not q.yes:
                problems.append(f"{where} {q.id}: a yes/no question needs the level of `yes`")
            if q.type in ("duration", "number") and not q.rules:
                problems.append(f"{where} {q.id}: needs rules")
            for outcome in outcomes:
                if outcome.level not in LEVELS:
                    problems.append(f"{where} {q.id}: unknown level {outcome.level}")
                if not outcome.reason:
                    problems.append(f"{where} {q.id}: every level needs a reason")
            for group in q.ask_if_age:
                if group not in AGE_GROUPS:
                    problems.append(f"{where} {q.id}: unknown age group {group}")
        for group, target in protocol.redirect.items():
            if group not in AGE_GROUPS:
                problems.append(f"{where} redirect from unknown age group {group}")
    known = set(ids)
    for name, raw in raw_by_file.items():
        for group, target in (raw.get("redirect") or {}).items():
            if target not in known:
                problems.append(f"{name}: redirect to unknown protocol {target}")
    return problems


def validate_directory(directory: Path = PROTOCOLS) -> list[str]:
    raw = {}
    problems = []
    for path in sorted(directory.glob("*.yml")):
        try:
            raw[path.name] = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            problems.append(f"{path.name}: not valid YAML: {error}")
    return problems + validate(raw)
