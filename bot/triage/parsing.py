"""Understanding residents' answers: yes / no / don't know, numbers and durations as words, ages.

Pure functions over folded text (lowercase, no diacritics), table-tested in tests/bot/triage/
against answers written by someone who did not read this module. Finnish "no" means "well"
("no on" is yes, "no ei" is no), hedges ("kai", "taitaa", "vähän") lean to yes, and an answer
that is none of these is None: the caller asks again, it never guesses.
"""
from __future__ import annotations

import re
from typing import Optional

from bot.text import fold

YES, NO, UNSURE = "yes", "no", "unsure"

_UNSURE = re.compile(
    r"\b(en\s*(ma\s*|mina\s*|mää\s*|maa\s*)?(tieda|tiia|tie|tia|tiedä|tiija|tiiä)|emma\s*(tiia|tieda|tie|tia)|emmaa\s*tiia|"
    r"en (osaa|osaa) sanoa|en (ole|oo|o) (ihan |yhtaan |aivan )?varma|en muista|en tiedakaan|"
    r"ehka|ehkapa|vaikea sanoa|vaikee sanoo|vaikea sanoo|vaikee sanoa|epavarma|mahdollisesti|voi olla|voipi olla|saattaa olla|"
    r"ei (hajuakaan|aavistustakaan|mitaan hajua|hajua)|en pysty sanomaan|en osaa arvioida|"
    r"en oo tarkistanu|en ole tarkistanut|en ole mitannut|en oo mitannu|"
    r"emt|en ma tii|vaikea arvioida|vaikee arvioida|idk|dont know|don't know|not sure|vet inte|osaker)\b")
_NO = re.compile(
    r"^(ei|en|eipa|eika|eip|eii+|eioo|eiole|eikai|emma|emmaa|tuskin\w*|nope|nah|nej|nää|naa|nä|ei o|ei oo|ei ole|en usko|tuskin|"
    r"ei juurikaan|ei oikeastaan|ei yhtaan|ei ollenkaan|ei todellakaan|ei kai|ei varmaan|en oo|en ole|"
    r"no ei|no en|ei kylla|ei nyt|eipa kai|ei mitaan)\b")
_YES = re.compile(
    r"^(kyl+a*\w*|kyllä|kylä|oon|olen|olin|ajoittain|usein|joo+|juu+|juup|jep|jepjep|jees|jes|jup|yes|yeah|yep|ja|on|oli|onhan|onpa|"
    r"ompa|niin|nii|totta|mm|mm-m|mmm|joo-o|varmasti|tietysti|todellakin|totta kai|ilman muuta|ehdottomasti|"
    r"vahan|vahasen|vaha|hieman|hiukan|jonkin verran|jonkun verran|aika lailla|aikalailla|joskus|valilla|aina valilla|"
    r"taitaa|taitaapi|luulen etta on|luulen etta|luulisin|kai|kaiketi|melko|aika|tosi|todella|pahasti|hyvinkin|"
    r"kovasti|paljon|tuntuu etta|vissiin)\b")
_FILLERS = re.compile(r"^(no+|noh|no niin|tota+|totanoin|siis|oo+|öö+|hmm+|hm|ym+|ehm|aa+|niinku|tuota|okei|ok|no kun)\b[\s,.!-]*")
_YES_EMOJI = ("👍", "✅", "✔", "☑")
_NO_EMOJI = ("👎", "❌", "✖")

_NUMBER_WORDS = {
    "nolla": 0, "yksi": 1, "yks": 1, "yhden": 1, "yhta": 1, "yhtena": 1, "ykkonen": 1, "kaksi": 2, "kaks": 2,
    "kahden": 2, "kahta": 2, "kakkonen": 2, "kolme": 3, "kolmen": 3, "kolmea": 3, "kolmonen": 3, "kolmisen": 3,
    "nelja": 4, "neljan": 4, "neljaa": 4, "nelonen": 4, "nelisen": 4, "viisi": 5, "viis": 5, "viiden": 5,
    "viitta": 5, "vitonen": 5, "viitisen": 5, "kuusi": 6, "kuus": 6, "kuuden": 6, "kuutta": 6, "kutonen": 6,
    "kuutisen": 6, "seitseman": 7, "seittema": 7, "seitteman": 7, "seitsemaa": 7, "seiska": 7, "kahdeksan": 8,
    "kaheksan": 8, "kahdeksaa": 8, "kasi": 8, "yhdeksan": 9, "yheksan": 9, "yhdeksaa": 9, "ysi": 9,
    "kymmenen": 10, "kymmenta": 10, "kymppi": 10, "pari": 2, "parin": 2, "parisen": 2, "muutama": 3,
    "muutaman": 3, "muutamaa": 3, "puoli": 0.5, "puolen": 0.5, "puolitoista": 1.5, "puolentoista": 1.5,
    "yksitoista": 11, "kaksitoista": 12, "kolmetoista": 13, "neljatoista": 14, "viisitoista": 15, "viistoista": 15,
    "puol": 0.5, "puoltoista": 1.5, "kaksitoist": 12, "yhdeksantoista": 19,
}
_TENS = {"kaksi": 20, "kaks": 20, "kolme": 30, "kol": 30, "nelja": 40, "nel": 40, "neli": 40, "viisi": 50, "viisi": 50, "viis": 50,
         "kuusi": 60, "kuus": 60, "seitseman": 70, "seitteman": 70, "seittema": 70, "kahdeksan": 80,
         "kaheksan": 80, "yhdeksan": 90, "yheksan": 90}
_TENS_WORD = re.compile(r"\b(" + "|".join(sorted(_TENS, key=len, reverse=True)) + r")(kymmenta|kyt|kymppinen|kymppia|kymppi)"
                        r"(yksi|yks|kaksi|kaks|kolme|nelja|viisi|viis|kuusi|kuus|seitseman|seitteman|seittema|seiska|kahdeksan|kaheksan|kasi|yhdeksan|yheksan|ysi)?\b")
_NUMBER = re.compile(r"(?<![\d.,])(\d+(?:[.,]\d+)?)")

# Units of time as whole words: "Minulla" is not minutes and "tunne" is not an hour.
_UNITS = (
    (r"min|minuutti|minuuttia|minuutin|minuutit|minuutteja|minsa|minaa", 1 / 1440),
    (r"h|t|tunti|tuntia|tunnin|tunnit|tunteja|tuntii|tunnista|tuntiin|tunnissa|tuntisen", 1 / 24),
    (r"vrk|pv|pva|pvaa|paiva|paivaa|paivan|paivat|paivia|paivasta|paivana|paivaisen|paivais|paivaa|vuorokausi|"
     r"vuorokautta|vuorokauden|vuorokaudet|vuorokaudesta|vuorokautisen|vuorokautena", 1.0),
    (r"vk|vko|viikko|viikkoa|viikon|viikot|viikkoja|viikosta|viikkoinen|viikkoisen|viikkosen|viikkoo", 7.0),
    (r"kk|kuukausi|kuukautta|kuukauden|kuukaudet|kuukausia|kuukaudesta|kuukautinen|kuukautisen|kuukautta|kuukaus|kuukautee", 30.0),
    (r"v|vuosi|vuotta|vuoden|vuodet|vuosia|vuodesta|vuotee|vuotias|vuotiaan|vuotiaalla|vuotiaalle|vee", 365.0),
)
_RELATIVE_DAYS = (
    (r"\b(toissapaivana|toissapaivasta|toissa paivana|toissailtana|toissa iltana|toissayona)\b", 2.0),
    (r"\b(eilen|eilisesta|eilisest|eilisaamusta|eilisillasta|yolla|yon yli|viime yona|viime yosta|yhden yon)\b", 1.0),
    (r"\b(tanaan|aamusta|aamulla|tana aamuna|illalla|tana iltana|juuri|just|hetki sitten|askettain|aske|asken|"
     r"iltapaivalla|aamupaivalla|puolenpaivan|tunti sitten)\b", 0.3),
    (r"\b(viime viikolla|viime viikosta|viikko sitten)\b", 7.0), (r"\b(viime kuussa|kuukausi sitten)\b", 30.0),
    (r"\b(viime vuonna|vuosi sitten)\b", 365.0),
)


def _strip_fillers(folded: str) -> str:
    previous = None
    while previous != folded:
        previous = folded
        match = _FILLERS.match(folded)
        if match and folded[match.end():].strip():
            folded = folded[match.end():].strip()
    return folded


def yes_no(text: str) -> Optional[str]:
    """YES, NO, UNSURE, or None when the text is not an answer to a yes/no question."""
    raw = (text or "").strip()
    if any(e in raw for e in _YES_EMOJI) and not re.search(r"[a-zA-Zåäö]", raw):
        return YES
    if any(e in raw for e in _NO_EMOJI) and not re.search(r"[a-zA-Zåäö]", raw):
        return NO
    folded = fold(raw).strip(" .!?,")
    folded = re.sub(r"[^\w\s'-]", " ", folded).strip()
    if not folded:
        return None
    if _UNSURE.search(folded):
        return UNSURE
    if re.search(r"\b(en (ymmarra|ymmartanyt|tajua)|mita (tarkoitat|tarkotat|tarkoittaa)|miten niin)\b", folded):
        return None  # a question back is no answer
    if folded in ("no", "noh", "tota", "hmm", "niinku", "ok", "okei"):
        return None  # "no" alone is "well": not yet an answer
    folded = _strip_fillers(folded)
    if _NO.search(folded):
        return NO
    if _YES.search(folded):
        return YES
    if re.search(r"\b(kylla|kyl|joo|juu)\b", folded) and not re.search(r"\b(ei|en)\b", folded):
        return YES  # "oksentaa joo", "puristaa kyllä"
    return None


_STOPWORDS = {"onko", "oletko", "sinulla", "sinun", "hanella", "hanen", "tavallista", "enemman", "kuin", "niin",
              "etta", "jotka", "joka", "tai", "vai", "ollut", "onko", "sita", "nyt", "tuntuuko", "tuntuu", "liittyyko",
              "aivan", "hyvin", "paljon", "vahan", "kovin", "koko", "mita", "mika", "missa", "kun", "jos", "hanta"}


def yes_no_in_context(text: str, question: str) -> Optional[str]:
    """A free answer that repeats what was asked ("näkö on vähän sumee" to "onko näkösi sumea?"):
    yes when it names the asked thing without a negation, no when it negates it; else None."""
    words = [w for w in re.findall(r"[a-z]{4,}", fold(text or "")) if w not in _STOPWORDS]
    asked = {w[:4] for w in re.findall(r"[a-z]{4,}", fold(question or "")) if w not in _STOPWORDS}
    if not words or not any(w[:4] in asked for w in words):
        return None
    folded = fold(text or "")
    if re.search(r"\b(ei|en|eika|eiko|eivat|emme|ette|ilman|not|no|inte|nej)\b", folded):
        return NO if re.match(r"\s*(ei|en|eika|eivat|no|not|nej|inte)\b", folded) else None
    return YES


def number(text: str) -> Optional[float]:
    """The first number: digits, words ("kolme", "puolitoista") or spoken tens ("kolkytkasi ja puol" 38.5)."""
    folded = fold(text or "")
    match = _NUMBER.search(folded)
    if match:
        value = float(match.group(1).replace(",", "."))
        decimal = re.match(r"\s*pilkku\s*([a-z]+|\d)\b", folded[match.end():])
        if decimal and value == int(value):
            digit = int(decimal.group(1)) if decimal.group(1).isdigit() else _NUMBER_WORDS.get(decimal.group(1))
            if isinstance(digit, (int, float)) and 0 <= digit <= 9:
                return value + digit / 10
        if value == int(value) and re.search(re.escape(match.group(1)) + r"\s*(ja|,)?\s*(puol|puoli|viis|puolikas)\b", folded):
            value += 0.5
        return value
    tens = _TENS_WORD.search(folded)
    if tens:
        value = float(_TENS[tens.group(1)])
        if tens.group(3):
            value += _NUMBER_WORDS.get(tens.group(3), 0)
        decimal = re.match(r"\s*(ja|pilkku|,)\s*([a-z]+|\d)\b", folded[tens.end():])
        if decimal:
            digit = 5 if decimal.group(2) in ("puol", "puoli") else (
                int(decimal.group(2)) if decimal.group(2).isdigit() else _NUMBER_WORDS.get(decimal.group(2)))
            if isinstance(digit, (int, float)) and 0 <= digit <= 9:
                value += digit / 10
        return value
    for word in re.findall(r"[a-z]+", folded):
        if word in _NUMBER_WORDS:
            return float(_NUMBER_WORDS[word])
    return None


def _number_before(folded: str, end: int) -> Optional[float]:
    """The number written just before position `end` (digits or a word)."""
    before = folded[:end].rstrip(" -")
    digits = re.search(r"(\d+(?:[.,]\d+)?)\s*$", before)
    if digits:
        return float(digits.group(1).replace(",", "."))
    word = re.search(r"([a-z]+)\s*$", before)
    if word:
        w = word.group(1)
        if w in _NUMBER_WORDS:
            value = float(_NUMBER_WORDS[w])
            if value == 0.5 and re.search(r"(yks|yksi|yhden|kaks|kaksi|kahden|kolme|kolmen)\s+puoli\s*$", before):
                return None
            return value
        tens = _TENS_WORD.search(w)
        if tens:
            return float(_TENS[tens.group(1)]) + _NUMBER_WORDS.get(tens.group(3) or "", 0)
    return None


def duration_days(text: str, strict: bool = False) -> Optional[float]:
    """A duration in days: "kolme päivää" 3, "viikon" 7, "puolitoista vuotta" 547.5, "eilisestä" 1.

    `strict` (for a first message, where "80 v" is an age): years only as "vuotta"/"vuoden", no
    bare "v" or "t", and no bare number.
    """
    folded = re.sub(r"(\d)([a-z])", r"\1 \2", fold(text or ""))
    for unit, days in _UNITS:
        forms = unit
        if strict:
            forms = "|".join(f for f in unit.split("|") if f not in ("v", "t", "h", "vee", "vuotias", "vuotiaan",
                                                                       "vuotiaalla", "vuotiaalle", "kuukautinen",
                                                                       "kuukautisen", "viikkoinen", "viikkoisen"))
        for match in re.finditer(r"(?<![a-z])(" + forms + r")(?![a-z])", folded):
            before = folded[:match.start()].rstrip()
            count = _number_before(folded, match.start())
            if count is None and re.search(r"\b(pari|parin|parisen)\s*$", before):
                count = 2.0
            if count is None and re.search(r"\b(muutama|muutaman|muutamia)\s*$", before):
                count = 3.0
            if count is not None:
                low = re.search(r"(\d+|[a-z]+)\s*(-|–|tai|\s)\s*\S+\s*$", before)
                if low and low.group(1) != before.split()[-1]:
                    first = float(low.group(1)) if low.group(1).isdigit() else _NUMBER_WORDS.get(low.group(1))
                    if isinstance(first, (int, float)) and 0 < first < count:
                        count = (first + count) / 2  # "2-3 päivää", "kolme neljä päivää"
                if re.search(r"(vajaa|vajaat|alle)\s+\S*\s*$", before):
                    count *= 0.9
                if re.search(r"(yli|reilu|reilut)\s+\S*\s*$", before):
                    count *= 1.1
                if count == 0.5 and re.search(r"(yks|yksi|yhden|kaks|kaksi|kolme)\s+puoli\s*$", before):
                    count = None
            if count is not None:
                return count * days
            if re.search(r"(vajaa|vajaan)\s*$", before):
                return 0.9 * days
            if not strict or match.group(1) in ("viikon", "kuukauden", "vuoden", "vuorokauden", "paivan", "tunnin", "viikko", "kuukausi"):
                return days
    for pattern, days in _RELATIVE_DAYS:
        if re.search(pattern, folded):
            return days
    if not strict and re.fullmatch(r"\s*\d+(?:[.,]\d+)?\s*", folded):
        return float(folded.replace(",", "."))  # a bare number to "how many days?"
    return None


_AGE_UNITS = (
    (r"(paiva|paivaa|paivan|paivainen|paivaisen|pv|vrk|vuorokautta|vuorokauden)", 1 / 365),
    (r"(vk|vko|viikko|viikkoa|viikon|viikkoinen|viikkoisen|viikkosen)", 1 / 52),
    (r"(kk|kuukausi|kuukautta|kuukauden|kuukautinen|kuukautisen|kuukaus|kuukaut)", 1 / 12),
)


def age_years(text: str) -> Optional[float]:
    """An age in years: "3 kk" 0.25, "6 viikkoa" 0.115, "1 v 3 kk" 1.25, "80-vuotias" 80, "nelikymppinen" 40."""
    folded = re.sub(r"(\d)([a-z])", r"\1 \2", fold(text or "")).replace("-", " ")
    folded = re.sub(r"\b(noin|about|ca|n\.|suunnilleen|juuri|melkein|vajaa|reilu|yli)\s+", "", folded)
    if re.search(r"\b(vastasyntyn\w*|juuri syntyn\w*|syntyi (eilen|tanaan))", folded):
        return 0.01
    if re.search(r"^\s*(viikon|paivan) (ikainen|vanha)\b", folded):
        return 0.02
    total, found = 0.0, False
    for unit, factor in ((r"(v|v\.|vuotta|vuoden|vuosi|vuotias\w*|vee|veen|ar|år|years?|yrs?)", 1.0),) + _AGE_UNITS:
        match = re.search(r"(\d+(?:[.,]\d+)?|[a-z]+)?\s*" + unit + r"(?![a-z])", folded)
        if not match:
            continue
        if match.group(1) and re.fullmatch(r"\d+(?:[.,]\d+)?", match.group(1)):
            value = float(match.group(1).replace(",", "."))
        elif match.group(1):
            value = _number_before(folded, match.end(1))
            if value is None and re.fullmatch(r"[a-z]+", match.group(1)):
                value = _NUMBER_WORDS.get(re.sub(r"(vuotias\w*)$", "", match.group(1)))
        else:
            value = None
        if value is None and factor != 1.0 or (value is None and re.search(r"\b(vuoden|vuosi)\b", folded)):
            value = 1.0 if re.search(r"(?<![a-z])" + unit + r"(?![a-z])", folded) else None
        if value is None:
            glued = re.search(r"\b([a-z]+?)(vuotias\w*|vuotta)\b", folded)
            value = _NUMBER_WORDS.get(glued.group(1)) if glued else None
        if value is not None:
            total += value * factor
            found = True
            if factor == 1.0 and not re.search(r"(kk|kuukau)", folded):
                break
    if found:
        return total
    tens = _TENS_WORD.search(folded)
    if tens:
        return float(_TENS[tens.group(1)]) + _NUMBER_WORDS.get(tens.group(3) or "", 0)
    stated = re.search(r"\b(olen|oon|on|ika|ikaa|ikä|taytin|tayttanyt|tayttaa)\s+(\w+\s+)?(\d{1,3})\b", folded)
    if stated:
        return float(stated.group(3))
    if re.fullmatch(r"\s*(puolitoista|puoltoista)\s*", folded):
        return 1.5
    halves = re.fullmatch(r"\s*(\w+) ja puoli\s*", folded)
    if halves and (halves.group(1).isdigit() or halves.group(1) in _NUMBER_WORDS):
        return float(halves.group(1)) + 0.5 if halves.group(1).isdigit() else _NUMBER_WORDS[halves.group(1)] + 0.5
    plain = re.fullmatch(r"\s*(\d{1,3}(?:[.,]\d)?)\s*", folded)
    if plain:
        return float(plain.group(1).replace(",", "."))
    word = re.fullmatch(r"\s*([a-z]+)\s*", folded)
    if word and word.group(1) in _NUMBER_WORDS and _NUMBER_WORDS[word.group(1)] >= 1:
        return float(_NUMBER_WORDS[word.group(1)])
    return None


_AGE_IN_MESSAGE = re.compile(
    r"(\d{1,3}|[a-z]+)\s*-?\s*(v\b|v\.|vuotia\w*|vuotta vanha\w*|vee\b|veen\b|"
    r"(kk|kuukau\w*|vk|viiko\w*|viikk\w*|paiva\w*)\s*(ikai\w*|vanha\w*|vauva\w*|poika\w*|tytto\w*|lapsi\w*)|"
    r"kuukautise\w*|kuukautine\w*|viikkoise\w*|viikkoine\w*|paivaise\w*|paivaine\w*)")
_AGE_AFTER_PERSON = re.compile(
    r"\b(vauva\w*|poika\w*|pojal\w*|tytto\w*|tytol\w*|tyttare\w*|lapse\w*|lapsi|mummo\w*|pappa\w*|isa\w*|aiti\w*|"
    r"mies\w*|vaimo\w*|olen|oon|ma oon|mina olen)\s+(on\s+)?(\d{1,3}(?:[.,]\d)?)\s*(kk|vk|v|vuotias|viikkoa|paivaa|kuukautta)?\b")


def age_in_message(text: str) -> Optional[float]:
    """An age said in a free message ("6 viikon vauvalla", "isä 80 v"), not a duration."""
    return age_and_rest(text)[0]


def age_and_rest(text: str) -> tuple[Optional[float], str]:
    """(the age said in a free message, the folded message without it): "80 v" is no duration."""
    folded = re.sub(r"[()\[\]{},;:!?]", " ", fold(text or ""))
    match = _AGE_IN_MESSAGE.search(folded)
    if match and age_years(match.group(0)) is not None:
        return age_years(match.group(0)), folded[:match.start()] + " " + folded[match.end():]
    match = _AGE_AFTER_PERSON.search(folded)
    if match:
        value = float(match.group(3).replace(",", "."))
        unit = match.group(4) or "v"
        factor = {"kk": 1 / 12, "kuukautta": 1 / 12, "vk": 1 / 52, "viikkoa": 1 / 52, "paivaa": 1 / 365}.get(unit, 1)
        return value * factor, folded[:match.start(3)] + " " + folded[match.end():]
    if re.search(r"\bvastasyntyn\w*", folded):
        return 0.01, folded
    return None, folded


def temperature(text: str) -> Optional[float]:
    """A body temperature said in a message: "39,2 astetta", "kuumetta 38.5", "lämpö 40"."""
    folded = fold(text or "")
    for match in re.finditer(r"(\d{2}(?:[.,]\d{1,2})?)\s*(astetta|asteen|°|c\b|celsius)?", folded):
        value = float(match.group(1).replace(",", "."))
        context = folded[max(0, match.start() - 30):match.end() + 12]
        if 35 <= value <= 43 and (match.group(2) or re.search(r"kuum|lamp|mittas|mittari|feber|fever|temp", context)):
            return value
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
