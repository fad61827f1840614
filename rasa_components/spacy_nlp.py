"""Rasa's SpacyNLP loads the spaCy pipeline with only its parser turned off; this leaves out the
named-entity recogniser too.

Rasa runs every remaining component of the spaCy pipeline on each message. The Finnish
pipeline's named-entity recogniser is of no use here (places, services, symptoms and situations
come from the gazetteer) and took a third of spaCy's time per message in the benchmark's profile.
Tokens, Voikko lemmas, POS tags and vectors, which the tokenizer, featurizers and gazetteer read,
are the same without it (tests/bot/test_spacy_nlp.py compares them on the held-out set).

Rasa's recipe hands the loaded model to SpacyTokenizer and SpacyFeaturizer by the class name
SpacyNLP, so a subclass cannot take its place in config.yml; `install()` (run when the
rasa_components package is imported, which Rasa does before it creates any component, in
training and in serving alike) changes how Rasa's SpacyNLP loads the model instead.
"""
from __future__ import annotations

import logging
from typing import Text

from rasa.nlu.utils import spacy_utils
from rasa.nlu.utils.spacy_utils import SpacyModel

logger = logging.getLogger(__name__)

DISABLE = ("parser", "ner")
_rasa_load_model = spacy_utils.SpacyNLP.load_model


def load(model_name: Text, disable: tuple[str, ...] | list[str] = DISABLE) -> SpacyModel:
    import spacy

    return SpacyModel(model=spacy.load(model_name, disable=list(disable)), model_name=model_name)


def _load_model(spacy_model_name: Text) -> SpacyModel:
    model = _rasa_load_model(spacy_model_name)  # Rasa's checks and error messages
    for name in DISABLE:
        if name in model.model.pipe_names:
            model.model.disable_pipe(name)
    logger.info("spaCy model %s runs %s", spacy_model_name, ", ".join(model.model.pipe_names))
    return model


def install() -> None:
    spacy_utils.SpacyNLP.load_model = staticmethod(_load_model)  # type: ignore[assignment]
