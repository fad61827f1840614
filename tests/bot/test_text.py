import pytest

from bot.text import clean, fold


@pytest.mark.parametrize("raw,expected", [
    (None, ""), ("", ""), ("  moi  ", "moi"), ("a\x00b\x1bc", "a b c"), ("rivi\n\nrivi", "rivi rivi"),
])
def test_clean(raw, expected):
    assert clean(raw) == expected


def test_clean_cuts_to_limit():
    assert len(clean("a" * 5000, limit=100)) == 100


def test_fold_drops_diacritics_and_case():
    assert fold("Päivystys ÖISIN Åland") == "paivystys oisin aland"
