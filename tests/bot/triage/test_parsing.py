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
    ("puolitoista vuotta", 547.5), ("pari päivää", 2), ("eilisestä", 1), ("aamusta asti", 0.3),
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


# --- Answers written by someone who did not read the parser (answers_written_apart.yml) -------------
from pathlib import Path  # noqa: E402

import yaml  # noqa: E402

_APART = yaml.safe_load((Path(__file__).parent / "answers_written_apart.yml").read_text(encoding="utf-8"))
_MEANS = {True: YES, False: NO, "yes": YES, "no": NO, "unsure": UNSURE, "unclear": None}


def test_yes_no_answers_written_apart_are_never_misread():
    """A wrong reading is a safety fault; an unread answer is only asked again (at most 3 % of them)."""
    wrong, unread = [], []
    for row in _APART["yes_no"]:
        expected, got = _MEANS[row["means"]], yes_no(row["answer"])
        if got == expected:
            continue
        (unread if got is None else wrong).append((row["answer"], expected, got))
    assert not wrong, wrong
    assert len(unread) <= 0.03 * len(_APART["yes_no"]), unread


@pytest.mark.parametrize("row", _APART["duration"], ids=lambda r: r["answer"])
def test_durations_written_apart(row):
    if row["days"] == "unsure":
        assert yes_no(row["answer"]) == UNSURE
    elif row["days"] == "unclear":
        assert duration_days(row["answer"]) is None
    else:
        assert duration_days(row["answer"]) == pytest.approx(row["days"], rel=0.15, abs=0.05)


@pytest.mark.parametrize("row", _APART["age"], ids=lambda r: r["answer"])
def test_ages_written_apart(row):
    if row["years"] == "unsure":
        assert yes_no(row["answer"]) == UNSURE
    elif row["years"] == "unclear":
        assert age_years(row["answer"]) is None
    else:
        assert age_years(row["answer"]) == pytest.approx(row["years"], rel=0.15, abs=0.01)


@pytest.mark.parametrize("row", _APART["number"], ids=lambda r: r["answer"])
def test_numbers_written_apart(row):
    assert number(row["answer"]) == pytest.approx(row["value"], abs=0.051)


@pytest.mark.parametrize("text,expected", [
    ("no on", YES), ("no joo kyllä se puristaa", YES), ("no ei", NO), ("no", None), ("kai", YES),
    ("vähän", YES), ("en usko", NO), ("tuskin", NO), ("emmä tiiä", UNSURE), ("mitä tarkotat", None),
])
def test_finnish_no_means_well_and_hedges(text, expected):
    assert yes_no(text) == expected


def test_minutes_are_whole_words():
    """"Minulla" is no minutes: the whole sentence is three days (issue 15)."""
    assert duration_days("Minulla on ollut kuumetta kolme päivää") == pytest.approx(3)
    assert duration_days("Kuumetta on ollut kolme päivää") == pytest.approx(3)
    assert duration_days("tunne on outo", strict=True) is None
