"""Removes personal data from residents' text before it is kept for editors (and, issue 8, logs).

Finnish personal identity codes (henkilötunnus) with every century sign, including the ones added
in 2023 (Y X W V U for the 1900s, B C D E F for the 2000s), are redacted only when the date and
the check character are valid, so order numbers and dates are left alone. Phone numbers (not the
national service numbers), e-mail addresses and street addresses with a number are redacted too.
"""
from __future__ import annotations

import re
from datetime import date

CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
CENTURY = {"+": 1800, "-": 1900, "Y": 1900, "X": 1900, "W": 1900, "V": 1900, "U": 1900,
           "A": 2000, "B": 2000, "C": 2000, "D": 2000, "E": 2000, "F": 2000}
NATIONAL_NUMBERS = {"112", "116117", "0800147111", "0925250111", "080005005"}

_HETU = re.compile(r"(?<![\w+-])(\d{2})(\d{2})(\d{2})([-+A-FU-Y])(\d{3})([0-9A-Y])(?!\w)", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_PHONE = re.compile(r"(?<![\w+(])\(?(?:\+358|00358|0)(?:[\s-]?\(?\d\)?){6,11}(?!\w)")
_STREET = re.compile(
    r"\b[A-ZÅÄÖa-zåäö][\wåäöÅÄÖ-]*?(?:katu|kadu[a-zåäö]*|tie|tien|tiellä|tielle|kuja[a-zåäö]*|polku|polu[a-zåäö]*|"
    r"väylä[a-zåäö]*|raitti|raiti[a-zåäö]*|kaari|kaare[a-zåäö]*|rinne|rintee[a-zåäö]*|aukio|tori|"
    r"ranta|rannan|linja|puistikko|mäki|mäen)\s+\d{1,4}(?:\s?[A-Za-z](?![a-zåäö]))?(?:\s?(?:as\.?|asunto)?\s?\d{1,4}(?!\d))?",
)


def valid_hetu(code: str) -> bool:
    """Whether `code` is a valid henkilötunnus: a real date, a known century sign, the right check."""
    match = _HETU.fullmatch(code.strip())
    if not match:
        return False
    day, month, year, sign, serial, check = match.groups()
    try:
        date(CENTURY[sign.upper()] + int(year), int(month), int(day))
    except ValueError:
        return False
    if int(serial) < 2:  # 000 and 001 are not used
        return False
    return CHECK_CHARACTERS[int(day + month + year + serial) % 31] == check.upper()


def _hetu(match: re.Match) -> str:
    return "[HETU]" if valid_hetu(match.group(0)) else match.group(0)


def _phone(match: re.Match) -> str:
    if _HETU.fullmatch(match.group(0).strip("()")):  # shaped like an identity code whose check failed
        return match.group(0)
    digits = re.sub(r"\D", "", match.group(0))
    if digits.startswith("00358"):
        digits = "0" + digits[5:]
    elif digits.startswith("358"):
        digits = "0" + digits[3:]
    return match.group(0) if digits in NATIONAL_NUMBERS else "[PUHELIN]"


def redact(text: str) -> str:
    """`text` with identity codes, e-mail addresses, phone numbers and street addresses replaced."""
    if not text:
        return text
    text = _HETU.sub(_hetu, text)
    text = _EMAIL.sub("[SÄHKÖPOSTI]", text)
    text = _PHONE.sub(_phone, text)
    return _STREET.sub("[OSOITE]", text)
