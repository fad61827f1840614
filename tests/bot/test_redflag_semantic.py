"""The semantic red-flag detector: trained weights round-trip, long messages, other languages."""
import numpy as np
import pytest

from bot.redflag_semantic import SemanticRedFlags, chunks_of, default_semantic, training_data
from bot.redflags import CombinedDetector, default_detector, rules_detector


def test_training_data_has_every_flag_in_three_languages_and_many_negatives():
    texts, labels = training_data()
    flags = set(labels) - {"none"}
    # "other" holds rule-only danger signs (reduced fetal movements); the model says "other" itself
    # when it cannot tell which of the ten emergencies a message is
    assert flags == set(rules_detector().flag_ids) - {"other"}
    assert labels.count("none") > 2 * (len(labels) - labels.count("none")) / 2


def test_weights_round_trip(tmp_path):
    model = default_semantic()
    path = tmp_path / "w.npz"
    model.save(path)
    again = SemanticRedFlags.load(path)
    text = "isä kaatu eikä herää"
    assert again.score(text).probability == pytest.approx(model.score(text).probability, abs=1e-6)
    assert again.flags == model.flags and again.threshold == model.threshold


def test_a_long_message_is_also_read_sentence_by_sentence():
    text = ("Hei, halusin kysyä hammaslääkäriajasta ensi viikolle, käykö tiistai. "
            "Ja sitten vielä: mun isä makaa lattialla eikä vastaa mulle mitään. "
            "Kiitos vastauksesta.")
    assert len(chunks_of(text)) >= 3
    assert default_detector().detect(text) is not None


@pytest.mark.parametrize("text", [
    "min pappa har ramlat och vaknar inte", "my husband collapsed and is not breathing properly",
    "han slår mig just nu och jag är inlåst i badrummet", "I took all my sleeping pills with vodka an hour ago",
    "mun kaveri veti pillereitä ja viinaa eikä saa siitä mitään vastausta",
])
def test_emergencies_in_words_no_rule_lists(text):
    assert default_detector().detect(text) is not None


@pytest.mark.parametrize("text", [
    "var finns hälsocentralen i Imatra", "how do I book a dental appointment", "tack för hjälpen",
    "ei ole rintakipua eikä hengenahdistusta, vain nuhaa", "isällä oli infarkti viime vuonna, tarvitaan kontrolliaika",
    "luin kirjan itsemurhista", "tää työ tappaa mut", "what are the symptoms of a stroke",
])
def test_ordinary_messages_in_any_language_are_no_alarm(text):
    assert default_detector().detect(text) is None


def test_rule_hit_in_a_past_or_film_context_needs_the_model_to_agree():
    detector = CombinedDetector(rules_detector(), default_semantic())
    assert detector.detect("katottiin leffa jossa joku sai sydänkohtauksen, mitkä on infarktin oireet") is None
    assert detector.detect("isällä oli infarkti viime vuonna ja nyt taas rintaa puristaa kovasti") is not None


def test_too_short_to_judge_is_left_to_the_rules():
    assert default_semantic().score("20") is None and default_semantic().score("joo") is None
    assert default_detector().detect("20") is None


def test_the_probability_is_a_probability():
    score = default_semantic().score("moi, mitä kuuluu")
    assert 0.0 <= score.probability <= 1.0 and score.flag in default_semantic().flags
    assert np.isfinite(score.probability)


class _FixedScore:
    """A semantic detector that always gives one score, to test how CombinedDetector reads it."""

    threshold = 0.5

    def __init__(self, flag: str, probability: float, flag_confidence: float):
        from bot.redflag_semantic import Score

        self._score = Score(flag, probability, "the chunk", flag_confidence)

    def score(self, text):
        return self._score


@pytest.mark.parametrize("flag,probability,confidence,sure", [
    ("breathing", 0.97, 0.9, True),     # names its emergency with a high probability
    ("breathing", 0.75, 0.9, False),    # below SURE_PROBABILITY
    ("breathing", 0.97, 0.3, False),    # cannot tell which emergency: general 112 wording, unsure
])
def test_a_semantic_alarm_is_sure_only_when_it_names_its_emergency_with_a_high_probability(
        flag, probability, confidence, sure):
    found = CombinedDetector(rules_detector(), _FixedScore(flag, probability, confidence)).detect(
        "jotain outoa tapahtuu ja en tiedä mitä tehdä")
    assert found is not None and found.sure is sure
    assert found.id == (flag if confidence >= 0.5 else "other")


def test_a_rule_alarm_is_always_sure():
    found = CombinedDetector(rules_detector(), _FixedScore("none", 0.3, 0.2)).detect("isä ei hengitä")
    assert found is not None and found.sure
