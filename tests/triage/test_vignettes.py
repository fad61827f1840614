"""The vignette set through the real bot over REST: the bars of issue 4, and the figures printed."""
from bot.triage.evaluate import evaluate, report, rest_sender


def test_vignettes_meet_the_bars(stack):
    outcomes, text = evaluate(rest_sender(stack.rasa_url))
    print("\n" + text)
    figures = report(outcomes)
    under, emergencies = figures["emergency_undertriage"]
    assert under == 0, text
    assert figures["exact"] >= 0.75, text
    assert figures["three_level"] >= 0.85, text
    assert not figures["failed"], text
