"""NLU component: the language of each message (fi, sv, en) as entity `language`.

The entity fills the `language` slot only when the message is clearly in one language, so a
short "ok" or a place name keeps the conversation's language. The emergency answer (and, as the
languages grow, every answer) is chosen by that slot.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.language import detect

LANGUAGE_ENTITY = "language"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LanguageExtractor(GraphComponent, EntityExtractorMixin):
    """Adds entity `language` (fi / sv / en) when the message is clearly in that language."""

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LanguageExtractor":
        detect("esimerkki")  # load lingua's models now, not on the first resident's message
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            language = detect(message.get(TEXT))
            if language is None:
                continue
            text = message.get(TEXT) or ""
            entity = {"entity": LANGUAGE_ENTITY, "value": language, "start": 0, "end": len(text),
                      "confidence": 1.0, "extractor": self.__class__.__name__}
            message.set(ENTITIES, (message.get(ENTITIES) or []) + [entity], add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
