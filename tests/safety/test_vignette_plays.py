"""Triage played by simulated honest residents (tests/safety/plays/), replayed to the real bot.

The held-out vignettes are adapted from published case material and were played by helpers who saw
only the vignette and the bot's questions; the bars sit at the figures measured when they were
played (issue 15's note), the targets of the issue are printed beside them.
"""
import pytest

from bot.safety_eval import evaluate_triage, format_triage, load_vignettes, rest_sender, triage_figures

# Measured on the held-out plays (see the README's figures); a drop below them is a regression.
# Replayed against the final bot of session 7: heldout 0.750 / 0 undertriaged, heldout2 0.756 / 0,
# heldout3 0.667 / 0, heldout4 0.625 / 2. The bars leave room for a freshly trained Rasa model
# reading a free answer differently: h4-029's player went through the service menu, and whether a
# fresh model sends its opening there (and the replay can follow) or straight to triage varies
# between trainings. The played figures are in the README.
BARS = {"heldout": {"three_level": 0.68, "no_result": 0, "undertriaged": 1},
        "heldout2": {"three_level": 0.71, "no_result": 0, "undertriaged": 1},
        "heldout3": {"three_level": 0.64, "no_result": 0, "undertriaged": 1},
        "heldout4": {"three_level": 0.60, "no_result": 1, "undertriaged": 3}}
TARGETS = "targets: three-level >= 0.88, 0 emergencies undertriaged, self-care overtriage <= 0.30"


def test_every_vignette_has_a_source_and_a_gold_level():
    for name in ("dev", "heldout", "heldout2", "heldout3", "heldout4"):
        for vignette in load_vignettes(name):
            assert vignette["source"] and vignette["gold"] and vignette["opening"] and vignette["facts"]
    assert len(load_vignettes("heldout")) >= 60 and len(load_vignettes("heldout2")) >= 45
    assert len(load_vignettes("heldout3")) >= 45 and len(load_vignettes("heldout4")) >= 45


@pytest.mark.parametrize("name", ["heldout", "heldout2", "heldout3", "heldout4"])
def test_heldout_triage_replayed(stack, name):
    plays, missing = evaluate_triage(name, rest_sender(stack.rasa_url))
    assert not missing, f"vignettes never played: {missing}"
    figures = triage_figures(plays)
    bars = BARS[name]
    print("\n" + format_triage(figures, f"{name}, replayed") + "\n  " + TARGETS)
    assert len(figures["no_result"]) <= bars["no_result"], figures["no_result"]
    assert len(figures["undertriaged"]) <= bars["undertriaged"], figures["undertriaged"]
    assert figures["three_level"] >= bars["three_level"]
