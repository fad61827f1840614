"""Residents' answers, table-driven: yes/no/don't know, durations and numbers as words, ages."""
import pytest

from bot.triage.parsing import NO, UNSURE, YES, age_group, age_years, duration_days, number, yes_no


@pytest.mark.parametrize("text,expected", [
    ("kyllä", YES), ("Kyllä!", YES), ("joo", YES), ("juu", YES), ("jep", YES), ("on", YES), ("joo kyllä on", YES),
    ("kyl se on", YES), ("ei", NO), ("Ei oo", NO), ("ei ole", NO), ("en", NO), ("no ei", NO), ("eipä", NO),
    ("en tiedä", UNSURE), ("en tiiä", UNSURE), ("emmä tiiä", UNSURE), ("ehkä", UNSURE), ("en oo varma", UNSURE),
    ("vaikea sanoa", UNSURE), ("", None), ("banaani", None),
])
def test_yes_no(text, expected):
    assert yes_no(text) == expected


@pytest.mark.parametrize("text,days", [
    ("kolme päivää", 3), ("3 pv", 3), ("3 vrk", 3), ("viikon", 7), ("kaksi viikkoa", 14), ("2 vk", 14),
    ("puolitoista vuotta", 547.5), ("pari päivää", 2), ("eilisestä", 1), ("aamusta asti", 0.5),
    ("kuukauden", 30), ("neljä päivää", 4), ("yhden yön", 1), ("tunnin", 1 / 24),
])
def test_duration(text, days):
    assert duration_days(text) == pytest.approx(days)


@pytest.mark.parametrize("text,value", [("38,5", 38.5), ("kolme", 3), ("puolitoista", 1.5), ("kymmenen", 10), ("ei numeroa", None)])
def test_number(text, value):
    assert number(text) == value


@pytest.mark.parametrize("text,years,group", [
    ("2 kk", 2 / 12, "infant"), ("kaksi kuukautta", 2 / 12, "infant"), ("6 viikkoa", 6 / 52, "infant"),
    ("4 v", 4, "child"), ("80-vuotias", 80, "elderly"), ("olen 25", 25, "adult"), ("45", 45, "adult"),
])
def test_age(text, years, group):
    assert age_years(text) == pytest.approx(years)
    assert age_group(text) == group


@pytest.mark.parametrize("text,group", [("lapsella kuumetta", "child"), ("mummolla huimaa", "elderly"),
                                        ("mulla on yskä", "adult"), ("vauvalla kuumetta", None)])
def test_age_group_from_words(text, group):
    assert age_group(text) == group
