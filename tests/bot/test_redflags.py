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
