"""Rasa graph components (NLU and policy) that plug bot/ logic into Rasa's pipeline."""
from rasa_components import spacy_nlp as _spacy_nlp

_spacy_nlp.install()
