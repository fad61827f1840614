"""The channels' own resident-facing texts, from texts.yml (read once)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml


@lru_cache(maxsize=1)
def _texts() -> dict[str, str]:
    return yaml.safe_load((Path(__file__).parent / "texts.yml").read_text(encoding="utf-8"))


def text(key: str, **values: object) -> str:
    return _texts()[key].format(**values) if values else _texts()[key]
