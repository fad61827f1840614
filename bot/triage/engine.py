"""The triage engine: one question at a time, the most urgent triggered level wins.

Pure and deterministic: the state is a plain dict (kept in a Rasa slot between turns), every
function returns a new state. No Rasa, no I/O beyond reading the protocol files once.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Optional

from bot.lexicon import default_lexicon
from bot.text import fold
from bot.triage import parsing
from bot.triage.levels import RANK, most_urgent
from bot.triage.protocol import Protocol, Question, protocols

AGE_QUESTION = Question(id="age", type="age", text="Kenen oireista on kyse? Kuinka vanha hän on?")
CHOOSE_QUESTION = Question(id="protocol", type="choice", text="Mistä oireesta tai asiasta on kyse?")
ENDING_LEVELS = ("EMERGENCY", "EMERGENCY_DEPT")

# When a message names several complaints, the potentially most serious one is assessed.
PRIORITY = ("chest_pain", "mental_health", "injury", "headache", "cough_breathing", "abdominal_pain", "dizziness",
            "dental", "back_pain", "vomiting_diarrhoea", "sore_throat", "ear", "urinary", "eye", "skin",
            "fever", "violence", "families", "substance_use", "caregiver", "elderly_at_home", "exhaustion_loneliness",
            "housing", "money_food", "youth", "disability", "unemployment")

_STOP = re.compile(r"^(lopeta|lopetetaan|keskeyta|peru|peruuta|stop|en halua jatkaa|riittaa|lopeta arvio)\b")
_BACK = re.compile(r"^(takaisin|edellinen|palaa|edelliseen|edellinen kysymys|muutan vastausta)\b")
_INFANT = re.compile(r"alle\s*(3|kolme|kolmen)\s*(kk|kuukau\w*)|vastasyntyn")
_ELDERLY = re.compile(r"yli\s*75")

NEXT, NOT_UNDERSTOOD, DONE, STOPPED, BACK = "next", "not_understood", "done", "stopped", "back"


@dataclass(frozen=True)
class Result:
    level: str
    reasons: tuple[str, ...]
    protocol: str
    kind: str
    self_care: tuple[str, ...]
    seek_care_if: tuple[str, ...]


def start(text: str = "", kind: Optional[str] = None, topics: Optional[list[str]] = None) -> dict:
    """A new triage from the resident's first message (protocol and age taken from it when said)."""
    state = {"protocol": None, "kind": kind, "age_group": None, "answers": {}, "history": [],
             "triggered": [], "done": False, "stopped": False, "misunderstood": 0}
    group = _age_group(text)
    if group:
        state["age_group"] = group
    chosen = choose_protocol(text, kind, topics)
    if chosen:
        _set_protocol(state, chosen)
        _prefill_duration(state, text)
    return state


def _prefill_duration(state: dict, text: str) -> None:
    """A duration said in the first message ("kuumetta kolme päivää") answers the duration question."""
    days = parsing.duration_days(text or "")
    if days is None:
        return
    for question in protocols()[state["protocol"]].questions:
        if question.type == "duration" and question.applies_to(state["age_group"]):
            _record(state, question, days)
            state["history"].append(question.id)
            return


def choose_protocol(text: str, kind: Optional[str] = None, topics: Optional[list[str]] = None) -> Optional[str]:
    """The protocol the words name: by lexicon topic, then by protocol title."""
    found = list(topics or [])
    lexicon = default_lexicon()
    for word in re.findall(r"[\wåäöÅÄÖ-]+", text or ""):
        for entity in ("symptom", "situation"):
            value = lexicon.match_word(word, entity)
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
        candidates = [p for p in protocols().values() if folded and fold(p.title) in folded]
    if not candidates:
        return None
    candidates.sort(key=lambda p: PRIORITY.index(p.id) if p.id in PRIORITY else len(PRIORITY))
    return candidates[0].id


def choices(state: dict) -> list[Protocol]:
    kind = state.get("kind")
    return [p for p in protocols().values() if p.topics and (kind is None or p.kind == kind)]


def current_question(state: dict) -> Optional[Question]:
    """The question to ask next, or None when the triage has what it needs."""
    if state["done"] or state["stopped"]:
        return None
    if state["protocol"] is None:
        return CHOOSE_QUESTION
    protocol = protocols()[state["protocol"]]
    if protocol.ask_age and state["age_group"] is None:
        return AGE_QUESTION
    for question in protocol.questions:
        if question.id not in state["answers"] and question.applies_to(state["age_group"]):
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
    if value is None:
        state["misunderstood"] += 1
        if question.type == "yes_no" and state["misunderstood"] >= 2:
            value = parsing.UNSURE  # asked twice without an answer: treat as "don't know"
        else:
            return state, NOT_UNDERSTOOD
    state["misunderstood"] = 0
    if question is CHOOSE_QUESTION:
        _set_protocol(state, value)
    elif question is AGE_QUESTION:
        state["age_group"] = value
        _apply_redirect(state)
    else:
        _record(state, question, value)
        last = state["triggered"][-1] if state["triggered"] and state["triggered"][-1]["question"] == question.id else None
        if question.red_flag and last and last["level"] in ENDING_LEVELS:
            state["done"] = True
            return state, DONE
    state["history"].append(question.id)
    if current_question(state) is None:
        state["done"] = True
        return state, DONE
    return state, NEXT


def result(state: dict) -> Result:
    protocol = protocols()[state["protocol"]]
    triggered = state["triggered"]
    level = most_urgent(*(t["level"] for t in triggered)) or protocol.baseline.level
    reasons = tuple(t["reason"] for t in sorted(triggered, key=lambda t: RANK[t["level"]]) if RANK[t["level"]] <= RANK[level] + 1)
    if not triggered:
        reasons = (protocol.baseline.reason,)
    return Result(level, reasons[:3], protocol.id, protocol.kind, protocol.self_care, protocol.seek_care_if)


def summary(state: dict) -> dict:
    """The structured triage summary kept on the conversation for an advisor."""
    data = {"protocol": state["protocol"], "kind": state.get("kind"), "age_group": state["age_group"],
            "answers": dict(state["answers"]), "stopped": state["stopped"]}
    if state["protocol"] and state["done"]:
        r = result(state)
        data.update({"level": r.level, "reasons": list(r.reasons)})
    return data


# --- internals -------------------------------------------------------------------------------

def _set_protocol(state: dict, protocol_id: str) -> None:
    protocol = protocols()[protocol_id]
    state["protocol"], state["kind"] = protocol.id, protocol.kind
    _apply_redirect(state)


def _apply_redirect(state: dict) -> None:
    protocol = protocols()[state["protocol"]]
    target = protocol.redirect.get(state["age_group"] or "")
    if target:
        state["protocol"] = target
        state["answers"], state["triggered"] = {}, []


def _age_group(text: str) -> Optional[str]:
    folded = fold(text or "")
    if _INFANT.search(folded):
        return "infant"
    if _ELDERLY.search(folded):
        return "elderly"
    return parsing.age_group(text or "")


def _parse(question: Question, state: dict, text: str):
    if question is CHOOSE_QUESTION:
        return choose_protocol(text, state.get("kind"))
    if question is AGE_QUESTION:
        return _age_group(text)
    if question.type == "yes_no":
        return parsing.yes_no(text)
    if question.type == "duration":
        return parsing.duration_days(text)
    return parsing.number(text)


def _record(state: dict, question: Question, value) -> None:
    state["answers"][question.id] = value
    outcome = None
    if question.type == "yes_no":
        if value == parsing.YES:
            outcome = question.yes
        elif value == parsing.NO:
            outcome = question.no
        else:  # when unsure, the more urgent: the level of "yes" unless the protocol says otherwise
            outcome = question.unsure or question.yes
    else:
        outcome = next((rule for rule in question.rules if rule.matches(float(value))), None)
    if outcome is not None:
        state["triggered"].append({"question": question.id, "level": outcome.level, "reason": outcome.reason})


def _back(state: dict) -> dict:
    if not state["history"]:
        return state
    previous = state["history"].pop()
    if previous == "protocol":
        state["protocol"] = None
    elif previous == "age":
        state["age_group"] = None
    else:
        state["answers"].pop(previous, None)
        state["triggered"] = [t for t in state["triggered"] if t["question"] != previous]
    state["done"] = False
    return state
