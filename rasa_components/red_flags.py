"""NLU component: a message that carries a red flag becomes intent `red_flag` whatever DIET thinks.

It sits after the FallbackClassifier, so a red flag also wins over low-confidence fallbacks.
The detector is bot.redflags: the reviewable rules and the semantic detector (any language).
The flag id goes out as entity `red_flag`, which fills the slot the emergency response reads.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.redflags import default_detector

RED_FLAG_INTENT = "red_flag"
#: The semantic detector's unsure alarms (bot.redflags.RedFlag.sure): 112 at once like red_flag,
#: except as an answer to a triage question (rasa_components.red_flag_policy).
RED_FLAG_UNSURE_INTENT = "red_flag_unsure"
RED_FLAG_INTENTS = (RED_FLAG_INTENT, RED_FLAG_UNSURE_INTENT)
RED_FLAG_ENTITY = "red_flag"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class RedFlagClassifier(GraphComponent, IntentClassifier):
    """Overrides the intent with `red_flag` when bot.redflags finds one."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "RedFlagClassifier":
        return cls.load(config, model_storage, resource, execution_context)

    def train(self, training_data: TrainingData) -> Resource:  # pragma: no cover - not trainable
        raise NotImplementedError

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "RedFlagClassifier":
        # Load the rules, the weights, the e5 model and the n-gram hashers at start, not on a
        # message: the first scored message would otherwise block the event loop for seconds, and
        # a conversation's messages arriving meanwhile at another server would overtake it.
        default_detector().detect("käynnistys: mallit ladataan valmiiksi")
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        detector = default_detector()
        for message in messages:
            flag = detector.detect(message.get(TEXT))
            if flag is None:
                continue
            intent = {"name": RED_FLAG_INTENT if flag.sure else RED_FLAG_UNSURE_INTENT, "confidence": 1.0}
            ranking = [intent] + [
                r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get("name") not in RED_FLAG_INTENTS
            ]
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            entity = {
                "entity": RED_FLAG_ENTITY,
                "value": flag.id,
                "start": 0,
                "end": len(message.get(TEXT) or ""),
                "confidence": 1.0,
                "extractor": self.__class__.__name__,
                "matched_text": flag.matched,
            }
            message.set(ENTITIES, (message.get(ENTITIES) or []) + [entity], add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
