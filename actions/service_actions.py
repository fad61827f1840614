"""Service-question actions: the form's place check and the answer with its `services` payload."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.directory.answer import answer
from bot.directory.national import service_type_names
from bot.directory.store import default_directory
from bot.places import default_gazetteer


class ActionFindService(Action):
    """Answers a service question from the directory: text plus the `services` payload."""

    def name(self) -> Text:
        return "action_find_service"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        service_type = tracker.get_slot("service_type")
        place = default_gazetteer().get(tracker.get_slot("place") or "")
        if service_type not in service_type_names() or place is None:
            dispatcher.utter_message(response="utter_service_search_failed")
            return []
        question = _last_service_question(tracker)
        result = answer(default_directory(), service_type, place, question)
        dispatcher.utter_message(text=result.text)
        dispatcher.utter_message(json_message=result.payload)
        return []


def _last_service_question(tracker: Tracker) -> Text:
    """The resident's latest message that asked for a service (not the answer naming the place)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user" and (event.get("parse_data") or {}).get("intent", {}).get("name") == "find_service":
            return event.get("text") or ""
    return tracker.latest_message.get("text") or ""


class ValidateServiceForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_service_form"

    def validate_place(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        place = _place_from(value, tracker)
        if place is None:
            dispatcher.utter_message(response="utter_place_not_recognised")
            return {"place": None}
        return {"place": place}


def _place_from(value: Any, tracker: Tracker) -> Optional[Text]:
    """The base name of the place the resident gave: the NLU entity, else any word of the text."""
    gazetteer = default_gazetteer()
    entities: List[Dict[Text, Any]] = tracker.latest_message.get("entities") or []
    for entity in entities:
        if entity.get("entity") == "place" and gazetteer.get(str(entity.get("value"))):
            return gazetteer.get(str(entity["value"])).name
    for word in str(value or "").replace(",", " ").split():
        place = gazetteer.resolve(word)
        if place:
            return place.name
    return None
