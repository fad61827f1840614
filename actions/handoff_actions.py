"""Handoff actions: queue the chat for an advisor, or offer a callback request or phone services.

Thin: the queue is bot/handoff/queue.py, the team and summary rules bot/handoff/request.py.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from redis.exceptions import RedisError

from bot.directory.store import default_directory
from bot.handoff.config import load
from bot.handoff.notifier import handoff_payload
from bot.handoff.queue import HandoffQueue, Outcome, State
from bot.handoff.request import describe, hours_text, level_of, normalise_phone, team_for
from bot.settings import Settings

CANCELLED = "-"
_queue: Optional[HandoffQueue] = None


def queue() -> Optional[HandoffQueue]:
    """The action server's queue client (one per process, made on first use)."""
    global _queue
    if _queue is None:
        url = Settings.from_env().redis_url
        if not url:
            return None
        _queue = HandoffQueue(url)
    return _queue


def recent_texts(tracker: Tracker, count: int = 5) -> list[str]:
    return [e.get("text") or "" for e in tracker.events if e.get("event") == "user"][-count:]


def phone_services(team: str) -> str:
    directory = default_directory()
    found = [directory.by_id.get(i) for i in load().team(team).phone_services]
    return ", ".join(f"{c.name} ({c.phone})" if c.phone not in c.name else c.name for c in found if c is not None)


def team_of(tracker: Tracker) -> Optional[str]:
    return team_for(tracker.get_slot("handoff_team"), tracker.get_slot("triage_summary"),
                    tracker.get_slot("symptom"), tracker.get_slot("situation"))


async def hand_over(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str) -> List[EventType]:
    team = team_of(tracker)
    if team is None:
        dispatcher.utter_message(response="utter_handoff_choose_team")
        return []
    handoff = queue()
    summary = tracker.get_slot("triage_summary")
    names = {"team_name": load().team(team).name, "hours": hours_text(load().team(team)),
             "phone_services": phone_services(team)}
    if handoff is None:
        dispatcher.utter_message(response="utter_handoff_unavailable")
        return []
    try:
        result = await handoff.enqueue(
            conversation=tracker.sender_id, channel=tracker.get_latest_input_channel() or "rest", team=team,
            level=level_of(summary), summary=describe(reason, summary, tracker.get_slot("place") or "",
                                                      recent_texts(tracker)),
            municipality=tracker.get_slot("place") or "")
        if result.outcome in (Outcome.QUEUED, Outcome.ALREADY) and result.chat is not None:
            if result.chat.state == State.QUEUED:
                dispatcher.utter_message(response="utter_handoff_queued", position=result.position,
                                         estimated_wait_min=result.estimated_wait_min, **names)
                dispatcher.utter_message(json_message=handoff_payload("queued", result.chat, result.position,
                                                                      result.estimated_wait_min))
                await handoff.mark_notified(result.chat.id, result.position, result.estimated_wait_min)
            else:
                dispatcher.utter_message(json_message=handoff_payload("connected", result.chat))
            return [SlotSet("handoff_team", None)]
    except (RedisError, OSError):
        dispatcher.utter_message(response="utter_handoff_unavailable")
        return []
    dispatcher.utter_message(response="utter_handoff_full" if result.outcome == Outcome.FULL else "utter_handoff_closed",
                             **names)
    dispatcher.utter_message(json_message={"type": "handoff", "state": "unavailable", "team": team,
                                           "position": None, "estimated_wait_min": None})
    return [SlotSet("handoff_team", team)]  # kept for a callback request


class ActionHandoff(Action):
    """The resident asked for a person (or chose the team after being asked which)."""

    def name(self) -> Text:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        return await hand_over(dispatcher, tracker, "asked")


FAILURES = ("nlu_fallback", "out_of_scope")


class ActionFallback(Action):
    """The bot could not help (low NLU confidence, or out of scope): the main choices the first
    time, an advisor after the second time in a row."""

    def name(self) -> Text:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        intents = [((e.get("parse_data") or {}).get("intent") or {}).get("name")
                   for e in tracker.events if e.get("event") == "user"]
        if len(intents) >= 2 and intents[-1] in FAILURES and intents[-2] in FAILURES:
            dispatcher.utter_message(response="utter_fallback_twice")
            return await hand_over(dispatcher, tracker, "fallback")
        dispatcher.utter_message(response="utter_out_of_scope" if intents and intents[-1] == "out_of_scope"
                                 else "utter_fallback")
        return []


class ValidateCallbackForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_callback_form"

    def validate_callback_phone(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> Dict[Text, Any]:
        if (tracker.latest_message.get("intent") or {}).get("name") in ("deny", "goodbye"):
            return {"callback_phone": CANCELLED}
        phone = normalise_phone(str(value or ""))
        if phone is None:
            dispatcher.utter_message(response="utter_callback_bad_phone")
        return {"callback_phone": phone}


class ActionRequestCallback(Action):
    """Stores the callback request (soittopyyntö) for the team's advisors."""

    def name(self) -> Text:
        return "action_request_callback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        phone = tracker.get_slot("callback_phone")
        reset = [SlotSet("callback_phone", None)]
        if not phone or phone == CANCELLED:
            dispatcher.utter_message(response="utter_callback_cancelled")
            return reset
        team = team_of(tracker) or "health"
        handoff = queue()
        summary = describe("callback", tracker.get_slot("triage_summary"), tracker.get_slot("place") or "",
                           recent_texts(tracker))
        try:
            if handoff is None:
                raise OSError("no Redis configured")
            await handoff.request_callback(tracker.sender_id, team, phone, summary=summary)
        except (RedisError, OSError):
            dispatcher.utter_message(response="utter_callback_failed", phone_services=phone_services(team))
            return reset
        dispatcher.utter_message(response="utter_callback_saved", phone=phone, team_name=load().team(team).name,
                                 hours=hours_text(load().team(team)))
        return reset + [SlotSet("handoff_team", None)]
