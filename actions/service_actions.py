"""Service-question actions: the form's place check and the answer with its `services` payload."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.directory.national import service_type_names, services_for
from bot.places import default_gazetteer


class ActionFindService(Action):
    def name(self) -> Text:
        return "action_find_service"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        service_type = tracker.get_slot("service_type")
        place = default_gazetteer().get(tracker.get_slot("place") or "")
        names = service_type_names()
        if service_type not in names or place is None:
            dispatcher.utter_message(response="utter_service_search_failed")
            return []
        services = services_for(service_type)
        lines = "\n".join(f"• {s.name}, puh. {s.phone} ({s.description})" for s in services)
        dispatcher.utter_message(
            response="utter_service_answer" if services else "utter_service_answer_none",
            service_name=names[service_type],
            place=place.name,
            municipality=place.municipality,
            service_list=lines,
        )
        dispatcher.utter_message(json_message={
            "type": "services",
            "service_type": service_type,
            "municipality": place.municipality,
            "items": [s.as_item() for s in services],
        })
        return []


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
