"""The lean SpacyNLP gives the tokenizer, featurizers and gazetteer exactly what Rasa's gives."""
from __future__ import annotations

import numpy
import yaml

from bot.settings import ROOT
from rasa_components.spacy_nlp import load


def test_tokens_lemmas_tags_and_vectors_are_unchanged_without_the_unused_components():
    heldout = yaml.safe_load((ROOT / "bot" / "data" / "nlu_heldout.yml").read_text(encoding="utf-8"))
    texts = [text for examples in heldout.values() for text in examples]
    texts += ["Lappeenrannassa", "asun Luumäellä", "rintaa puristaa kovasti", "äitiysneuvolan yhteystiedot Simpeleellä"]
    assert len(texts) > 150
    rasa = load("spacy_fi_experimental_web_md", ["parser"]).model  # what Rasa's own SpacyNLP loads
    lean = load("spacy_fi_experimental_web_md", ["parser", "ner"]).model
    assert "ner" in rasa.pipe_names and "ner" not in lean.pipe_names
    for text in texts:
        a, b = rasa(text.lower()), lean(text.lower())
        assert [(t.text, t.lemma_, t.pos_, t.tag_, t.is_stop) for t in a] == \
               [(t.text, t.lemma_, t.pos_, t.tag_, t.is_stop) for t in b], text
        assert numpy.array_equal(a.vector, b.vector)


def test_rasa_loads_the_lean_pipeline_once_the_components_are_imported():
    import rasa_components  # noqa: F401 - what Rasa does before it creates any component
    from rasa.nlu.utils.spacy_utils import SpacyNLP

    model = SpacyNLP.load_model("spacy_fi_experimental_web_md").model
    assert "ner" not in model.pipe_names and "parser" not in model.pipe_names
    assert model("asun Lappeenrannassa")[1].lemma_ == "Lappeenranta"
