"""Dialogue policy: after a red-flag message the bot gives the 112 instruction, always.

It outranks every other policy (priority above RulePolicy, and its predictions rank with the
active-loop predictions), so no form, rule or story can delay the emergency answer. An active form or triage is ended after the instruction.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction, SupportedData
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_DEACTIVATE_LOOP_NAME, ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_components.red_flags import RED_FLAG_INTENT, RED_FLAG_UNSURE_INTENT

EMERGENCY_RESPONSE = "utter_emergency"
TRIAGE_FORM = "triage_form"
TRIAGE_ANSWER = "triage_answer"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class RedFlagPolicy(Policy):
    """Predicts the emergency response after a `red_flag` message, then listens."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"priority": 10}

    @staticmethod
    def supported_data() -> SupportedData:
        return SupportedData.ML_AND_RULE_DATA

    def train(
        self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any
    ) -> Resource:
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        action = self._next_action(tracker)
        if action is None:
            return self._prediction(self._default_predictions(domain))
        probabilities = self._default_predictions(domain)
        probabilities[domain.index_for_action(action)] = 1.0
        # Marked as a "no user" prediction like RulePolicy's active-loop predictions, which
        # otherwise overrule every other policy: inside a form, too, the red flag must win.
        return self._prediction(probabilities, is_no_user_prediction=True)

    @staticmethod
    def _next_action(tracker: DialogueStateTracker) -> Optional[Text]:
        intent = tracker.latest_message.intent.get("name") if tracker.latest_message is not None else None
        if intent not in (RED_FLAG_INTENT, RED_FLAG_UNSURE_INTENT):
            return None
        actions_since_user = _actions_since_last_user_message(tracker)
        if intent == RED_FLAG_UNSURE_INTENT:
            if not actions_since_user and _answers_triage_question(tracker):
                # An unsure semantic alarm on an answer inside the questionnaire: the protocol's own
                # danger-sign questions judge it (its red-flag questions come first), and the rules
                # and sure alarms still win at once.
                return None
            if actions_since_user and EMERGENCY_RESPONSE not in actions_since_user:
                # Deferred above when the message came: the triage has taken it as its answer and
                # may have moved on to the place question; the alarm is not raised afterwards.
                return None
        if not actions_since_user:
            return EMERGENCY_RESPONSE
        if actions_since_user[-1] == EMERGENCY_RESPONSE and tracker.active_loop_name:
            return ACTION_DEACTIVATE_LOOP_NAME
        if EMERGENCY_RESPONSE in actions_since_user:
            return ACTION_LISTEN_NAME
        return EMERGENCY_RESPONSE


def _answers_triage_question(tracker: DialogueStateTracker) -> bool:
    return tracker.active_loop_name == TRIAGE_FORM and tracker.get_slot("requested_slot") == TRIAGE_ANSWER


def _actions_since_last_user_message(tracker: DialogueStateTracker) -> List[Text]:
    actions: List[Text] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, ActionExecuted) and event.action_name:
            actions.append(event.action_name)
    # action_extract_slots runs on every message; it is not a reply.
    return [a for a in reversed(actions) if a not in ("action_extract_slots", ACTION_LISTEN_NAME)]
