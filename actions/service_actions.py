"""Service-question actions: the form's place check and the answer with its `services` payload."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

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
        result = answer(default_directory(), service_type, place, question, origin=shared_location(tracker))
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

    async def extract_place(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        """A shared location (Telegram, browser geolocation) answers "where?" by itself."""
        location = _location_in(_latest_user_metadata(tracker))
        if location is None or tracker.get_slot("place"):
            return {}
        place = default_gazetteer().nearest(*location)
        return {"place": place.name} if place else {}

    def validate_place(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        place = place_from(value, tracker)
        if place is None:
            dispatcher.utter_message(response="utter_place_not_recognised")
            return {"place": None}
        return {"place": place}


def shared_location(tracker: Tracker) -> Optional[Tuple[float, float]]:
    """The coordinates the resident shared most recently in this conversation, if any."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            location = _location_in(event.get("metadata"))
            if location:
                return location
    return None


def _latest_user_metadata(tracker: Tracker) -> Any:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return event.get("metadata")
    return None


def _location_in(metadata: Any) -> Optional[Tuple[float, float]]:
    location = metadata.get("location") if isinstance(metadata, dict) else None
    try:
        lat, lon = float(location["latitude"]), float(location["longitude"])
    except (TypeError, KeyError, ValueError):
        return None
    return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None


def place_from(value: Any, tracker: Tracker) -> Optional[Text]:
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
