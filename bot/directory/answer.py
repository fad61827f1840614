"""Composes the answer to a service question: short Finnish text plus the `services` payload."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml

from bot.directory.hours import HELSINKI, local, openings_on, describe_day, status
from bot.directory.national import service_type_names, services_for
from bot.directory.store import Directory, Match
from bot.places import Place
from bot.text import fold

TEXTS = Path(__file__).resolve().parent.parent / "data" / "directory_texts.yml"
MAX_LOCATIONS = 3
# For these the national 24/7 phone service is always worth naming too.
URGENT_TYPES = ("emergency_dept", "social_emergency", "dental", "health_station")

# What the question is mainly about, from words in it (folded: no diacritics).
_FOCUS_WORDS = {
    "stops": ("pysak", "aikataulu", "tulee", "tuleeko", "kay ", "kaynti", "reitti"),
    "phone": ("puhelin", "numero", "soitta", "soitan", "puh."),
    "eservice": ("sahkoi", "netissa", "netista", "verkossa", "nettiaja", "online", "etana"),
}


@dataclass(frozen=True)
class Answer:
    text: str
    payload: dict


@lru_cache(maxsize=1)
def texts() -> dict:
    return yaml.safe_load(TEXTS.read_text(encoding="utf-8"))


def question_focus(question: str) -> set[str]:
    folded = fold(question or "") + " "
    return {focus for focus, words in _FOCUS_WORDS.items() if any(w in folded for w in words)}


def answer(directory: Directory, service_type: str, place: Place, question: str = "",
           moment: Optional[datetime] = None, origin: Optional[tuple[float, float]] = None) -> Answer:
    """The nearest matching service points, the phone and e-services, or mobile-unit stops."""
    t = texts()
    moment = moment or datetime.now(tz=HELSINKI)
    origin = origin or (place.lat, place.lon)
    name = service_type_names().get(service_type, service_type)
    focus = question_focus(question)
    lines: list[str] = []
    items: list[dict] = []
    demo = False

    if service_type == "mobile_unit" or "stops" in focus:
        stops = directory.next_stops(place, moment, service_type=service_type)
        if stops:
            lines.append(t["stops_header"].format(place=place.name))
            for s in stops:
                lines.append(t["stop_line"].format(name=s.channel.name, weekday=t["weekdays"][s.stop.day.weekday()],
                                                   day=s.stop.day.day, month=s.stop.day.month,
                                                   start=_clock(s.stop.start), end=_clock(s.stop.end),
                                                   stop_place=s.stop.place, address=s.stop.address))
                demo = demo or s.channel.demo
                items.append({"id": f"{s.channel.id}@{s.stop.day.isoformat()}", "name": s.channel.name,
                              "municipality": s.stop.municipality, "address": f"{s.stop.place}, {s.stop.address}",
                              "phone": s.channel.phone or None, "url": None, "open_now": False,
                              "distance_km": None if s.distance_km is None else round(s.distance_km, 1),
                              "kind": s.channel.kind, "demo": s.channel.demo,
                              "latitude": s.stop.lat, "longitude": s.stop.lon,
                              "stop": {"place": s.stop.place, "date": s.stop.day.isoformat(),
                                       "from": s.stop.start.isoformat("minutes"), "to": s.stop.end.isoformat("minutes")}})
        elif service_type == "mobile_unit":
            lines.append(t["no_stops"].format(place=place.name))

    if service_type != "mobile_unit":
        locations = directory.nearest(service_type, origin, place.municipality, moment, limit=MAX_LOCATIONS)
        remote = directory.remote(service_type, place.municipality, moment)
        regional_remote = [m for m in remote if m.channel.demo or m.channel.area_municipalities]
        if service_type in URGENT_TYPES:
            regional_remote += [m for m in remote if m not in regional_remote and m.channel.id == "national-paivystysapu"]
        if "phone" in focus or "eservice" in focus:
            locations = locations[:1]
        if locations:
            lines.append(t["header"].format(service_name=_capital(name), place=place.name))
            for m in locations:
                lines.append(_location_line(m, moment))
                items.append({**m.as_item(), "status": status_text(m, moment)})
                demo = demo or m.channel.demo
        shown_remote = regional_remote or ([] if locations else remote)
        if shown_remote and not locations:
            lines.append(t["header_remote"].format(service_name=_capital(name), municipality=place.municipality))
        for m in shown_remote[:4]:
            lines.append(_remote_line(m, moment))
            items.append({**m.as_item(), "status": status_text(m, moment)})
            demo = demo or m.channel.demo
        if not locations and not shown_remote:
            lines.append(t["nothing_regional"].format(service_name=name))
            for s in services_for(service_type) or services_for("health_station"):
                lines.append(t["national_line"].format(name=s.name, phone=s.phone, description=s.description))
                items.append(s.as_item())

    if demo:
        lines.append(t["demo_note"])
    lines.append(t["emergency_note"])
    payload = {"type": "services", "service_type": service_type, "municipality": place.municipality, "items": items}
    return Answer("\n".join(lines), payload)


def _location_line(m: Match, moment: datetime) -> str:
    t = texts()
    c = m.channel
    distance = "?" if m.distance_km is None else f"{m.distance_km:.1f}".replace(".", ",")
    template = t["location_line"] if c.phone else t["location_line_no_phone"]
    return template.format(name=c.name, address=c.address or c.municipality or "", distance=distance,
                           status=status_text(m, moment), phone=c.phone)


def _remote_line(m: Match, moment: datetime) -> str:
    t = texts()
    c = m.channel
    if c.phone:
        today = local(moment).date()
        openings = openings_on(c.hours, today)
        if openings is None:
            hours = t["always_open"].lower()
        elif openings and m.status.open_now or any(s > local(moment) for s, _ in openings or []):
            hours = t["phone_hours_today"].format(hours=describe_day(c.hours, today))
        else:
            hours = t["phone_closed_today"].format(next=_when(m.status.next_open, moment) if m.status.next_open else "?")
        return t["remote_phone_line"].format(name=c.name, phone=c.phone, hours=hours)
    return t["remote_link_line"].format(name=c.name, url=c.e_service_url or c.web_url)


def status_text(m: Match, moment: datetime) -> str:
    t = texts()
    s = m.status
    if s.always_open:
        return t["always_open"]
    if s.open_now:
        return t["open_until"].format(until=_clock(s.open_until)) if s.open_until else t["always_open"]
    if s.next_open:
        return t["closed_next"].format(next=_when(s.next_open, moment))
    return t["closed_no_next"]


def _when(when: datetime, moment: datetime) -> str:
    t = texts()
    today = local(moment).date()
    day = local(when).date()
    if day == today:
        return t["today"].format(time=_clock(when))
    if day == today + timedelta(days=1):
        return t["tomorrow"].format(time=_clock(when))
    return t["weekday_date"].format(weekday=t["weekdays"][day.weekday()], day=day.day, month=day.month, time=_clock(when))


def _clock(moment) -> str:
    return f"{moment.hour}.{moment.minute:02d}" if moment.minute else f"{moment.hour}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
