"""The handoff request rules: team, summary, hours text and callback phone numbers."""
from __future__ import annotations

import pytest

from bot.handoff.config import load
from bot.handoff.request import describe, hours_text, level_of, normalise_phone, team_for


@pytest.mark.parametrize("chosen, summary, symptom, situation, team", [
    ("social", {"kind": "symptom"}, "kuume", None, "social"),        # the resident's choice wins
    (None, {"kind": "symptom", "level": "SAME_DAY"}, None, None, "health"),
    (None, {"kind": "situation"}, None, None, "social"),
    (None, None, None, "toimeentulo", "social"),
    (None, None, "kuume", None, "health"),
    (None, None, None, None, None),                                  # unknown: the bot asks
    ("everyone", None, None, None, None),
])
def test_team(chosen, summary, symptom, situation, team):
    assert team_for(chosen, summary, symptom, situation) == team


def test_summary_for_the_advisor():
    summary = {"protocol": "fever", "kind": "symptom", "age_group": "child", "level": "SAME_DAY",
               "reasons": ["kuume yli 3 vrk"], "answers": {"duration": "4 päivää"}, "stopped": False}
    text = describe("asked", summary, "Imatra", ["/report_symptom", "lapsella kuumetta", "haluan puhua hoitajalle"])
    assert text.splitlines() == [
        "Syy: asukas pyysi ihmistä",
        "Arvio: oirearvio fever, taso SAME_DAY (saman päivän aikana)",
        "Ikäryhmä: child",
        "Perusteet: kuume yli 3 vrk",
        "Vastaukset: duration: 4 päivää",
        "Kunta: Imatra",
        "Asukas kirjoitti: lapsella kuumetta | haluan puhua hoitajalle",
    ]
    assert level_of(summary) == "SAME_DAY" and level_of(None) is None
    assert describe("fallback", None, "", []) == "Syy: botti ei ymmärtänyt kahdesti"


def test_hours_text():
    teams = load().teams
    assert hours_text(teams["social"]) == "ma–pe 8.00–16.00; arkipyhinä suljettu"
    assert hours_text(teams["health"]) == "ma–pe 8.00–20.00, la–su 10.00–16.00"


@pytest.mark.parametrize("value, phone", [
    ("040 123 4567", "0401234567"),
    ("040-1234567", "0401234567"),
    ("+358 40 123 4567", "+358 401234567"),
    ("00358401234567", "+358 401234567"),
    ("(05) 123 4567", "051234567"),
    ("112", None),
    ("soita mulle", None),
    ("+358 040 123", None),
    ("", None),
    ("0401234567890123", None),
])
def test_callback_phone_numbers(value, phone):
    assert normalise_phone(value) == phone
