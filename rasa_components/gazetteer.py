"""NLU component: places, service types, symptoms and life situations from the gazetteer.

Runs after SpacyTokenizer so each token carries its Voikko lemma; the lemma resolves
inflected place names the lemmatiser knows, bot.places resolves the rest by stem.
Entity values are canonical: the base form of the place, the ids of PRODUCT.md.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.lexicon import default_lexicon
from bot.places import default_gazetteer

PLACE = "place"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class GazetteerEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Adds entities `place`, `service_type`, `symptom` and `situation` to each message."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "GazetteerEntityExtractor":
        return cls()

    def train(self, training_data: TrainingData) -> Resource:  # pragma: no cover - not trainable
        raise NotImplementedError

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            tokens: List[Token] = message.get(TOKENS_NAMES[TEXT]) or []
            found = self.extract(message.get(TEXT) or "", tokens)
            if found:
                message.set(ENTITIES, (message.get(ENTITIES) or []) + found, add_to_output=True)
        return messages

    def extract(self, text: Text, tokens: List[Token]) -> List[Dict[Text, Any]]:
        gazetteer, lexicon = default_gazetteer(), default_lexicon()
        entities: List[Dict[Text, Any]] = []
        seen = set()

        def add(entity: Text, value: Text, start: int, end: int, **extra: Any) -> None:
            if (entity, value) in seen:
                return
            seen.add((entity, value))
            entities.append({
                "entity": entity, "value": value, "start": start, "end": end,
                "confidence_entity": 1.0, "extractor": self.__class__.__name__, **extra,
            })

        for token in tokens:
            place = gazetteer.resolve(token.text, token.lemma)
            if place:
                add(PLACE, place.name, token.start, token.end, municipality=place.municipality)
                continue
            for entity in lexicon.entities:
                value = lexicon.match_word(token.text, entity)
                if value is None and token.lemma and token.lemma != token.text:
                    value = lexicon.match_word(token.lemma, entity)
                if value:
                    add(entity, value, token.start, token.end)
        for entity in lexicon.entities:
            for start, end, value in lexicon.match_phrases(text, entity):
                add(entity, value, start, end)
        return entities
