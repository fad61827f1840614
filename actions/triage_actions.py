"""Triage actions: start, ask one question at a time (triage_form), validate answers, give the result."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.service_actions import place_from, shared_location
from bot.directory.store import default_directory
from bot.places import default_gazetteer
from bot.text import fold
from bot.triage import advice, engine, parsing

# Results after which an advisor's look helps (EMERGENCY and EMERGENCY_DEPT must not wait in a chat queue).
ADVISOR_LEVELS = ("SAME_DAY", "ROUTINE")
KIND_OF_INTENT = {"report_symptom": "symptom", "report_situation": "situation"}
NO_PLACE = "-"  # the resident did not say where: the result names county-wide and national services


class ActionStartTriage(Action):
    def name(self) -> Text:
        return "action_start_triage"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        message = tracker.latest_message
        text = message.get("text") or ""
        if text.startswith("/"):
            text = ""  # a button press like /report_symptom says only the kind
        kind = KIND_OF_INTENT.get((message.get("intent") or {}).get("name"))
        topics = [e["value"] for e in message.get("entities") or [] if e.get("entity") in ("symptom", "situation")]
        state = engine.start(text, kind, topics)
        state["started_with"] = message.get("text") or ""
        intro = advice.texts()["start" if state.get("kind") != "situation" else "start_situation"]
        dispatcher.utter_message(text=intro)
        # The first message may already settle it (a finding that ends the triage): then no question.
        answer = engine.DONE if state.get("done") else None
        return [SlotSet("triage_state", state), SlotSet("triage_answer", answer), SlotSet("triage_summary", None)]


class ActionAskTriageAnswer(Action):
    """Asks the current question with its answer buttons and `triage` question payload."""

    def name(self) -> Text:
        return "action_ask_triage_answer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        state = tracker.get_slot("triage_state")
        question = engine.current_question(state) if state else None
        if question is None:
            return []
        text, payload = advice.question_message(state, question)
        dispatcher.utter_message(text=text, buttons=[{"title": o["title"], "payload": o["payload"]} for o in payload["options"]])
        dispatcher.utter_message(json_message=payload)
        return []


class ValidateTriageForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_triage_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        state = tracker.get_slot("triage_state") or {}
        needs_place = (state.get("done") and not state.get("stopped") and tracker.get_slot("place") is None
                       and shared_location(tracker) is None and engine.result(state).level != "EMERGENCY")
        return ["triage_answer", "place"] if needs_place else ["triage_answer"]

    def validate_triage_answer(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> Dict[Text, Any]:
        state = tracker.get_slot("triage_state")
        if not state:
            return {"triage_answer": engine.STOPPED}
        if not state["history"] and value == state.get("started_with"):
            return {"triage_answer": None}  # the message that started the triage is no answer
        intent = tracker.latest_message.get("intent") or {}
        new_state, outcome = engine.answer(state, str(value or ""))
        if outcome == engine.NOT_UNDERSTOOD and _wants_out(intent, str(value or "")):
            # Only an answer the triage cannot read ends it: "ei, näkee normaalisti" is an answer.
            state = {**state, "stopped": True}
            return {"triage_state": state, "triage_answer": engine.STOPPED, "triage_summary": engine.summary(state)}
        if outcome == engine.NOT_UNDERSTOOD:
            dispatcher.utter_message(text=advice.not_understood_text(engine.current_question(new_state), new_state))
        if outcome in (engine.DONE, engine.STOPPED):
            return {"triage_state": new_state, "triage_answer": outcome, "triage_summary": engine.summary(new_state)}
        return {"triage_state": new_state, "triage_answer": None}

    def validate_place(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                       domain: DomainDict) -> Dict[Text, Any]:
        """A known place, else asked once more; a resident who won't or can't say gets the result
        with the county's phone services and the national numbers (never the same question again)."""
        place = place_from(value, tracker)
        if place is not None:
            return {"place": place}
        state = dict(tracker.get_slot("triage_state") or {})
        attempts = int(state.get("place_attempts", 0)) + 1
        refused = parsing.yes_no(str(value or "")) in (parsing.UNSURE, parsing.NO) or bool(
            re.search(r"\b(ohita|en halua|en kerro|ei valia|sama|mika tahansa)\b", fold(str(value or ""))))
        if refused or attempts >= 2:
            return {"place": NO_PLACE, "triage_state": {**state, "place_attempts": attempts}}
        dispatcher.utter_message(response="utter_place_not_recognised_triage")
        return {"place": None, "triage_state": {**state, "place_attempts": attempts}}


def _wants_out(intent: dict, text: str) -> bool:
    """The resident asks for a person, or says goodbye in a few words: the triage stops. A longer
    answer the triage could not read ("no se säären punotus, muuta ei") is asked again instead."""
    name, confidence = intent.get("name"), float(intent.get("confidence") or 0)
    if name == "request_human" and confidence >= 0.8:
        return True
    return name == "goodbye" and confidence >= 0.8 and len(text.split()) <= 3


class ActionTriageResult(Action):
    """The level, the reasons and the concrete service; the summary stays for an advisor."""

    def name(self) -> Text:
        return "action_triage_result"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        state: Optional[dict] = tracker.get_slot("triage_state")
        events: List[EventType] = [SlotSet("triage_answer", None)]
        if not state or state.get("stopped") or not state.get("protocol"):
            dispatcher.utter_message(text=advice.texts()["stopped"])
            dispatcher.utter_message(response="utter_what_next")
            return events
        place_slot = tracker.get_slot("place")
        place = default_gazetteer().get(place_slot or "") if place_slot != NO_PLACE else None
        text, payloads = advice.result_messages(state, default_directory(), place, origin=shared_location(tracker))
        dispatcher.utter_message(text=text)
        for payload in payloads:
            dispatcher.utter_message(json_message=payload)
        if engine.result(state).level in ADVISOR_LEVELS:  # a professional should look: offer an advisor
            dispatcher.utter_message(response="utter_offer_advisor")
        if place_slot == NO_PLACE:
            events.append(SlotSet("place", None))
        return events + [SlotSet("triage_summary", engine.summary(state))]
