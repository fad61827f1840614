"""The service directory in memory: indexed by service type, searched by distance and hours.

Loaded once per process from the bundled demo region (PTV format), the operator's imported
PTV files and the national phone services. Queries touch only in-memory indexes.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

from bot.directory.hours import ServiceHours, Status, local, status
from bot.directory.models import MOBILE_UNIT, PHONE, SERVICE_LOCATION, Channel, Phone, Stop, distance_km
from bot.directory.national import national_services
from bot.directory.ptv import load_file
from bot.places import Place

BUNDLED = Path(__file__).resolve().parent.parent / "data" / "directory"
PHYSICAL = (SERVICE_LOCATION, MOBILE_UNIT)


@dataclass(frozen=True)
class Match:
    channel: Channel
    distance_km: Optional[float]
    status: Status

    def as_item(self) -> dict:
        """An item of the `services` payload (PRODUCT.md)."""
        c = self.channel
        return {"id": c.id, "name": c.name, "municipality": c.municipality, "address": c.address or None,
                "phone": c.phone or None, "url": c.e_service_url or c.web_url or None,
                "open_now": self.status.open_now,
                "distance_km": None if self.distance_km is None else round(self.distance_km, 1),
                "kind": c.kind, "demo": c.demo, "latitude": c.lat, "longitude": c.lon}


@dataclass(frozen=True)
class StopMatch:
    channel: Channel
    stop: Stop
    distance_km: Optional[float]


class Directory:
    def __init__(self, channels: Iterable[Channel]):
        self.channels = list(channels)
        self.by_id = {c.id: c for c in self.channels}
        self._by_type: dict[str, list[Channel]] = {}
        for channel in self.channels:
            for service_type in channel.service_types:
                self._by_type.setdefault(service_type, []).append(channel)

    @classmethod
    def load(cls, paths: Iterable[Path]) -> "Directory":
        channels: list[Channel] = [_national_channel(s) for s in national_services()]
        for path in paths:
            channels += load_file(path).imported
        return cls(channels)

    def service_types(self) -> set[str]:
        return set(self._by_type)

    def nearest(self, service_type: str, origin: Optional[tuple[float, float]], municipality: Optional[str] = None,
                moment: Optional[datetime] = None, limit: int = 3, open_now: bool = False) -> list[Match]:
        """Service points of the type, nearest first (by straight-line distance from `origin`)."""
        matches = []
        for channel in self._by_type.get(service_type, []):
            if channel.kind not in PHYSICAL or channel.kind == MOBILE_UNIT:
                continue
            distance = None
            if origin and channel.lat is not None:
                distance = distance_km(origin[0], origin[1], channel.lat, channel.lon)
            state = status(channel.hours, moment)
            if open_now and not state.open_now:
                continue
            matches.append(Match(channel, distance, state))
        matches.sort(key=lambda m: (m.distance_km is None, m.distance_km or 0.0,
                                    m.channel.municipality != municipality))
        return matches[:limit]

    def remote(self, service_type: str, municipality: Optional[str], moment: Optional[datetime] = None,
               regional_only: bool = False) -> list[Match]:
        """Phone services, e-services and web pages of the type for residents of `municipality`."""
        found = []
        for channel in self._by_type.get(service_type, []):
            if channel.kind in PHYSICAL or (municipality and not channel.serves(municipality)):
                continue
            if regional_only and channel.municipality is None and not channel.area_municipalities:
                continue
            found.append(Match(channel, None, status(channel.hours, moment)))
        found.sort(key=lambda m: (m.channel.area_municipalities == (), m.channel.kind != PHONE, m.channel.name))
        return found

    def next_stops(self, place: Place, moment: Optional[datetime] = None, limit: int = 3,
                   service_type: str = "mobile_unit") -> list[StopMatch]:
        """The next stops of mobile units in the place (a village), else nearest to it."""
        now = local(moment)
        upcoming = []
        for channel in self._by_type.get(service_type, []):
            for stop in channel.stops:
                if datetime.combine(stop.day, stop.end) <= now:
                    continue
                distance = (distance_km(place.lat, place.lon, stop.lat, stop.lon)
                            if stop.lat is not None else None)
                upcoming.append(StopMatch(channel, stop, distance))
        exact = [s for s in upcoming if s.stop.place == place.name]
        if not exact and place.kind == "municipality":
            exact = [s for s in upcoming if s.stop.municipality == place.name]
        chosen = exact or sorted(upcoming, key=lambda s: (s.distance_km or 0.0, s.stop.day))[: limit * 4]
        chosen.sort(key=lambda s: (s.stop.day, s.stop.start))
        return chosen[:limit]


def _national_channel(service) -> Channel:
    return Channel(id=service.id, kind=PHONE, name=service.name, service_types=service.serves,
                   description=service.description, phones=(Phone(service.phone, "Free"),),
                   web_url=service.url, hours=(ServiceHours(is_always_open=True),))


def directory_paths(env: Optional[dict] = None) -> list[Path]:
    """The bundled demo data (unless NEUVOKAS_DEMO_DIRECTORY=0) and the imported PTV files."""
    env = dict(os.environ if env is None else env)
    paths = [] if env.get("NEUVOKAS_DEMO_DIRECTORY", "1") == "0" else sorted(BUNDLED.glob("*.json"))
    imported = Path(env.get("NEUVOKAS_VAR_DIR", BUNDLED.parents[2] / "var")) / "directory"
    if imported.is_dir():
        paths += sorted(imported.glob("*.json"))
    return paths


@lru_cache(maxsize=1)
def default_directory() -> Directory:
    """The directory of this installation, loaded on first use."""
    return Directory.load(directory_paths())
