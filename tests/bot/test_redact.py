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


# --- property-based: generated identity codes, valid and invalid, in any surrounding text ---------
from datetime import date, timedelta  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from bot.privacy.redact import CHECK_CHARACTERS  # noqa: E402

SIGNS = {1800: "+", 1900: "-YXWVU", 2000: "ABCDEF"}
WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzåäö ,.!?", max_size=40)


@st.composite
def identity_codes(draw, valid: bool = True) -> str:
    born = draw(st.dates(min_value=date(1800, 1, 1), max_value=date(2099, 12, 31)))
    sign = draw(st.sampled_from(SIGNS[born.year // 100 * 100]))
    serial = draw(st.integers(min_value=2, max_value=899))
    digits = f"{born:%d%m}{born.year % 100:02d}{serial:03d}"
    check = CHECK_CHARACTERS[int(digits) % 31]
    if not valid:
        check = draw(st.sampled_from([c for c in CHECK_CHARACTERS if c != check]))
    return f"{digits[:6]}{sign}{digits[6:]}{check}"


@settings(max_examples=500, deadline=None)
@given(identity_codes(), WORDS, WORDS)
def test_every_valid_identity_code_is_redacted(code, before, after):
    assert valid_hetu(code)
    redacted = redact(f"{before} {code} {after}")
    assert code not in redacted and "[HETU]" in redacted


@settings(max_examples=500, deadline=None)
@given(identity_codes(valid=False), WORDS)
def test_a_wrong_check_character_is_not_an_identity_code(code, before):
    assert not valid_hetu(code)
    assert code in redact(f"{before} {code}")


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)), st.integers(1, 9999))
def test_dates_and_order_numbers_are_left_alone(day, number):
    text = f"syntynyt {day:%d.%m.%Y}, tilaus {number}, {day + timedelta(days=1):%d%m%y}"
    assert redact(text) == text


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["040", "044", "045", "050", "041", "046", "+358 40", "+358 50", "09", "05"]),
       st.text(alphabet="0123456789", min_size=6, max_size=7), st.sampled_from([" ", "-", ""]), WORDS)
def test_phone_numbers_are_redacted(prefix, digits, separator, words):
    number = f"{prefix}{separator}{digits[:3]}{separator}{digits[3:]}"
    redacted = redact(f"{words} soita {number} kiitos")
    assert "[PUHELIN]" in redacted and digits not in redacted.replace(" ", "")


@settings(max_examples=300, deadline=None)
@given(WORDS)
def test_text_without_numbers_or_addresses_is_unchanged(text):
    assert redact(text) == text


def test_log_records_are_redacted(caplog):
    import logging

    from bot.privacy.logs import RedactingFilter

    log = logging.getLogger("channels.test")
    log.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO, logger="channels.test"):
        log.info("message from %s: %s", "web-abc", "hetu 131052-308T, puh 040 123 4567, tilaus 12345")
    assert caplog.records[-1].getMessage() == "message from web-abc: hetu [HETU], puh [PUHELIN], tilaus 12345"
