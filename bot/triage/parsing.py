"""Understanding residents' answers: yes / no / don't know, numbers and durations as words, ages.

Pure functions over folded text (lowercase, no diacritics), table-tested in tests/bot/triage/.
"""
from __future__ import annotations

import re
from typing import Optional

from bot.text import fold

YES, NO, UNSURE = "yes", "no", "unsure"

_UNSURE = re.compile(r"\b(en (tieda|tiia|tie|osaa sanoa|ole varma|oo varma|muista)|emma tiia|en ma tieda|"
                     r"ehka|vaikea sanoa|vaikee sanoo|en oo ihan varma|epavarma|mahdollisesti|voi olla|"
                     r"saattaa olla|en tiia|ei hajuakaan|kai)\b")
_NO = re.compile(r"^(ei|en|eipa|eika|no|nope|ei oo|ei ole|ei ollut|ei oo ollu|ei ollenkaan|ei yhtaan|"
                 r"ei mitaan|ei kylla|en oo|en ole|ei ei|ei tarvitse|ei mulla|eipa ole)\b")
_YES = re.compile(r"^(kylla|joo|juu|jep|jees|jes|kyl|on|oli|ok|okei|niin|totta|yes|joo-o|jepulis|mm|"
                  r"on on|kylla on|kylla vain|varmasti|tietysti|ilman muuta|ehdottomasti)\b")

_NUMBER_WORDS = {
    "nolla": 0, "yksi": 1, "yks": 1, "yhden": 1, "yhta": 1, "yhtena": 1, "kaksi": 2, "kaks": 2, "kahden": 2,
    "kahta": 2, "kolme": 3, "kolmen": 3, "kolmea": 3, "nelja": 4, "neljan": 4, "neljaa": 4, "viisi": 5,
    "viis": 5, "viiden": 5, "viitta": 5, "kuusi": 6, "kuus": 6, "kuuden": 6, "kuutta": 6, "seitseman": 7,
    "seittema": 7, "seitsemaa": 7, "kahdeksan": 8, "kaheksan": 8, "kahdeksaa": 8, "yhdeksan": 9,
    "yheksan": 9, "yhdeksaa": 9, "kymmenen": 10, "kymmenta": 10, "pari": 2, "parin": 2, "muutama": 3,
    "muutaman": 3, "muutamaa": 3, "puoli": 0.5, "puolen": 0.5, "puolitoista": 1.5, "puolentoista": 1.5,
    "kaksitoista": 12, "yksitoista": 11, "viisitoista": 15, "kaksikymmenta": 20, "kolmekymmenta": 30,
}
_UNITS_DAYS = (
    (r"min\w*", 1 / 1440), (r"tun\w*|h\b", 1 / 24), (r"vrk|vuorokau\w*|paiv\w*|pv\b|pva\b", 1.0),
    (r"viiko\w*|viikk\w*|vk\b|vko\b", 7.0), (r"kuukau\w*|kuukaus\w*|kk\b", 30.0), (r"vuo(si|de|tt)\w*|v\b", 365.0),
)
_RELATIVE_DAYS = (
    (r"\btanaan\b|\baamusta\b|\baamulla\b|\billalla\b|\bjuuri\b|\bjust\b|\bhetki sitten\b", 0.5),
    (r"\beilen\b|\beilisesta\b|\beilisest\b|\byolla\b|\byhden yon\b|\byon\b", 1.0), (r"\btoissapaivana\b|\btoissapaivasta\b", 2.0),
    (r"\bviime viikolla\b|\bviime viikosta\b", 7.0), (r"\bviime kuussa\b", 30.0),
    (r"\bviikon\b|\bviikko\b", 7.0), (r"\bkuukauden\b|\bkuukausi\b", 30.0), (r"\bvuoden\b", 365.0),
)
_NUMBER = re.compile(r"(\d+(?:[.,]\d+)?)")


def yes_no(text: str) -> Optional[str]:
    """YES, NO, UNSURE or None for an answer to a yes/no question."""
    folded = fold(text).strip(" .!?")
    if not folded:
        return None
    if _UNSURE.search(folded):
        return UNSURE
    if _NO.search(folded):
        return NO
    if _YES.search(folded):
        return YES
    return None


def number(text: str) -> Optional[float]:
    """The first number in the text, digits or Finnish words ("kolme", "puolitoista", "38,5")."""
    folded = fold(text)
    match = _NUMBER.search(folded)
    if match:
        return float(match.group(1).replace(",", "."))
    for word in re.findall(r"[a-z]+", folded):
        if word in _NUMBER_WORDS:
            return float(_NUMBER_WORDS[word])
    return None


def duration_days(text: str) -> Optional[float]:
    """A duration in days: "kolme päivää" 3, "viikon" 7, "puolitoista vuotta" 547.5, "eilisestä" 1."""
    folded = fold(text)
    count = number(folded)
    for unit, days in _UNITS_DAYS:
        if re.search(r"(\d|\b[a-z]+)\s*(" + unit + r")", folded) or re.search(r"\b(" + unit + r")", folded):
            if count is not None:
                return count * days
            if re.search(r"\b(" + unit + r")", folded):
                return days
    for pattern, days in _RELATIVE_DAYS:
        if re.search(pattern, folded):
            return days
    return None


def age_years(text: str) -> Optional[float]:
    """An age in years: "3 kk" 0.25, "kaksi kuukautta" 0.17, "80-vuotias" 80, "viikon ikäinen" 0.02."""
    folded = fold(text)
    months = re.search(r"(\d+|[a-z]+)\s*(kk|kuukau\w*|kuukaus\w*)", folded)
    if months and number(months.group(1)) is not None:
        return number(months.group(1)) / 12
    weeks = re.search(r"(\d+|[a-z]+)\s*(vk|viiko\w*|viikk\w*)", folded)
    if weeks and number(weeks.group(1)) is not None:
        return number(weeks.group(1)) / 52
    if re.search(r"\b(viikon|paivan) (ikainen|vanha)|vastasyntyn", folded):
        return 0.02
    years = re.search(r"(\d+)\s*(-?v\b|-?vuot\w*|v\.|ve\b)", folded)
    if years:
        return float(years.group(1))
    stated = re.search(r"\b(olen|oon|on|ika|ikaa|ikä)\s+(\d{1,3})\b", folded)
    if stated:
        return float(stated.group(2))
    plain = re.fullmatch(r"\s*(\d{1,3})\s*", folded)
    if plain:
        return float(plain.group(1))
    return None


def age_group(text: str) -> Optional[str]:
    """infant (< 3 months), child (< 16), adult, elderly (75+), from an age or the words used."""
    years = age_years(text)
    if years is not None:
        return group_of(years)
    folded = fold(text)
    if re.search(r"\b(vauva\w*|vastasyntyn\w*|imevaisi\w*)", folded):
        return None  # a baby: the exact age matters (under 3 months?), so it is asked
    if re.search(r"\b(lapsi|lapse\w*|lapsel\w*|poika|pojal\w*|tytto|tytol\w*|taapero\w*|kouluikai\w*|teini\w*|nuori|nuorel\w*)\b", folded):
        return "child"
    if re.search(r"\b(vanhus\w*|vanhuks\w*|mummo\w*|mummu\w*|pappa\w*|vaari\w*|ukki\w*|isoisa\w*|isoaiti\w*|ikaihmi\w*|iakas\w*|ikaantyn\w*)", folded):
        return "elderly"
    if re.search(r"\b(aikui\w*|mina|mulla|mul|minulla|itse|ma oon|olen)\b", folded):
        return "adult"
    return None


def group_of(years: float) -> str:
    if years < 0.25:
        return "infant"
    if years < 16:
        return "child"
    if years >= 75:
        return "elderly"
    return "adult"
