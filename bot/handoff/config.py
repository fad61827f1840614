"""Handoff configuration: teams, their hours, the queue limit and timeouts (bot/data/handoff.yml)."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml

from bot.directory.holidays import holiday_name
from bot.directory.hours import local

CONFIG = Path(__file__).resolve().parent.parent / "data" / "handoff.yml"
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_SPAN = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    hours: dict[int, tuple[tuple[time, time], ...]]  # weekday -> opening spans
    open_on_holidays: bool
    phone_services: tuple[str, ...]

    def is_open(self, moment: Optional[datetime] = None) -> bool:
        moment = local(moment)
        if not self.open_on_holidays and holiday_name(moment.date()):
            return False
        now = moment.time()
        return any(start <= now < end for start, end in self.hours.get(moment.weekday(), ()))


@dataclass(frozen=True)
class HandoffConfig:
    teams: dict[str, Team]
    max_queue: int
    claim_timeout_seconds: int
    advisor_online_seconds: int
    default_handling_minutes: float
    recent_handled: int
    outcomes: tuple[str, ...]
    closed_retention_days: int
    texts: dict[str, str]
    canned: tuple[dict[str, str], ...]

    def team(self, team_id: str) -> Team:
        if team_id not in self.teams:
            raise ValueError(f"unknown team {team_id!r}; known: {', '.join(self.teams)}")
        return self.teams[team_id]


def _days(spec: str) -> list[int]:
    if "-" in spec:
        first, last = spec.split("-")
        return list(range(DAYS.index(first), DAYS.index(last) + 1))
    return [DAYS.index(spec)]


def _spans(value: str | list) -> tuple[tuple[time, time], ...]:
    spans = []
    for span in [value] if isinstance(value, str) else value:
        match = _SPAN.match(str(span).replace(" ", ""))
        if not match:
            raise ValueError(f"opening hours must look like 08:00-16:00, not {span!r}")
        h1, m1, h2, m2 = map(int, match.groups())
        spans.append((time(h1, m1), time(23, 59, 59) if (h2, m2) == (24, 0) else time(h2, m2)))
    return tuple(spans)


def parse(raw: dict) -> HandoffConfig:
    teams = {}
    for team_id, spec in raw["teams"].items():
        hours: dict[int, tuple[tuple[time, time], ...]] = {}
        for days, spans in (spec.get("hours") or {}).items():
            for day in _days(days):
                hours[day] = hours.get(day, ()) + _spans(spans)
        teams[team_id] = Team(team_id, spec["name"], hours, spec.get("holidays", "closed") == "open",
                              tuple(spec.get("phone_services", ())))
    return HandoffConfig(teams=teams, max_queue=int(raw["max_queue"]),
                         claim_timeout_seconds=int(raw["claim_timeout_seconds"]),
                         advisor_online_seconds=int(raw["advisor_online_seconds"]),
                         default_handling_minutes=float(raw["default_handling_minutes"]),
                         recent_handled=int(raw["recent_handled"]), outcomes=tuple(raw["outcomes"]),
                         closed_retention_days=int(raw.get("closed_retention_days", 30)),
                         texts=dict(raw.get("texts") or {}),
                         canned=tuple({"title": str(c["title"]), "text": str(c["text"])} for c in raw.get("canned") or ()))


def load(path: Optional[Path] = None) -> HandoffConfig:
    """bot/data/handoff.yml, or the file NEUVOKAS_HANDOFF_CONFIG names (a county's own hours)."""
    return _load(Path(path or os.environ.get("NEUVOKAS_HANDOFF_CONFIG") or CONFIG))


@lru_cache(maxsize=4)
def _load(path: Path) -> HandoffConfig:
    return parse(yaml.safe_load(path.read_text(encoding="utf-8")))
