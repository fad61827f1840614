"""Finnish public holidays (and the de facto holiday eves services close on), computed per year.

Easter-based ones use the Gregorian computus; Midsummer and All Saints' Day move to a Saturday.
"""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 - the algorithm's own name
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _saturday_between(start: date) -> date:
    return start + timedelta(days=(5 - start.weekday()) % 7)


@lru_cache(maxsize=64)
def finnish_holidays(year: int) -> dict[date, str]:
    """Public holidays and the holiday eves (juhannusaatto, jouluaatto) of `year`, by date."""
    easter = easter_sunday(year)
    midsummer_day = _saturday_between(date(year, 6, 20))
    return {
        date(year, 1, 1): "uudenvuodenpäivä",
        date(year, 1, 6): "loppiainen",
        easter - timedelta(days=2): "pitkäperjantai",
        easter: "pääsiäispäivä",
        easter + timedelta(days=1): "2. pääsiäispäivä",
        date(year, 5, 1): "vappu",
        easter + timedelta(days=39): "helatorstai",
        easter + timedelta(days=49): "helluntaipäivä",
        midsummer_day - timedelta(days=1): "juhannusaatto",
        midsummer_day: "juhannuspäivä",
        _saturday_between(date(year, 10, 31)): "pyhäinpäivä",
        date(year, 12, 6): "itsenäisyyspäivä",
        date(year, 12, 24): "jouluaatto",
        date(year, 12, 25): "joulupäivä",
        date(year, 12, 26): "tapaninpäivä",
    }


def holiday_name(day: date) -> str | None:
    return finnish_holidays(day.year).get(day)
