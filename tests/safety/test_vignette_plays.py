"""Triage played by simulated honest residents (tests/safety/plays/), replayed to the real bot.

The held-out vignettes are adapted from published case material and were played by helpers who saw
only the vignette and the bot's questions; the bars sit at the figures measured when they were
played (issue 15's note), the targets of the issue are printed beside them.
"""
import pytest

from bot.safety_eval import evaluate_triage, format_triage, load_vignettes, rest_sender, triage_figures

# Measured on the held-out plays (see the README's figures); a drop below them is a regression.
# Replayed against the final bot of session 6: heldout 0.750 / 1 undertriaged, heldout2 0.778 / 1;
# the bars leave room for a freshly trained Rasa model reading a free answer differently.
BARS = {"heldout": {"three_level": 0.70, "no_result": 0, "undertriaged": 2},
        "heldout2": {"three_level": 0.73, "no_result": 0, "undertriaged": 2}}
TARGETS = "targets: three-level >= 0.88, 0 emergencies undertriaged, self-care overtriage <= 0.30"


def test_every_vignette_has_a_source_and_a_gold_level():
    for name in ("dev", "heldout", "heldout2"):
        for vignette in load_vignettes(name):
            assert vignette["source"] and vignette["gold"] and vignette["opening"] and vignette["facts"]
    assert len(load_vignettes("heldout")) >= 60 and len(load_vignettes("heldout2")) >= 45


@pytest.mark.parametrize("name", ["heldout", "heldout2"])
def test_heldout_triage_replayed(stack, name):
    plays, missing = evaluate_triage(name, rest_sender(stack.rasa_url))
    assert not missing, f"vignettes never played: {missing}"
    figures = triage_figures(plays)
    bars = BARS[name]
    print("\n" + format_triage(figures, f"{name}, replayed") + "\n  " + TARGETS)
    assert len(figures["no_result"]) <= bars["no_result"], figures["no_result"]
    assert len(figures["undertriaged"]) <= bars["undertriaged"], figures["undertriaged"]
    assert figures["three_level"] >= bars["three_level"]
