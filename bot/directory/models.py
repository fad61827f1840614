"""Service directory records, shaped after the Suomi.fi Service Catalogue (PTV) service channels."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, time
from typing import Optional

from bot.directory.hours import ServiceHours

# PTV serviceChannelType values, plus our mobile unit (a service location that moves).
SERVICE_LOCATION, PHONE, E_CHANNEL, WEB_PAGE, MOBILE_UNIT = (
    "ServiceLocation", "Phone", "EChannel", "WebPage", "MobileUnit")


@dataclass(frozen=True)
class Phone:
    number: str
    charge_type: str = "Charged"  # PTV serviceChargeType: Charged | Free | Other
    info: str = ""


@dataclass(frozen=True)
class Stop:
    """One stop of a mobile unit: where (a village or municipality), when (date, from, to)."""

    place: str
    municipality: str
    day: date
    start: time
    end: time
    address: str = ""
    lat: Optional[float] = None
    lon: Optional[float] = None


@dataclass(frozen=True)
class Channel:
    id: str
    kind: str
    name: str
    service_types: tuple[str, ...]
    municipality: Optional[str] = None  # None: serves the whole country
    organisation: str = ""
    description: str = ""
    street: str = ""
    postal_code: str = ""
    post_office: str = ""
    lat: Optional[float] = None
    lon: Optional[float] = None
    phones: tuple[Phone, ...] = ()
    web_url: str = ""
    e_service_url: str = ""
    languages: tuple[str, ...] = ("fi",)
    hours: tuple[ServiceHours, ...] = ()
    stops: tuple[Stop, ...] = ()
    area_municipalities: tuple[str, ...] = ()
    demo: bool = False

    @property
    def address(self) -> str:
        if not self.street:
            return ""
        return ", ".join(p for p in (self.street, " ".join(x for x in (self.postal_code, self.post_office.title()) if x)) if p)

    @property
    def phone(self) -> str:
        return self.phones[0].number if self.phones else ""

    def serves(self, municipality: str) -> bool:
        """Whether residents of `municipality` are in this channel's area."""
        if self.municipality is None and not self.area_municipalities:
            return True
        return municipality == self.municipality or municipality in self.area_municipalities


@dataclass(frozen=True)
class ImportProblem:
    record: str
    reason: str


@dataclass
class ImportReport:
    imported: list[Channel] = field(default_factory=list)
    skipped: list[ImportProblem] = field(default_factory=list)
    warnings: list[ImportProblem] = field(default_factory=list)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0088 * 2 * math.asin(math.sqrt(a))
