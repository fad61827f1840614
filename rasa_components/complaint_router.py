"""NLU component: a message that names a symptom or a life situation is never "out of scope".

DIET sometimes reads an unusual wording of a complaint ("hammasta vihloo kylmästä") as out of
scope or falls back; when the gazetteer found a `symptom` or `situation` entity in it, the
resident is describing a complaint, and the triage (which asks its red-flag questions first) is
the safe place for it. Sits after the FallbackClassifier and before the RedFlagClassifier.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

UNDERSTOOD_AS_NOTHING = ("out_of_scope", "nlu_fallback")
INTENT_OF_ENTITY = {"symptom": "report_symptom", "situation": "report_situation"}
CONFIDENCE = 0.6


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ComplaintRouter(GraphComponent, IntentClassifier):
    """out_of_scope / nlu_fallback with a symptom or situation entity becomes report_symptom / report_situation."""

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "ComplaintRouter":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if (message.get(INTENT) or {}).get("name") not in UNDERSTOOD_AS_NOTHING:
                continue
            kinds = [e.get("entity") for e in message.get(ENTITIES) or [] if e.get("entity") in INTENT_OF_ENTITY]
            if not kinds:
                continue
            intent = {"name": INTENT_OF_ENTITY[kinds[0]], "confidence": CONFIDENCE}
            ranking = [intent] + [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get("name") != intent["name"]]
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
