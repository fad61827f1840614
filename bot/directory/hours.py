"""Opening hours in the shape of the PTV `serviceHours`, and "open now" / "next open".

All times are Finnish wall-clock time (Europe/Helsinki): residents and PTV both speak it, so
comparisons are made on local wall time and DST changes need no special cases. Finnish public
holidays close a service unless it is always open or has exceptional hours for that date.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Iterable, Optional
from zoneinfo import ZoneInfo

from bot.directory.holidays import holiday_name

HELSINKI = ZoneInfo("Europe/Helsinki")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAYS_FI = ("maanantai", "tiistai", "keskiviikko", "torstai", "perjantai", "lauantai", "sunnuntai")
DAYS_OF_THE_WEEK, EXCEPTIONAL, OVER_MIDNIGHT = "DaysOfTheWeek", "Exceptional", "OverMidnight"
_SEARCH_DAYS = 400  # far enough for seasonal hours; the search stops at the first opening


@dataclass(frozen=True)
class OpeningHour:
    """One opening: on `day_from` (0 = Monday) from `start` to `end`, ending on `day_to` if set."""

    day_from: Optional[int]
    start: time
    end: time
    day_to: Optional[int] = None


@dataclass(frozen=True)
class ServiceHours:
    kind: str = DAYS_OF_THE_WEEK
    valid_from: Optional[date] = None
    valid_to: Optional[date] = None
    is_closed: bool = False
    is_always_open: bool = False
    opening_hours: tuple[OpeningHour, ...] = field(default_factory=tuple)
    info: str = ""

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class Status:
    """Whether a channel is open at a moment, until when, and when it opens next."""

    open_now: bool
    open_until: Optional[datetime] = None
    next_open: Optional[datetime] = None
    always_open: bool = False


def local(moment: Optional[datetime] = None) -> datetime:
    """`moment` (aware, or now) as naive Helsinki wall-clock time."""
    moment = moment or datetime.now(tz=HELSINKI)
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(HELSINKI).replace(tzinfo=None)


def openings_on(hours: Iterable[ServiceHours], day: date) -> Optional[list[tuple[datetime, datetime]]]:
    """Openings that start on `day` as naive wall-clock intervals; None means open all day."""
    hours = list(hours)
    exceptional = [h for h in hours if h.kind == EXCEPTIONAL and h.valid_on(day)]
    if exceptional:
        if any(h.is_closed for h in exceptional):
            return []
        if any(h.is_always_open for h in exceptional):
            return None
        return [_interval(day, o) for h in exceptional for o in h.opening_hours]
    regular = [h for h in hours if h.kind != EXCEPTIONAL and h.valid_on(day) and not h.is_closed]
    if any(h.is_always_open for h in regular):
        return None
    if holiday_name(day):
        return []
    weekday = day.weekday()
    return [_interval(day, o) for h in regular for o in h.opening_hours if o.day_from == weekday]


def _interval(day: date, opening: OpeningHour) -> tuple[datetime, datetime]:
    start = datetime.combine(day, opening.start)
    if opening.day_to is not None and opening.day_from is not None:
        end_day = day + timedelta(days=(opening.day_to - opening.day_from) % 7)
    else:
        end_day = day
    end = datetime.combine(end_day, opening.end)
    if end <= start:  # 20:00-02:00 or to 00:00: over midnight
        end = datetime.combine(end_day + timedelta(days=1), opening.end)
    return start, end


def status(hours: Iterable[ServiceHours], moment: Optional[datetime] = None) -> Status:
    """Open now? Until when? When next? (`moment` aware or naive Helsinki time; default now.)"""
    hours = list(hours)
    now = local(moment)
    if not hours:
        return Status(open_now=False)
    upcoming: list[datetime] = []
    for offset in range(-1, _SEARCH_DAYS):
        day = now.date() + timedelta(days=offset)
        openings = openings_on(hours, day)
        if openings is None:
            if offset <= 0 and _always_open_from(hours, now.date()):
                return Status(open_now=True, always_open=True)
            openings = [(datetime.combine(day, time()), datetime.combine(day + timedelta(days=1), time()))]
        for start, end in openings:
            if start <= now < end:
                return Status(open_now=True, open_until=_merge_end(hours, end))
            if start > now:
                upcoming.append(start)
        if upcoming and offset >= 1:
            break
    next_open = min(upcoming) if upcoming else None
    return Status(open_now=False, next_open=next_open.replace(tzinfo=HELSINKI) if next_open else None)


def _always_open_from(hours: list[ServiceHours], day: date) -> bool:
    return all(openings_on(hours, day + timedelta(days=d)) is None for d in range(0, 7))


def _merge_end(hours: list[ServiceHours], end: datetime) -> datetime:
    """The end of an opening, followed through back-to-back openings (23:00-24:00, 00:00-06:00)."""
    for _ in range(_SEARCH_DAYS):
        following = openings_on(hours, end.date())
        if following is None:
            end = datetime.combine(end.date() + timedelta(days=1), time())
            continue
        nxt = [e for s, e in following if s <= end < e]
        if not nxt:
            break
        end = max(nxt)
    return end.replace(tzinfo=HELSINKI)


def describe_day(hours: Iterable[ServiceHours], day: date) -> str:
    """The day's opening hours in Finnish: "8–16", "suljettu (pitkäperjantai)", "avoinna ympäri vuorokauden"."""
    openings = openings_on(list(hours), day)
    if openings is None:
        return "avoinna ympäri vuorokauden"
    if not openings:
        name = holiday_name(day)
        return f"suljettu ({name})" if name else "suljettu"
    return ", ".join(f"{_clock(s)}–{_clock(e)}" for s, e in sorted(openings))


def _clock(moment: datetime) -> str:
    return f"{moment.hour}.{moment.minute:02d}" if moment.minute else f"{moment.hour}"
