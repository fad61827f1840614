"""The five urgency levels, most urgent first (PRODUCT.md, capability 2)."""
from __future__ import annotations

LEVELS = ("EMERGENCY", "EMERGENCY_DEPT", "SAME_DAY", "ROUTINE", "SELF_CARE")
RANK = {level: index for index, level in enumerate(LEVELS)}


def most_urgent(*levels: str | None) -> str | None:
    """The most urgent of the given levels (None ignored)."""
    present = [level for level in levels if level]
    return min(present, key=RANK.__getitem__) if present else None


def at_least(level: str, floor: str) -> bool:
    """True when `level` is as urgent as `floor` or more."""
    return RANK[level] <= RANK[floor]


def collapse(level: str) -> str:
    """Three-level view: emergent / non-emergent / self-care."""
    if level in ("EMERGENCY", "EMERGENCY_DEPT"):
        return "emergent"
    return "self_care" if level == "SELF_CARE" else "non_emergent"
