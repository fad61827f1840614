"""Reads service channels in the Suomi.fi Service Catalogue (PTV) open API v11 JSON format.

A county can import its real PTV export; the bundled demo region is written in the same format.
Broken records are skipped with a reason, never a crash. Our few additions to PTV's fields are
`serviceTypes` (ids of PRODUCT.md; otherwise inferred from the names), `mobileStops` and `demo`.
"""
from __future__ import annotations

import json
import math
import re
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Iterable, Optional

from bot.directory.hours import (DAYS_OF_THE_WEEK, EXCEPTIONAL, OVER_MIDNIGHT, WEEKDAYS, OpeningHour,
                                 ServiceHours)
from bot.directory.models import (E_CHANNEL, MOBILE_UNIT, PHONE, SERVICE_LOCATION, WEB_PAGE, Channel,
                                  ImportProblem, ImportReport, Phone, Stop)
from bot.lexicon import default_lexicon
from bot.places import default_gazetteer

KINDS = {SERVICE_LOCATION, PHONE, E_CHANNEL, WEB_PAGE, MOBILE_UNIT}
_HOUR_TYPES = {
    DAYS_OF_THE_WEEK: DAYS_OF_THE_WEEK, "Standard": DAYS_OF_THE_WEEK, EXCEPTIONAL: EXCEPTIONAL,
    "Exception": EXCEPTIONAL, "Special": EXCEPTIONAL, OVER_MIDNIGHT: OVER_MIDNIGHT}


class RecordError(ValueError):
    """A record that cannot be imported; the message says why, in plain words."""


def load_file(path: Path) -> ImportReport:
    """Every channel of a PTV JSON file (a list, one channel, or a page with `itemList`)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        report = ImportReport()
        report.skipped.append(ImportProblem(str(path), f"file is not readable JSON: {error}"))
        return report
    return load_records(records_of(data))


def records_of(data: Any) -> list:
    """The channel records of a PTV export: a list, one channel, or a page with `itemList`."""
    if isinstance(data, dict) and isinstance(data.get("itemList"), list):
        return data["itemList"]
    if isinstance(data, dict):
        return [data]
    return data if isinstance(data, list) else [data]


def load_records(records: Iterable[Any]) -> ImportReport:
    report = ImportReport()
    seen: set[str] = set()
    for index, raw in enumerate(records):
        label = f"#{index}"
        try:
            if not isinstance(raw, dict):
                raise RecordError("record is not a JSON object")
            label = f"#{index} {raw.get('id', '')}".strip()
            channel = parse_channel(raw, report.warnings, label)
            if channel.id in seen:
                raise RecordError(f"duplicate id {channel.id}")
            seen.add(channel.id)
            report.imported.append(channel)
        except RecordError as error:
            report.skipped.append(ImportProblem(label, str(error)))
        except (TypeError, ValueError, KeyError, AttributeError) as error:
            report.skipped.append(ImportProblem(label, f"malformed field: {error}"))
    return report


def parse_channel(raw: dict, warnings: Optional[list] = None, label: str = "") -> Channel:
    warnings = warnings if warnings is not None else []
    channel_id = raw.get("id")
    if not isinstance(channel_id, str) or not channel_id.strip():
        raise RecordError("missing id")
    if raw.get("publishingStatus", "Published") not in ("Published", None):
        raise RecordError(f"not published ({raw.get('publishingStatus')})")
    name = _text(raw.get("serviceChannelNames"))
    if not name:
        raise RecordError("missing Finnish or any name (serviceChannelNames)")
    stops = tuple(_stops(raw.get("mobileStops") or [], warnings, label))
    kind = MOBILE_UNIT if stops else raw.get("serviceChannelType")
    if kind not in KINDS:
        raise RecordError(f"unknown serviceChannelType {kind!r}")
    address = _address(raw.get("addresses") or [], warnings, label)
    areas = _area_municipalities(raw)
    municipality = address.get("municipality") or (areas[0] if len(areas) == 1 else None)
    service_types = _service_types(raw, name)
    if not service_types:
        raise RecordError("no service type: give serviceTypes or a name that names the service")
    phones = tuple(_phones(raw.get("phoneNumbers") or []))
    if kind == PHONE and not phones:
        raise RecordError("phone channel without phoneNumbers")
    if kind == SERVICE_LOCATION and address.get("lat") is None:
        warnings.append(ImportProblem(label, "service location without coordinates: no distance"))
    web_pages = [w for w in raw.get("webPages") or [] if isinstance(w, dict) and w.get("url")]
    e_service = raw.get("url") if kind == E_CHANNEL else ""
    return Channel(
        id=channel_id.strip(), kind=kind, name=name, service_types=service_types,
        municipality=municipality, organisation=_text(raw.get("organizationNames")) or "",
        description=_text(raw.get("serviceChannelDescriptions")) or "",
        street=address.get("street", ""), postal_code=address.get("postal_code", ""),
        post_office=address.get("post_office", ""), lat=address.get("lat"), lon=address.get("lon"),
        phones=phones, web_url=web_pages[0]["url"] if web_pages else "",
        e_service_url=e_service or _first_url(raw.get("eServiceUrls")),
        languages=_languages(raw.get("languages")),
        hours=tuple(_hours(raw.get("serviceHours") or [], warnings, label)), stops=stops,
        area_municipalities=tuple(areas), demo=bool(raw.get("demo", False)),
    )


# --- fields ---------------------------------------------------------------------------------

def _text(values: Any, language: str = "fi") -> Optional[str]:
    """The value in `language` of a PTV language-versioned list, else the first value."""
    if isinstance(values, str):
        return values.strip() or None
    if not isinstance(values, list):
        return None
    items = [v for v in values if isinstance(v, dict) and isinstance(v.get("value"), str) and v["value"].strip()]
    preferred = [v for v in items if v.get("language") == language and v.get("type", "Name") in ("Name", "Summary", "Description")]
    chosen = preferred or items
    return chosen[0]["value"].strip() if chosen else None


def _languages(values: Any) -> tuple[str, ...]:
    if isinstance(values, str):
        values = [values]
    found = tuple(v for v in values or [] if isinstance(v, str) and v)
    return found or ("fi",)


def _first_url(values: Any) -> str:
    if isinstance(values, list):
        for v in values:
            if isinstance(v, dict) and isinstance(v.get("url") or v.get("value"), str):
                return v.get("url") or v.get("value")
    return ""


def _service_types(raw: dict, name: str) -> tuple[str, ...]:
    known = set(default_lexicon().values("service_type"))
    given = raw.get("serviceTypes")
    if isinstance(given, list):
        return tuple(t for t in given if t in known)
    lexicon = default_lexicon()
    names = [name] + [_text((s.get("service") or {}).get("name")) or "" for s in raw.get("services") or [] if isinstance(s, dict)]
    found = []
    for text in names:
        for word in re.findall(r"[\wåäöÅÄÖ-]+", text):
            value = lexicon.match_word(word, "service_type")
            if value and value not in found:
                found.append(value)
    return tuple(found)


def _area_municipalities(raw: dict) -> list[str]:
    gazetteer = default_gazetteer()
    found: list[str] = []
    candidates = list(raw.get("areaMunicipalities") or [])
    for area in raw.get("areas") or []:
        if isinstance(area, dict):
            candidates += area.get("municipalities") or []
    for item in candidates:
        name = _text(item.get("name")) if isinstance(item, dict) else item if isinstance(item, str) else None
        place = gazetteer.get(name) if name else None
        label = place.municipality if place else (name.title() if name else None)
        if label and label not in found:
            found.append(label)
    return found


def _phones(values: Any) -> Iterable[Phone]:
    for v in values if isinstance(values, list) else []:
        if isinstance(v, dict) and isinstance(v.get("number"), str) and v["number"].strip():
            prefix = v.get("prefixNumber") or ""
            number = v["number"].strip()
            if prefix and prefix != "+358" and not number.startswith("+"):
                number = f"{prefix} {number}"
            yield Phone(number=number, charge_type=v.get("serviceChargeType") or "Charged",
                        info=_text(v.get("additionalInformation")) or (v.get("additionalInformation") if isinstance(v.get("additionalInformation"), str) else "") or "")


def _address(values: Any, warnings: list, label: str) -> dict:
    for entry in values if isinstance(values, list) else []:
        if not isinstance(entry, dict) or entry.get("type", "Location") not in ("Location", "Visiting"):
            continue
        street_address = entry.get("streetAddress") if isinstance(entry.get("streetAddress"), dict) else entry
        street = _text(street_address.get("street")) or ""
        number = street_address.get("streetNumber") or ""
        result = {
            "street": f"{street} {number}".strip(),
            "postal_code": str(street_address.get("postalCode") or ""),
            "post_office": _text(street_address.get("postOffice")) or "",
        }
        municipality = street_address.get("municipality")
        name = _text(municipality.get("name")) if isinstance(municipality, dict) else None
        place = default_gazetteer().get(name or result["post_office"] or "")
        if place:
            result["municipality"] = place.municipality
        elif name:
            result["municipality"] = name.title()
        coords = _coordinates(street_address.get("latitude"), street_address.get("longitude"))
        if coords:
            result["lat"], result["lon"] = coords
        elif street_address.get("latitude") not in (None, ""):
            warnings.append(ImportProblem(label, "unreadable coordinates ignored"))
        return result
    return {}


def _coordinates(lat: Any, lon: Any) -> Optional[tuple[float, float]]:
    """WGS84 degrees, or PTV's ETRS-TM35FIN metres (northing, easting) converted to degrees."""
    try:
        y, x = float(lat), float(lon)
    except (TypeError, ValueError):
        return None
    if 59.0 <= y <= 71.0 and 19.0 <= x <= 32.0:
        return y, x
    if 6_600_000 <= y <= 7_800_000 and 40_000 <= x <= 780_000:
        return tm35fin_to_wgs84(y, x)
    return None


def tm35fin_to_wgs84(northing: float, easting: float) -> tuple[float, float]:
    """EPSG:3067 (GRS80, central meridian 27° E, k0 0.9996) to latitude, longitude in degrees."""
    a, f, k0, lon0 = 6378137.0, 1 / 298.257222101, 0.9996, math.radians(27.0)
    e2 = f * (2 - f)
    ep2 = e2 / (1 - e2)
    m = northing / k0
    mu = m / (a * (1 - e2 / 4 - 3 * e2 ** 2 / 64 - 5 * e2 ** 3 / 256))
    e1 = (1 - math.sqrt(1 - e2)) / (1 + math.sqrt(1 - e2))
    phi1 = (mu + (3 * e1 / 2 - 27 * e1 ** 3 / 32) * math.sin(2 * mu)
            + (21 * e1 ** 2 / 16 - 55 * e1 ** 4 / 32) * math.sin(4 * mu)
            + (151 * e1 ** 3 / 96) * math.sin(6 * mu) + (1097 * e1 ** 4 / 512) * math.sin(8 * mu))
    sin1, cos1, tan1 = math.sin(phi1), math.cos(phi1), math.tan(phi1)
    c1, t1 = ep2 * cos1 ** 2, tan1 ** 2
    n1 = a / math.sqrt(1 - e2 * sin1 ** 2)
    r1 = a * (1 - e2) / (1 - e2 * sin1 ** 2) ** 1.5
    d = (easting - 500_000.0) / (n1 * k0)
    lat = phi1 - (n1 * tan1 / r1) * (d ** 2 / 2 - (5 + 3 * t1 + 10 * c1 - 4 * c1 ** 2 - 9 * ep2) * d ** 4 / 24
                                     + (61 + 90 * t1 + 298 * c1 + 45 * t1 ** 2 - 252 * ep2 - 3 * c1 ** 2) * d ** 6 / 720)
    lon = lon0 + (d - (1 + 2 * t1 + c1) * d ** 3 / 6
                  + (5 - 2 * c1 + 28 * t1 - 3 * c1 ** 2 + 8 * ep2 + 24 * t1 ** 2) * d ** 5 / 120) / cos1
    return round(math.degrees(lat), 6), round(math.degrees(lon), 6)


def _parse_date(value: Any) -> Optional[date]:
    if value in (None, ""):
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")[:19]).date()


def _parse_time(value: Any) -> time:
    text = str(value)
    if text.startswith("24:00"):
        return time(0, 0)
    return time.fromisoformat(text[:8] if len(text) >= 8 else text)


def _weekday(name: Any) -> int:
    if name not in WEEKDAYS:
        raise ValueError(f"unknown day {name!r}")
    return WEEKDAYS.index(name)


def _hours(values: list, warnings: list, label: str) -> Iterable[ServiceHours]:
    for entry in values if isinstance(values, list) else []:
        try:
            kind = _HOUR_TYPES.get(entry.get("serviceHourType"))
            if kind is None:
                raise ValueError(f"unknown serviceHourType {entry.get('serviceHourType')!r}")
            openings = []
            for o in entry.get("openingHour") or []:
                day_from = _weekday(o["dayFrom"]) if o.get("dayFrom") else None
                day_to = _weekday(o["dayTo"]) if o.get("dayTo") else None
                openings.append(OpeningHour(day_from, _parse_time(o["from"]), _parse_time(o["to"]), day_to))
            yield ServiceHours(
                kind=kind, valid_from=_parse_date(entry.get("validFrom")), valid_to=_parse_date(entry.get("validTo")),
                is_closed=bool(entry.get("isClosed")), is_always_open=bool(entry.get("isAlwaysOpen")),
                opening_hours=tuple(openings), info=_text(entry.get("additionalInformation")) or "")
        except (TypeError, ValueError, KeyError, AttributeError) as error:
            warnings.append(ImportProblem(label, f"service hours skipped: {error}"))


def _stops(values: list, warnings: list, label: str) -> Iterable[Stop]:
    gazetteer = default_gazetteer()
    for entry in values if isinstance(values, list) else []:
        try:
            place = gazetteer.get(entry["place"])
            if place is None:
                raise ValueError(f"unknown place {entry['place']!r}")
            yield Stop(place=place.name, municipality=place.municipality, day=_parse_date(entry["date"]),
                       start=_parse_time(entry["from"]), end=_parse_time(entry["to"]),
                       address=entry.get("address", ""), lat=entry.get("latitude", place.lat),
                       lon=entry.get("longitude", place.lon))
        except (TypeError, ValueError, KeyError, AttributeError) as error:
            warnings.append(ImportProblem(label, f"mobile stop skipped: {error}"))
