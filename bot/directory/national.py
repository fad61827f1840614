"""The real national phone services, and which service types each is a right next step for."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class PhoneService:
    id: str
    name: str
    phone: str
    url: str
    always_open: bool
    description: str
    serves: tuple[str, ...]

    def as_item(self) -> dict:
        """The item of a `services` payload (PRODUCT.md) for this channel."""
        return {"id": self.id, "name": self.name, "municipality": None, "address": None,
                "phone": self.phone, "url": self.url, "open_now": self.always_open,
                "distance_km": None}


@lru_cache(maxsize=1)
def national_services() -> tuple[PhoneService, ...]:
    raw = yaml.safe_load((DATA / "national_services.yml").read_text(encoding="utf-8"))
    return tuple(PhoneService(**{**s, "serves": tuple(s.get("serves", []))}) for s in raw["services"])


@lru_cache(maxsize=1)
def service_type_names() -> dict[str, str]:
    """Finnish names of the service type ids."""
    return yaml.safe_load((DATA / "service_types.yml").read_text(encoding="utf-8"))


def services_for(service_type: str) -> list[PhoneService]:
    """National services that are a right next step for `service_type`, most general last."""
    return [s for s in national_services() if service_type in s.serves]
