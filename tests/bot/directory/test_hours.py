"""Open now / next open, table-driven: midnight, holidays, exceptions, DST changes."""
from datetime import date, datetime, time, timezone

import pytest

from bot.directory.hours import (EXCEPTIONAL, HELSINKI, OVER_MIDNIGHT, OpeningHour, ServiceHours, describe_day,
                                 status)

H = HELSINKI
WEEKDAYS_8_16 = ServiceHours(opening_hours=tuple(OpeningHour(d, time(8), time(16)) for d in range(5)))
EVENINGS_20_02 = ServiceHours(opening_hours=tuple(OpeningHour(d, time(20), time(2)) for d in range(7)))
FRI_NIGHT = ServiceHours(kind=OVER_MIDNIGHT, opening_hours=(OpeningHour(4, time(18), time(2), day_to=5),))
TO_MIDNIGHT = ServiceHours(opening_hours=tuple(OpeningHour(d, time(16), time(0)) for d in range(7)))
ALWAYS = ServiceHours(is_always_open=True)
CLOSED_DEC_23 = ServiceHours(kind=EXCEPTIONAL, valid_from=date(2026, 12, 23), valid_to=date(2026, 12, 23), is_closed=True)
SHORT_DEC_22 = ServiceHours(kind=EXCEPTIONAL, valid_from=date(2026, 12, 22), valid_to=date(2026, 12, 22),
                            opening_hours=(OpeningHour(None, time(9), time(12)),))
OPEN_ON_GOOD_FRIDAY = ServiceHours(kind=EXCEPTIONAL, valid_from=date(2026, 4, 3), valid_to=date(2026, 4, 3),
                                   opening_hours=(OpeningHour(None, time(10), time(14)),))
EARLY_4_5 = ServiceHours(opening_hours=tuple(OpeningHour(d, time(4), time(5)) for d in range(7)))
SUMMER_ONLY = ServiceHours(valid_from=date(2027, 1, 4), valid_to=date(2027, 8, 31),
                           opening_hours=tuple(OpeningHour(d, time(9), time(15)) for d in range(5)))


def at(y, mo, d, h=0, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=H)


CASES = [
    # name, hours, moment, open_now, open_until, next_open
    ("weekday morning", [WEEKDAYS_8_16], at(2026, 11, 23, 9), True, at(2026, 11, 23, 16), None),
    ("at opening minute", [WEEKDAYS_8_16], at(2026, 11, 23, 8), True, at(2026, 11, 23, 16), None),
    ("at closing minute", [WEEKDAYS_8_16], at(2026, 11, 23, 16), False, None, at(2026, 11, 24, 8)),
    ("sunday", [WEEKDAYS_8_16], at(2026, 11, 22, 12), False, None, at(2026, 11, 23, 8)),
    ("friday evening", [WEEKDAYS_8_16], at(2026, 11, 27, 18), False, None, at(2026, 11, 30, 8)),
    ("independence day closed", [WEEKDAYS_8_16], at(2026, 12, 7, 7), False, None, at(2026, 12, 7, 8)),
    ("christmas eve closed", [WEEKDAYS_8_16], at(2026, 12, 24, 10), False, None, at(2026, 12, 28, 8)),
    ("good friday and easter monday", [WEEKDAYS_8_16], at(2026, 4, 3, 10), False, None, at(2026, 4, 7, 8)),
    ("midsummer eve", [WEEKDAYS_8_16], at(2026, 6, 19, 10), False, None, at(2026, 6, 22, 8)),
    ("ascension day", [WEEKDAYS_8_16], at(2026, 5, 14, 10), False, None, at(2026, 5, 15, 8)),
    ("exception closes a weekday", [WEEKDAYS_8_16, CLOSED_DEC_23], at(2026, 12, 23, 10), False, None, at(2026, 12, 28, 8)),
    ("exception shortens a day", [WEEKDAYS_8_16, SHORT_DEC_22], at(2026, 12, 22, 11), True, at(2026, 12, 22, 12), None),
    ("after shortened day", [WEEKDAYS_8_16, SHORT_DEC_22], at(2026, 12, 22, 13), False, None, at(2026, 12, 23, 8)),
    ("exception opens a holiday", [WEEKDAYS_8_16, OPEN_ON_GOOD_FRIDAY], at(2026, 4, 3, 11), True, at(2026, 4, 3, 14), None),
    ("evening opening before midnight", [EVENINGS_20_02], at(2026, 11, 23, 23), True, at(2026, 11, 24, 2), None),
    ("evening opening after midnight", [EVENINGS_20_02], at(2026, 11, 24, 1, 30), True, at(2026, 11, 24, 2), None),
    ("evening opening closed at 3", [EVENINGS_20_02], at(2026, 11, 24, 3), False, None, at(2026, 11, 24, 20)),
    ("over midnight friday night", [FRI_NIGHT], at(2026, 11, 28, 1), True, at(2026, 11, 28, 2), None),
    ("over midnight closed saturday", [FRI_NIGHT], at(2026, 11, 28, 3), False, None, at(2026, 12, 4, 18)),
    ("open until midnight", [TO_MIDNIGHT], at(2026, 11, 23, 23, 59), True, at(2026, 11, 24, 0), None),
    ("always open on a holiday", [ALWAYS], at(2026, 12, 25, 3), True, None, None),
    ("hours valid only from next year", [SUMMER_ONLY], at(2026, 11, 23, 10), False, None, at(2027, 1, 4, 9)),
    ("hours whose validity ended", [SUMMER_ONLY], at(2027, 9, 6, 10), False, None, None),
    ("no hours at all", [], at(2026, 11, 23, 10), False, None, None),
]


@pytest.mark.parametrize("name,hours,moment,open_now,until,next_open", CASES, ids=[c[0] for c in CASES])
def test_status(name, hours, moment, open_now, until, next_open):
    result = status(hours, moment)
    assert result.open_now == open_now
    if until is not None:
        assert result.open_until == until
    if next_open is not None or not open_now:
        assert result.next_open == next_open


# Spring forward: 2026-03-29 03:00 EET -> 04:00 EEST. Fall back: 2026-10-25 04:00 EEST -> 03:00 EET.
DST_CASES = [
    ("before spring change", datetime(2026, 3, 29, 0, 30, tzinfo=timezone.utc), False),  # 02:30 local
    ("after spring change", datetime(2026, 3, 29, 1, 30, tzinfo=timezone.utc), True),   # 04:30 local
    ("fall back first 04:30", datetime(2026, 10, 25, 0, 30, tzinfo=timezone.utc), False),  # 03:30 local, first time
    ("fall back 04:30", datetime(2026, 10, 25, 2, 30, tzinfo=timezone.utc), True),  # 04:30 local EET
]


@pytest.mark.parametrize("name,moment,open_now", DST_CASES, ids=[c[0] for c in DST_CASES])
def test_dst_changes_use_finnish_wall_clock(name, moment, open_now):
    assert status([EARLY_4_5], moment).open_now == open_now


def test_next_open_across_spring_change_is_local_four():
    result = status([EARLY_4_5], datetime(2026, 3, 29, 0, 30, tzinfo=timezone.utc))
    assert result.next_open.astimezone(timezone.utc) == datetime(2026, 3, 29, 1, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("day,text", [
    (date(2026, 11, 23), "8–16"), (date(2026, 11, 22), "suljettu"),
    (date(2026, 12, 24), "suljettu (jouluaatto)"),
])
def test_describe_day(day, text):
    assert describe_day([WEEKDAYS_8_16], day) == text


def test_describe_always_open():
    assert describe_day([ALWAYS], date(2026, 12, 25)) == "avoinna ympäri vuorokauden"
