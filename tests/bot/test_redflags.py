"""Red flags fire on real emergencies written the way residents write, and not on near-misses."""
import pytest
import yaml

from bot.settings import ROOT
from bot.redflags import RedFlagDetector, default_detector

CASES = yaml.safe_load((ROOT / "bot" / "data" / "red_flag_cases.yml").read_text(encoding="utf-8"))
RED_FLAGS = [(case["text"], case["flag"]) for case in CASES["red_flags"]]
NEAR_MISSES = list(CASES["near_misses"])


@pytest.mark.parametrize("text,flag_id", RED_FLAGS)
def test_red_flag_is_detected(text, flag_id):
    found = default_detector().detect(text)
    assert found is not None, f"missed red flag: {text!r}"
    assert found.id == flag_id, f"{text!r}: got {found.id}, expected {flag_id}"
    assert found.reason


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_miss_does_not_trigger(text):
    assert default_detector().detect(text) is None


def test_table_sizes_meet_the_bar():
    assert len(RED_FLAGS) >= 60 and len(NEAR_MISSES) >= 60


def test_every_flag_in_the_rules_is_exercised():
    exercised = {flag_id for _, flag_id in RED_FLAGS}
    assert exercised == set(default_detector().flag_ids)


@pytest.mark.parametrize("text", ["", None, "   ", "🙂🙂", "\x00\x01\x02", "a" * 10_000])
def test_detector_survives_odd_input(text):
    assert default_detector().detect(text) is None


def test_red_flag_at_the_end_of_a_long_message():
    text = "kerron ensin taustaa. " * 400 + "nyt rintaa puristaa kovasti"
    assert default_detector().detect(text).id == "chest_pain"


def test_rules_file_loads_from_a_path(tmp_path):
    path = tmp_path / "flags.yml"
    path.write_text("flags:\n  - id: x\n    reason: r\n    patterns:\n      - match: 'apua'\n")
    assert RedFlagDetector.from_file(path).detect("APUA").id == "x"


@pytest.mark.parametrize("text,flag", [
    # A child who got at someone else's medicine, written as people write it (spoken "syöny", any case
    # of "lapsi", "lääkkeitä" with its double k), as a question that sounds like it asks for information.
    ("voiko vauvalle käydä jotain jos se on syöny isän lääkkeitä", "poisoning"),
    ("pojalla on tosi uninen olo, se on nielly mummon tabletteja", "poisoning"),
    # Their own medicine as prescribed is no poisoning.
    ("tytöllä kurkku kipeä, söi lääkkeensä aamulla ja nyt parempi", None),
])
def test_a_child_and_someone_elses_medicine(text, flag):
    found = RedFlagDetector.from_file().detect(text)
    assert (found.id if found else None) == flag


def test_a_veto_free_rule_is_not_overruled_by_the_model():
    """The model reads "voiko … jos se on syöny …" as a question for information (probability near
    0); the child-and-medicine rule says `veto: false`, so the combined detector keeps it."""
    text = "voiko vauvalle käydä jotain jos se on syöny isän lääkkeitä"
    found = default_detector().detect(text)
    assert found is not None and found.id == "poisoning" and not found.vetoable


def test_would_not_wake_up_in_the_conditional_is_a_wish_not_an_unconscious_person():
    """"olis helpompi jos ei heräis" (passive thoughts of death, answered inside the mental-health
    questionnaire) matched "ei herää" and got the recovery-position advice (heldout4 plays)."""
    rules = RedFlagDetector.from_file()
    assert rules.detect("joskus aattelen et olis helpompi jos ei heräis") is None
    assert rules.detect("mummo ei herää vaikka ravistan").id == "unconscious"
