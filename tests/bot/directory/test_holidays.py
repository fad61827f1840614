from datetime import date

import pytest

from bot.directory.holidays import easter_sunday, finnish_holidays, holiday_name


@pytest.mark.parametrize("year,easter", [(2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)),
                                         (2026, date(2026, 4, 5)), (2027, date(2027, 3, 28)),
                                         (2030, date(2030, 4, 21)), (2038, date(2038, 4, 25))])
def test_easter(year, easter):
    assert easter_sunday(year) == easter


@pytest.mark.parametrize("day,name", [
    (date(2026, 1, 1), "uudenvuodenpäivä"), (date(2026, 1, 6), "loppiainen"),
    (date(2026, 4, 3), "pitkäperjantai"), (date(2026, 4, 6), "2. pääsiäispäivä"),
    (date(2026, 5, 1), "vappu"), (date(2026, 5, 14), "helatorstai"), (date(2026, 5, 24), "helluntaipäivä"),
    (date(2026, 6, 19), "juhannusaatto"), (date(2026, 6, 20), "juhannuspäivä"),
    (date(2026, 10, 31), "pyhäinpäivä"), (date(2026, 12, 6), "itsenäisyyspäivä"),
    (date(2026, 12, 24), "jouluaatto"), (date(2026, 12, 25), "joulupäivä"), (date(2026, 12, 26), "tapaninpäivä"),
    (date(2027, 3, 26), "pitkäperjantai"), (date(2027, 6, 26), "juhannuspäivä"), (date(2027, 11, 6), "pyhäinpäivä"),
])
def test_holiday(day, name):
    assert holiday_name(day) == name


@pytest.mark.parametrize("day", [date(2026, 11, 23), date(2026, 6, 22), date(2026, 4, 4), date(2026, 12, 27)])
def test_ordinary_days(day):
    assert holiday_name(day) is None


def test_fifteen_days_a_year():
    assert len(finnish_holidays(2026)) == 15
