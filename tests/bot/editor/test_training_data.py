"""Appending reviewed messages to the training files, the data checks and the publish gate."""
from __future__ import annotations

import shutil

import pytest
import yaml

from bot.editor.checks import check
from bot.editor.evaluate import compare
from bot.editor.training_data import append_example, examples, sanitise
from bot.settings import ROOT


@pytest.fixture
def root(tmp_path):
    shutil.copytree(ROOT / "nlu_data", tmp_path / "nlu_data")
    return tmp_path


def test_a_reviewed_message_is_appended_to_its_intent(root):
    before = {intent: len(items) for intent, items in examples(root).items()}
    path = append_example("find_service", "missä on lähin [OSOITE] apteekki?", root)
    assert path.name == "services.yml"
    after = examples(root)
    assert after["find_service"][-1][0] == "missä on lähin apteekki?"
    assert {i: len(v) for i, v in after.items()} == {**before, "find_service": before["find_service"] + 1}
    yaml.safe_load(path.read_text(encoding="utf-8"))  # still valid YAML
    text = path.read_text(encoding="utf-8")
    assert "    - missä on lähin apteekki?\n" in text


def test_duplicates_unknown_intents_and_empty_messages_are_refused(root):
    existing = examples(root)["greet"][0][0]
    with pytest.raises(ValueError, match="jo intentissä greet"):
        append_example("thanks", existing.upper(), root)
    with pytest.raises(ValueError, match="tuntematon intentti"):
        append_example("order_pizza", "pizzaa kiitos", root)
    with pytest.raises(ValueError, match="ei jää esimerkkiä"):
        append_example("inform", "[PUHELIN] [HETU]", root)


def test_markup_never_reaches_the_training_files():
    assert sanitise('soita [PUHELIN] tai "x" {"a": 1} <b>') == "soita tai x a : 1 b"


def test_checks_find_duplicates_and_conflicts(root):
    assert check(root) == []
    taken = examples(root)["find_service"][0][0]
    services = root / "nlu_data" / "nlu" / "services.yml"
    services.write_text(services.read_text(encoding="utf-8") + f"\n- intent: greet\n  examples: |\n    - {taken}\n    - {taken}\n",
                        encoding="utf-8")
    problems = check(root)
    assert any("kahdessa intentissä" in p and taken.lower() in p for p in problems), problems
    assert any(p.startswith("kaksoiskappale intentissä greet") for p in problems), problems


def report(accuracy: float, f1: float, caught: int, false_alarms: int) -> dict:
    return {"accuracy": accuracy, "macro_f1": f1,
            "red_flags": {"cases": 80, "caught": caught, "near_misses": 60, "false_alarms": false_alarms}}


@pytest.mark.parametrize("candidate, acceptable", [
    (report(0.97, 0.96, 80, 0), True),     # the same
    (report(0.98, 0.97, 80, 0), True),     # better
    (report(0.96, 0.97, 80, 0), False),    # held-out accuracy down
    (report(0.98, 0.95, 80, 0), False),    # macro-F1 down
    (report(0.99, 0.99, 79, 0), False),    # one red flag missed: never, however good the rest
    (report(0.99, 0.99, 80, 1), False),    # a false alarm more
])
def test_the_publish_gate(candidate, acceptable):
    production = report(0.97, 0.96, 80, 0)
    assert compare(candidate, production).acceptable is acceptable
