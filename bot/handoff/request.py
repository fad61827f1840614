"""What goes into the queue when a conversation is handed to an advisor: the team, the urgency,
a short structured summary for the advisor, and the phone services offered when no one can take it.
Pure functions; actions/handoff_actions.py reads the tracker and calls these.
"""
from __future__ import annotations

import re
from typing import Iterable, Optional

from bot.handoff.config import Team
from bot.privacy.redact import redact

KIND_TEAM = {"symptom": "health", "situation": "social"}
REASONS = {"asked": "asukas pyysi ihmistä", "fallback": "botti ei ymmärtänyt kahdesti",
           "triage": "oirearvio suositteli ammattilaista", "callback": "soittopyyntö"}
LEVEL_NAMES = {"EMERGENCY": "hätä (112)", "EMERGENCY_DEPT": "päivystykseen heti", "SAME_DAY": "saman päivän aikana",
               "ROUTINE": "kiireetön", "SELF_CARE": "omahoito"}
DAY_NAMES = ["ma", "ti", "ke", "to", "pe", "la", "su"]
_PHONE_CHARS = re.compile(r"[\s().-]")


def team_for(chosen: Optional[str], triage_summary: Optional[dict], symptom: Optional[str],
             situation: Optional[str]) -> Optional[str]:
    """The team: the resident's choice, else the kind of the last triage, else what they talked about."""
    if chosen in ("health", "social"):
        return chosen
    if isinstance(triage_summary, dict) and triage_summary.get("kind") in KIND_TEAM:
        return KIND_TEAM[triage_summary["kind"]]
    if situation:
        return "social"
    if symptom:
        return "health"
    return None


def level_of(triage_summary: Optional[dict]) -> Optional[str]:
    return triage_summary.get("level") if isinstance(triage_summary, dict) else None


def describe(reason: str, triage_summary: Optional[dict], municipality: str, recent: Iterable[str]) -> str:
    """The advisor's summary: why, the triage result and answers, where, and what the resident wrote."""
    lines = [f"Syy: {REASONS.get(reason, reason)}"]
    if isinstance(triage_summary, dict) and triage_summary.get("protocol"):
        kind = "oirearvio" if triage_summary.get("kind") == "symptom" else "elämäntilanne"
        level = triage_summary.get("level")
        lines.append(f"Arvio: {kind} {triage_summary['protocol']}"
                     + (f", taso {level} ({LEVEL_NAMES.get(level, level)})" if level else ", kesken"))
        if triage_summary.get("age_group"):
            lines.append(f"Ikäryhmä: {triage_summary['age_group']}")
        if triage_summary.get("reasons"):
            lines.append("Perusteet: " + "; ".join(triage_summary["reasons"]))
        answers = triage_summary.get("answers") or {}
        if answers:
            lines.append("Vastaukset: " + "; ".join(f"{q}: {a}" for q, a in answers.items()))
    if municipality:
        lines.append(f"Kunta: {municipality}")
    said = [t for t in recent if t and not t.startswith("/")][-3:]
    if said:
        lines.append("Asukas kirjoitti: " + " | ".join(redact(s)[:300] for s in said))
    return "\n".join(lines)


def hours_text(team: Team) -> str:
    """The team's opening hours as Finnish text, e.g. "ma–pe 8.00–16.00"."""
    groups: list[tuple[int, int, str]] = []
    for day in range(7):
        spans = team.hours.get(day, ())
        label = ", ".join(f"{s.hour}.{s.minute:02d}–{e.hour}.{e.minute:02d}" for s, e in spans)
        if groups and groups[-1][2] == label and groups[-1][1] == day - 1:
            groups[-1] = (groups[-1][0], day, label)
        else:
            groups.append((day, day, label))
    parts = [(DAY_NAMES[a] if a == b else f"{DAY_NAMES[a]}–{DAY_NAMES[b]}") + " " + label
             for a, b, label in groups if label]
    if not parts:
        return "ei palveluaikaa"
    return ", ".join(parts) + ("" if team.open_on_holidays else "; arkipyhinä suljettu")


def normalise_phone(value: str) -> Optional[str]:
    """A Finnish phone number for a callback, or None: 040 123 4567, +358 40 1234567, 05 123 4567."""
    raw = _PHONE_CHARS.sub("", value or "")
    if raw.startswith("00358"):
        raw = "+" + raw[2:]
    if raw.startswith("+358"):
        digits = raw[4:]
        if not digits.isdigit() or not 6 <= len(digits) <= 11 or digits.startswith("0"):
            return None
        return "+358 " + digits
    if raw.startswith("0") and raw.isdigit() and 7 <= len(raw) <= 12:
        return raw
    return None

