"""The triage engine: one question at a time, the most urgent triggered level wins.

Pure and deterministic: the state is a plain dict (kept in a Rasa slot between turns), every
function returns a new state. No Rasa, no I/O beyond reading the protocol files once.

What the resident already said counts: who the complaint is about (themselves or someone they
write for), the age (also in days, weeks and months), the sex, a duration, a temperature and any
finding a protocol lists in `known_if` are taken from the first message and later answers and
not asked again. "En tiedä" has a defined, conservative meaning for every question; an answer
the engine cannot read is asked again, never guessed.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml

from bot.lexicon import default_lexicon
from bot.text import fold
from bot.triage import parsing
from bot.triage.levels import RANK, most_urgent
from bot.triage.protocol import Question, Protocol, protocols

TEXTS = Path(__file__).resolve().parent.parent / "data" / "triage_texts.yml"
GENERAL = "general"
CHILD_PROTOCOLS = ("ill_child", "infant_fever")  # always about someone else: a parent writes
ENDING_LEVELS = ("EMERGENCY", "EMERGENCY_DEPT")

# When a message names several complaints, the potentially most serious one is assessed.
CHILD_WRITES_FOR = 12  # an age under this in the message, with no "minä", is a child someone writes about
#: A protocol the router gives this share of probability (over the kind asked) is a second complaint.
RUNNER_UP = 0.10
MAX_ALSO = 2
GENERAL_PROTOCOLS = {"fever", "ill_child", "infant_fever", "general"}  # other complaints of the first message whose danger signs are asked too
PRIORITY = ("chest_pain", "mental_health", "leg_swelling", "confusion", "fainting", "burns", "injury", "headache",
            "cough_breathing", "bites_stings", "shingles", "constipation", "flank_pain", "genital", "breast", "abdominal_pain", "dizziness",
            "ill_child", "skin_infection", "dental", "back_pain", "joint_pain", "vomiting_diarrhoea", "sore_throat", "ear", "urinary",
            "eye", "mouth", "allergy_nose", "skin", "fever",
            "violence", "families", "substance_use", "caregiver", "elderly_at_home", "exhaustion_loneliness",
            "housing", "money_food", "youth", "disability", "unemployment")

_STOP = re.compile(r"^(lopeta|lopetetaan|keskeyta|peru|peruuta|stop|en halua jatkaa|riittaa|lopeta arvio)\b")
_BACK = re.compile(r"^(takaisin|edellinen|palaa|edelliseen|edellinen kysymys|muutan vastausta)\b")
_OTHER_CHOICE = re.compile(r"\b(jokin muu|joku muu|muu|en tieda|en tiia|ei mikaan naista|ei mikaan|muuta)\b")

_PERSON = (r"lapse\w*|lapsi|lapsel\w*|vauva\w*|poika\w*|pojal\w*|pojan\w*|tytto\w*|tytol\w*|tyttare\w*|tytar|"
           r"taapero\w*|isa|isal\w*|isan\w*|isani|iskal\w*|faija\w*|aiti\w*|aitee\w*|mutsi\w*|mummo\w*|mummu\w*|"
           r"pappa\w*|vaari\w*|ukki\w*|isoisa\w*|isoaiti\w*|mieheni|miehel\w*|puoliso\w*|vaimo\w*|avovaimo\w*|"
           r"avomie\w*|naapuri\w*|kaveri\w*|ystava\w*|sisko\w*|sisare\w*|veli|veljel\w*|velje\w*|anoppi\w*|appi\w*|"
           r"hanella|hanen|hanta|hanelle|han|heilla|kumppani\w*|poikaystava\w*|tyttoystava\w*|serkku\w*|tati\w*|"
           r"eno\w*|seta\w*|lapsenlap\w*|teini\w*|esikoi\w*|kuopu\w*|vanhempi\w*|vanhemmal\w*")
_OTHER = re.compile(r"\b(" + _PERSON + r")\b")
_SELF = re.compile(r"\b(minulla|mulla|mul|minua|mua|olen|oon|ma oon|mina olen|itsellani|mulle|minulle|mulle on|"
                   r"minusta tuntuu|mua sattuu|minuun|muhun|mun (paa|vatsa|maha|selka|kurkku|korva|silma|jalka|kasi|rinta)\w*)\b")
_FEMALE = re.compile(r"\b(tytto\w*|tytol\w*|tyttare\w*|tytar|aiti\w*|aitee\w*|mutsi\w*|mummo\w*|mummu\w*|isoaiti\w*|"
                     r"vaimo\w*|avovaimo\w*|sisko\w*|sisare\w*|anoppi\w*|tyttoystava\w*|tati\w*|naisel\w*|nainen)\b")
_MALE = re.compile(r"\b(poika\w*|pojal\w*|pojan\w*|isa|isal\w*|isan\w*|isani|iskal\w*|faija\w*|pappa\w*|vaari\w*|"
                   r"ukki\w*|isoisa\w*|mieheni|miehel\w*|avomie\w*|veli|veljel\w*|velje\w*|appi\w*|poikaystava\w*|"
                   r"eno\w*|seta\w*|miehen)\b")
_SELF_FEMALE = re.compile(r"\b(olen nainen|oon nainen|naisena|olen tytto|oon tytto|olen raskaana|oon raskaana|"
                          r"raskaana|kuukautis\w*|menkat|menkoi\w*|raskausviik\w*)\b")
_SELF_MALE = re.compile(r"\b(olen mies|oon mies|miehena|olen poika|oon poika)\b")
_ELDERLY_WORDS = re.compile(r"\b(vanhus\w*|vanhuks\w*|mummo\w*|mummu\w*|pappa\w*|vaari\w*|ukki\w*|isoisa\w*|"
                            r"isoaiti\w*|ikaihmi\w*|iakas\w*|ikaantyn\w*)")
_CHILD_WORDS = re.compile(r"\b(lapsi|lapse\w*|lapsel\w*|taapero\w*|kouluikai\w*|vauva\w*|teini\w*|esikoi\w*|kuopu\w*)")

NEXT, NOT_UNDERSTOOD, DONE, STOPPED, BACK = "next", "not_understood", "done", "stopped", "back"


@lru_cache(maxsize=1)
def _texts_all() -> dict:
    return yaml.safe_load(TEXTS.read_text(encoding="utf-8"))


def _texts() -> dict:
    return _texts_all()["questions"]


def _special(qid: str, qtype: str) -> Question:
    texts = _texts()[qid]
    return Question(id=qid, type=qtype, text=texts["self"], text_other=texts["other"])


CHOOSE_QUESTION = _special("protocol", "choice")
WHO_QUESTION = _special("who", "who")
AGE_QUESTION = _special("age", "age")
SEX_QUESTION = _special("sex", "sex")
SPECIAL = {q.id: q for q in (CHOOSE_QUESTION, WHO_QUESTION, AGE_QUESTION, SEX_QUESTION)}


@dataclass(frozen=True)
class Result:
    level: str
    reasons: tuple[str, ...]
    protocol: str
    kind: str
    self_care: tuple[str, ...]
    seek_care_if: tuple[str, ...]


def start(text: str = "", kind: Optional[str] = None, topics: Optional[list[str]] = None) -> dict:
    """A new triage from the resident's first message: protocol, who, age, sex and facts taken from it."""
    state = {"protocol": None, "kind": kind, "who": None, "age_group": None, "age_years": None, "sex": None,
             "facts": {}, "texts": [], "answers": {}, "auto": [], "history": [], "triggered": [], "done": False,
             "stopped": False, "misunderstood": 0, "asked": []}
    _learn(state, text or "")
    chosen = choose_protocol(text, kind, topics)
    if chosen:
        also = [p for p in named_protocols(text, kind, topics) if p != chosen]
        also += [p for p in _runners_up(text, kind, chosen) if p not in also]
        state["also"] = also[:MAX_ALSO]
        _set_protocol(state, chosen)
    return state


def _runners_up(text: str, kind: Optional[str], chosen: str) -> list[str]:
    """The router's next choices that are plausible too (a share of RUNNER_UP or more):
    "säären iho punainen ja kuuma, vähän kuumetta" runs fever and asks the skin infection's danger
    signs as well, although no keyword named it."""
    from bot.triage.router import default_router

    router = default_router()
    if router is None or not (text or "").strip():
        return []
    allowed = {p.id for p in protocols().values() if p.topics and (kind is None or p.kind == kind)}
    ranked = sorted(((p, v) for p, v in router.probabilities(text).items() if p in allowed),
                    key=lambda item: -item[1])
    total = sum(v for _, v in ranked) or 1.0
    return [p for p, v in ranked if p != chosen and p not in GENERAL_PROTOCOLS and v / total >= RUNNER_UP]


def choose_protocol(text: str, kind: Optional[str] = None, topics: Optional[list[str]] = None) -> Optional[str]:
    """The protocol for the resident's words: the learned router with the lexicon's candidates
    (bot/triage/router.py); the lexicon alone (by priority) when the router is not trained."""
    candidates = named_protocols(text, kind, topics)
    routed = _route(text, kind, candidates)
    if routed:
        return routed
    return candidates[0] if candidates else None


def named_protocols(text: str, kind: Optional[str] = None, topics: Optional[list[str]] = None) -> list[str]:
    """The protocols the words name by lexicon topic (or by title), most urgent kind first."""
    from bot.redflags import is_negated

    found = list(topics or [])
    lexicon = default_lexicon()
    folded = fold(text or "")
    for match in re.finditer(r"[\wåäöÅÄÖ-]+", text or ""):
        if is_negated(folded[:match.start()]):
            continue  # "ei ole hengenahdistusta" names no breathing complaint
        for entity in ("symptom", "situation"):
            value = lexicon.match_word(match.group(0), entity)
            if value and value not in found:
                found.append(value)
    for entity in ("symptom", "situation"):
        for _, _, value in lexicon.match_phrases(text or "", entity):
            if value not in found:
                found.append(value)
    candidates = [p for p in protocols().values() if set(p.topics) & set(found)]
    if kind:
        candidates = [p for p in candidates if p.kind == kind] or candidates
    if not candidates:
        folded = fold(text or "")
        candidates = [p for p in protocols().values() if folded and p.topics and fold(p.title) in folded]
    candidates.sort(key=lambda p: PRIORITY.index(p.id) if p.id in PRIORITY else len(PRIORITY))
    return [p.id for p in candidates]


def _route(text: str, kind: Optional[str], named: list[str]) -> Optional[str]:
    """The learned router's choice (bot/triage/router.py), None when it is not trained or not sure."""
    from bot.triage.router import default_router

    router = default_router()
    if router is None or not (text or "").strip():
        return None
    allowed = [p.id for p in protocols().values()
               if (p.topics or p.id == "general") and (kind is None or p.kind == kind)]
    chosen = router.choose(text, allowed, named)
    specific = [p for p in named if p not in GENERAL_PROTOCOLS]
    if chosen in GENERAL_PROTOCOLS and chosen not in named and specific:
        # "lapsi kaato kuumaa teetä päälleen": the words name a burn; the general ill-child protocol
        # the router liked for "lapsi" would ask nothing about it (heldout3 plays).
        return specific[0]
    return chosen


def choices(state: dict) -> list[Protocol]:
    kind = state.get("kind")
    return [p for p in protocols().values() if p.topics and (kind is None or p.kind == kind)]


def about_other(state: dict) -> bool:
    """True when the resident writes about someone else (a child, a parent, a neighbour)."""
    return state.get("who") == "other"


def question_text(state: dict, question: Question) -> str:
    return question.wording(about_other(state))


def questions_of(state: dict) -> list[Question]:
    """The chosen protocol's questions, then the danger signs (red-flag questions that lead to
    the emergency department or 112) of the other complaints the first message named: "virtsatie-
    infektio, kuumetta 39 ja selkään sattuu" runs the fever protocol and asks the urinary danger
    signs too, so a second complaint's red flag is never left unasked."""
    protocol = protocols()[state["protocol"]]
    found = list(protocol.questions)
    seen = {q.id for q in found}
    for other in state.get("also") or []:
        if other not in protocols() or other == protocol.id or other in GENERAL_PROTOCOLS:
            continue  # fever, the ill child and the general protocol ask the same general danger signs
        for question in protocols()[other].questions:
            if question.id in seen or not question.red_flag or question.after_yes:
                continue
            outcome = question.yes or question.no
            if outcome is not None and outcome.level in ("EMERGENCY", "EMERGENCY_DEPT"):
                found.append(question)
                seen.add(question.id)
    return found


def current_question(state: dict) -> Optional[Question]:
    """The question to ask next, or None when the triage has what it needs."""
    if state["done"] or state["stopped"]:
        return None
    if state["protocol"] is None:
        return CHOOSE_QUESTION
    protocol = protocols()[state["protocol"]]
    if protocol.ask_age and state["age_group"] is None and not state.get("age_unknown"):
        if state.get("who") is None:
            return WHO_QUESTION
        return AGE_QUESTION
    for question in questions_of(state):
        if question.id in state["answers"] or not _applies(state, question):
            continue
        if question.needs_sex() and state.get("sex") is None and not state.get("sex_unknown"):
            return SEX_QUESTION
        return question
    return None


def answer(state: dict, text: str) -> tuple[dict, str]:
    """Applies the resident's answer to the current question: (new state, outcome)."""
    state = copy.deepcopy(state)
    folded = fold(text or "").strip(" .!?")
    if _STOP.search(folded):
        state["stopped"] = True
        return state, STOPPED
    if _BACK.search(folded):
        return _back(state), BACK
    question = current_question(state)
    if question is None:
        state["done"] = True
        return state, DONE
    value = _parse(question, state, text)
    if value is None and question in (WHO_QUESTION, SEX_QUESTION) and (
            parsing.yes_no(text) == parsing.UNSURE or state["misunderstood"] >= 1):
        # Whom it is for and the sex only choose the wording and skip questions that cannot apply:
        # a resident who can't or won't say goes on (as for themselves, both sexes' questions
        # asked), never round in a loop.
        value = "self" if question is WHO_QUESTION else "unknown"
    if value is None:
        state["misunderstood"] += 1
        return state, NOT_UNDERSTOOD
    state["misunderstood"] = 0
    if question is CHOOSE_QUESTION:
        if _OTHER.search(fold(text or "")):
            state["who"] = None  # "tytöllä päätäit": the complaint is someone else's after all
        _learn(state, text)
        _set_protocol(state, value)
    elif question is WHO_QUESTION:
        _apply_who(state, value)
    elif question is AGE_QUESTION:
        _apply_age(state, value)
    elif question is SEX_QUESTION:
        if value in ("female", "male"):
            state["sex"] = value
        else:
            state["sex_unknown"] = True
    else:
        _record(state, question, value)
        if question.red_flag and _ended_by(state, question):
            state["history"].append(question.id)
            state["done"] = True
            return state, DONE
    state["history"].append(question.id)
    if question.type in ("yes_no", "duration", "number") and parsing.yes_no(text) is None:
        _learn(state, text)  # a free answer ("joo, ja kuumetta on 39") may tell more
    _autofill(state)
    if current_question(state) is None:
        state["done"] = True
        return state, DONE
    return state, NEXT


def result(state: dict) -> Result:
    protocol = protocols()[state["protocol"]]
    triggered = state["triggered"]
    level = most_urgent(*(t["level"] for t in triggered)) or protocol.baseline.level
    ranked = sorted(triggered, key=lambda t: RANK[t["level"]])
    reasons = tuple(dict.fromkeys(t["reason"] for t in ranked if RANK[t["level"]] <= RANK[level] + 1))
    if not triggered:
        reasons = (protocol.baseline.reason,)
    return Result(level, reasons[:3], protocol.id, protocol.kind, protocol.self_care, protocol.seek_care_if)


def summary(state: dict) -> dict:
    """The structured triage summary kept on the conversation for an advisor."""
    data = {"protocol": state["protocol"], "kind": state.get("kind"), "age_group": state["age_group"],
            "age_years": state.get("age_years"), "sex": state.get("sex"), "who": state.get("who"),
            "answers": dict(state["answers"]), "stopped": state["stopped"]}
    if state["protocol"] and state["done"]:
        r = result(state)
        data.update({"level": r.level, "reasons": list(r.reasons)})
    return data


# --- what the resident said ------------------------------------------------------------------

def _learn(state: dict, text: str) -> None:
    """Who, age, sex, duration and temperature from a free message (only what is not known yet)."""
    if not text or text.startswith("/"):
        return
    state["texts"].append(text)
    folded = fold(text)
    if state.get("who") is None:
        state["who"] = _who(folded)
    years, rest = parsing.age_and_rest(text)
    if state.get("age_years") is None and years is not None:
        state["age_years"] = years
        state["age_group"] = parsing.group_of(years)
    elif state.get("age_group") is None and _ELDERLY_WORDS.search(folded):
        state["age_group"] = "elderly"
    if state.get("who") is None and state.get("age_group") == "elderly" and _ELDERLY_WORDS.search(folded):
        state["who"] = "other"
    if state.get("who") is None and state.get("age_years") is not None and state["age_years"] < CHILD_WRITES_FOR:
        state["who"] = "other"  # "5v silmät rähmii": a parent writes about a child
    if state.get("sex") is None:
        state["sex"] = _sex(folded, state.get("who"))
    facts = state.setdefault("facts", {})
    if "duration" not in facts:
        days = parsing.duration_days(rest, strict=True)
        if days is not None:
            facts["duration"] = days
    if "temperature" not in facts:
        temperature = parsing.temperature(text)
        if temperature is not None:
            facts["temperature"] = temperature


def _who(folded: str) -> Optional[str]:
    other = _OTHER.search(folded)
    mine = _SELF.search(folded)
    if other and (not mine or other.start() < mine.start()):
        return "other"
    if mine:
        return "self"
    return None


def _sex(folded: str, who: Optional[str]) -> Optional[str]:
    if who == "other":
        person = _OTHER.search(folded)
        if person:
            word = person.group(0)
            if _FEMALE.fullmatch(word):
                return "female"
            if _MALE.fullmatch(word):
                return "male"
        return None
    if _SELF_FEMALE.search(folded):
        return "female"
    if _SELF_MALE.search(folded):
        return "male"
    return None


def _applies(state: dict, question: Question) -> bool:
    if any(state["answers"].get(earlier) not in (parsing.YES, parsing.UNSURE) for earlier in question.after_yes):
        return False
    return question.applies_to(state.get("age_group"), state.get("sex"), state.get("age_years"))


def _known_to_apply(state: dict, question: Question) -> bool:
    """Applies, and every age or sex limit it has is known to be met (a guess is not enough to
    take a finding as said: "infant cough" wording in an adult's message must not count)."""
    if not _applies(state, question):
        return False
    if question.ask_if_age and state.get("age_group") is None:
        return False
    if question.ask_if_sex and state.get("sex") is None:
        return False
    if (question.min_years is not None or question.max_years is not None) and state.get("age_years") is None:
        return False
    return True


def _autofill(state: dict) -> None:
    """Answers taken from what was already said: facts for duration and number questions,
    `known_if` findings (not negated just before) as yes."""
    if state["protocol"] is None or state["done"]:
        return
    from bot.redflags import is_negated

    facts = state.get("facts") or {}
    folded_texts = [fold(t) for t in state.get("texts") or []]
    for question in questions_of(state):
        if question.id in state["answers"] or not _known_to_apply(state, question):
            continue
        value = None
        if question.fact == "duration" and "duration" in facts:
            value = facts["duration"]
        elif question.fact == "temperature" and "temperature" in facts:
            value = facts["temperature"]
        elif question.fact == "age_years" and state.get("age_years") is not None:
            value = state["age_years"]
        elif question.type == "yes_no" and question.known_if:
            for folded in folded_texts:
                match = next((m for p in question.known_if for m in p.finditer(folded)
                              if not is_negated(folded[:m.start()])), None)
                if match:
                    value = parsing.YES
                    break
        if value is None:
            continue
        _record(state, question, value)
        state["auto"].append(question.id)
        if question.red_flag and _ended_by(state, question):
            state["done"] = True
            return


def _ended_by(state: dict, question: Question) -> bool:
    if state["answers"].get(question.id) == parsing.UNSURE and question.yes is not None \
            and question.yes.level == "EMERGENCY":
        return False  # an unknown 112 finding: go on asking the other danger signs
    last = [t for t in state["triggered"] if t["question"] == question.id]
    return bool(last) and last[-1]["level"] in ENDING_LEVELS


# --- internals -------------------------------------------------------------------------------

def _set_protocol(state: dict, protocol_id: str) -> None:
    protocol = protocols()[protocol_id]
    state["protocol"], state["kind"] = protocol.id, protocol.kind
    if protocol.id in CHILD_PROTOCOLS:
        state["who"] = "other"
    _apply_redirect(state)
    _autofill(state)
    if current_question(state) is None and state["protocol"]:
        state["done"] = True


def _apply_who(state: dict, value: str) -> None:
    who, hint = value.split(":") if ":" in value else (value, "")
    state["who"] = who
    if hint == "child" and state.get("age_group") is None:
        state["child_hint"] = True


def _apply_age(state: dict, value) -> None:
    if value == parsing.UNSURE:
        state["age_unknown"] = True
        return
    if isinstance(value, float):
        state["age_years"] = value
        state["age_group"] = parsing.group_of(value)
    else:
        state["age_group"] = value
        state["age_years"] = {"infant": 0.1}.get(value)
    _apply_redirect(state)
    _autofill(state)


def _apply_redirect(state: dict) -> None:
    protocol = protocols()[state["protocol"]]
    target = protocol.redirect.get(state["age_group"] or "")
    if target and target in protocols():
        state["protocol"] = target
        state["answers"], state["triggered"], state["auto"] = {}, [], []
        _autofill(state)


def _parse(question: Question, state: dict, text: str):
    folded = fold(text or "").strip(" .!?")
    if question is CHOOSE_QUESTION:
        chosen = choose_protocol(text, state.get("kind"))
        if chosen:
            return chosen
        # No protocol fits (or "en tiedä" / "jokin muu"): the general protocol, never the menu again.
        return GENERAL if GENERAL in protocols() and (folded and (_OTHER_CHOICE.search(folded) or len(folded) > 2)) else None
    if question is WHO_QUESTION:
        return _parse_who(folded)
    if question is AGE_QUESTION:
        if parsing.yes_no(text) == parsing.UNSURE:
            return parsing.UNSURE
        if re.search(r"\b(vauva alle 3|alle 3 kk|alle kolme kuukau|vastasyntyn)", folded):
            return "infant"
        years = parsing.age_years(text)
        if years is not None and years <= 120:
            return float(years)
        return _first(folded, _AGE_WORDS)
    if question is SEX_QUESTION:
        return _first(folded, _SEX_WORDS)
    if question.type == "yes_no":
        if any(p.search(folded) for p in question.answer_yes):
            return parsing.YES
        if any(p.search(folded) for p in question.answer_no):
            return parsing.NO
        echoed = _echoes_negation(folded, fold(question_text(state, question)))
        if echoed:
            return echoed
        return parsing.yes_no(text) or parsing.yes_no_in_context(text, question_text(state, question))
    if parsing.yes_no(text) == parsing.UNSURE:
        return parsing.UNSURE
    if question.type == "duration":
        return parsing.duration_days(text)
    if question.fact == "temperature":
        value = parsing.temperature(text) or parsing.number(text)
        return value if value is not None and 34 <= value <= 44 else None
    return parsing.number(text)


_AGE_WORDS = ((r"\b(yli 75|yli 75 vuotias|vanhus|iakas)", "elderly"), (r"\b(aikuinen|aikuisen|aikuiselle|aikuisella)\b", "adult"),
              (r"\b(lapsi|lapsen|lapsella|kouluikainen|leikki-ikainen|teini\w*|nuori)\b", "child"))
_SEX_WORDS = ((r"\b(nainen|naine|tytto|female|woman|girl|kvinna|flicka|naisena|nais)\b", "female"),
              (r"\b(mies|poika|male|man|boy|pojke|miehena)\b", "male"),
              (r"\b(muu|en halua|ei halua|en kerro|en tieda|en tiia|ohita)\b", "unknown"))


_NEGATION = r"\b(?:ettet|ettei|etta et|etta ei|et|ei|en|eika|enka|etka|eivat|emme|ette)\s+"
_NEGATED_VERB = re.compile(_NEGATION + r"(?:enaa\s+|juuri\s+|edes\s+|oo\s+|ole\s+)?([a-z]{3,})")
_NEGATED_CLAUSE = re.compile(_NEGATION + r"((?:[a-z]+\s+){0,2}[a-z]{3,})")


def _echoes_negation(answer: str, question: str) -> Optional[str]:
    """An answer that repeats the negated finding a question asks about: "en pysty" to "…niin
    kova, ettet pysty puhumaan?" means yes, "pystyn puhumaan" means no; likewise "ei auta" and
    "auttaa" to "…ettei särkylääke auta?". None when the answer does not echo it."""
    asked = {w[:3] for m in _NEGATED_CLAUSE.finditer(question) for w in m.group(1).split() if len(w) >= 3}
    if not asked or re.match(r"\s*(ei|en|kylla|joo|on)\s*[,.!]?\s*$", answer):
        return None
    said = [m.group(1)[:3] for m in _NEGATED_VERB.finditer(answer)]
    if said:
        return parsing.YES if said[0] in asked else None
    words = re.findall(r"[a-z]{3,}", answer)
    return parsing.NO if any(w[:3] in asked for w in words[:3]) else None


def _first(folded: str, table: tuple[tuple[str, str], ...]) -> Optional[str]:
    """The value of the first pattern in the table that the answer matches."""
    return next((value for pattern, value in table if re.search(pattern, folded)), None)


def _parse_who(folded: str) -> Optional[str]:
    if re.search(r"\b(lapse\w*|lapsi|vauva\w*|poika\w*|pojan|tytto\w*|tyttare\w*|taapero\w*)\b", folded):
        return "other:child"
    if re.search(r"\b(mina|minun|mun|minulla|mulla|itse|omista|omat|ite|mulle|minä)\b", folded):
        return "self"
    if re.search(r"\b(joku muu|jonkun muun|muun|toisen|han|hanen|puoliso\w*|aiti\w*|isa\w*|mummo\w*|pappa\w*|"
                 r"naapuri\w*|ystava\w*|kaveri\w*|sisko\w*|veli\w*|vaimo\w*|mies\w*)\b", folded):
        return "other"
    return None


def _record(state: dict, question: Question, value) -> None:
    state["answers"][question.id] = value
    if question.type == "yes_no":
        outcome = {parsing.YES: question.yes, parsing.NO: question.no}.get(value)
        if value == parsing.UNSURE:
            outcome = question.unsure_outcome()
    elif value == parsing.UNSURE:
        outcome = question.unsure_outcome()
    else:
        outcome = next((rule for rule in question.rules if rule.matches(float(value))), None)
    if outcome is not None:
        reason = outcome.reason
        if value == parsing.UNSURE:  # say that it was not known, not that it is so
            reason = _texts_all()["unsure_reason"].format(reason=reason)
        state["triggered"].append({"question": question.id, "level": outcome.level, "reason": reason})


def _back(state: dict) -> dict:
    if not state["history"]:
        return state
    previous = state["history"].pop()
    if previous == "protocol":
        state["protocol"] = None
    elif previous == "who":
        state["who"] = None
    elif previous == "age":
        state["age_group"], state["age_years"], state["age_unknown"] = None, None, False
    elif previous == "sex":
        state["sex"], state["sex_unknown"] = None, False
    else:
        state["answers"].pop(previous, None)
        state["triggered"] = [t for t in state["triggered"] if t["question"] != previous]
    state["done"] = False
    return state
