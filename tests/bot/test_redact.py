"""Redaction of personal data, table-driven (identity codes with their checksums, phones, e-mail, streets)."""
from __future__ import annotations

import pytest

from bot.privacy.redact import redact, valid_hetu


@pytest.mark.parametrize("code, valid", [
    ("131052-308T", True),      # the example of the Digital and Population Data Services Agency
    ("131052-308t", True),
    ("010594Y9021", True),      # 2023 century signs, 1900s
    ("020594X903P", True),
    ("020594W903P", True),
    ("020594V904R", True),
    ("020594U904R", True),
    ("020505E902P", True),      # 2023 century signs, 2000s
    ("020505B903R", True),
    ("010101A1234", False),      # wrong check character
    ("131052-308U", False),
    ("311352-308T", False),      # no such month
    ("290223A2227", False),      # 29 February 2023 does not exist
    ("131052G308T", False),      # no such century sign
])
def test_identity_code_validity(code, valid):
    assert valid_hetu(code) is valid


@pytest.mark.parametrize("text, expected", [
    ("hetuni on 131052-308T ja asun Imatralla", "hetuni on [HETU] ja asun Imatralla"),
    ("lapsen tunnus 020505E902P.", "lapsen tunnus [HETU]."),
    ("tilausnumero 010101A1234 ei ole hetu", "tilausnumero 010101A1234 ei ole hetu"),
    ("syntynyt 13.10.1952", "syntynyt 13.10.1952"),
    ("soita 040 123 4567 kiitos", "soita [PUHELIN] kiitos"),
    ("numero +358 40 1234567", "numero [PUHELIN]"),
    ("numero 0401234567", "numero [PUHELIN]"),
    ("(05) 123 4567 on kotinumero", "[PUHELIN] on kotinumero"),
    ("soitin 116117 ja 09 2525 0111", "soitin 116117 ja 09 2525 0111"),
    ("hätänumero 112", "hätänumero 112"),
    ("mailaa matti.meikalainen@example.fi", "mailaa [SÄHKÖPOSTI]"),
    ("asun Kauppakatu 12 B 5 Lappeenranta", "asun [OSOITE] Lappeenranta"),
    ("osoite Koulutie 4 as 2", "osoite [OSOITE]"),
    ("asun Valtakadulla 33", "asun [OSOITE]"),
    ("kuume kesti 3 päivää", "kuume kesti 3 päivää"),
    ("", ""),
])
def test_redact(text, expected):
    assert redact(text) == expected
