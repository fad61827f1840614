"""A shared location (Telegram, browser geolocation) as a message the bot understands."""
from __future__ import annotations

import json
from typing import Any, Optional

from bot.places import default_gazetteer


def coordinates(value: Any) -> Optional[tuple[float, float]]:
    """(lat, lon) from {"latitude": .., "longitude": ..}, or None when it is not a valid point."""
    if not isinstance(value, dict):
        return None
    try:
        lat, lon = float(value["latitude"]), float(value["longitude"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or lat != lat or lon != lon:
        return None
    return lat, lon


def location_message(lat: float, lon: float) -> tuple[Optional[str], dict[str, Any]]:
    """The text and metadata for Rasa: the nearest place as an `inform`, the point as metadata.

    The text is None when the point is outside the region; the caller then asks for a place.
    """
    metadata = {"location": {"latitude": lat, "longitude": lon}}
    place = default_gazetteer().nearest(lat, lon)
    if place is None:
        return None, metadata
    return "/inform" + json.dumps({"place": place.name}, ensure_ascii=False), metadata
