"""Service types, symptoms and situations from residents' words (compounds, colloquial, no diacritics)."""
import pytest

from bot.directory.national import service_type_names
from bot.lexicon import default_lexicon

CASES = [
    ("service_type", "hammaslääkärille", "dental"),
    ("service_type", "terkkarille", "health_station"),
    ("service_type", "paivystykseen", "emergency_dept"),
    ("service_type", "sosiaalipäivystys", "social_emergency"),
    ("service_type", "influenssarokote", "vaccination"),
    ("service_type", "fysioterapiaan", "physiotherapy"),
    ("service_type", "äitiysneuvolaan", "maternity_clinic"),
    ("service_type", "neuvolaan", "child_clinic"),
    ("service_type", "labraan", "laboratory"),
    ("service_type", "sossuun", "social_services"),
    ("service_type", "palvelubussi", "mobile_unit"),
    ("service_type", "Kelan", "kela"),
    ("symptom", "kuumetta", "fever"),
    ("symptom", "yskä", "cough_breathing"),
    ("symptom", "pissatessa", "urinary"),
    ("symptom", "päänsärky", "headache"),
    ("situation", "perheväkivalta", "violence"),
    ("situation", "yksinäinen", "exhaustion_loneliness"),
    ("situation", "työtön", "unemployment"),
]


@pytest.mark.parametrize("entity,word,value", CASES)
def test_word_names_value(entity, word, value):
    assert default_lexicon().match_word(word, entity) == value


@pytest.mark.parametrize("word", ["kelpaa", "talo", "auto", "moi"])
def test_ordinary_words_name_no_service(word):
    assert default_lexicon().match_word(word, "service_type") is None


def test_every_service_type_id_of_the_product_is_known():
    ids = {"health_station", "dental", "maternity_clinic", "child_clinic", "emergency_dept", "laboratory",
           "mental_health", "substance_services", "social_services", "social_emergency", "home_care",
           "elderly_services", "caregiver_support", "disability_services", "family_counselling",
           "school_health", "mobile_unit", "vaccination", "physiotherapy", "ngo", "kela"}
    assert set(default_lexicon().values("service_type")) == ids
    assert set(service_type_names()) == ids
