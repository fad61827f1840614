"""The triage result for the resident: the level, the reasons, and the concrete service to use."""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml

from bot.directory.answer import status_text
from bot.directory.hours import HELSINKI, Status, describe_day, local
from bot.directory.store import Directory, Match
from bot.places import Place
from bot.triage import engine
from bot.triage.protocol import Question, protocols

TEXTS = Path(__file__).resolve().parent.parent / "data" / "triage_texts.yml"
# Where each level points by default, per kind (a protocol may say otherwise in `services:`).
DEFAULT_SERVICES = {
    "symptom": {"EMERGENCY_DEPT": "emergency_dept", "SAME_DAY": "health_station", "ROUTINE": "health_station"},
    "situation": {"SAME_DAY": "social_emergency", "ROUTINE": "social_services"},
}
NATIONAL = {  # national phone services worth naming with a result, by (kind, level) and protocol
    ("symptom", "EMERGENCY_DEPT"): ["national-paivystysapu"], ("symptom", "SAME_DAY"): ["national-paivystysapu"],
    ("symptom", "SELF_CARE"): ["national-paivystysapu"], ("situation", "SAME_DAY"): ["national-mieli-kriisipuhelin"],
}
PROTOCOL_NATIONAL = {"violence": ["national-nollalinja"], "mental_health": ["national-mieli-kriisipuhelin"],
                     "exhaustion_loneliness": ["national-mieli-kriisipuhelin"]}


@lru_cache(maxsize=1)
def texts() -> dict:
    return yaml.safe_load(TEXTS.read_text(encoding="utf-8"))


def question_message(state: dict, question: Question) -> tuple[str, dict]:
    """The question's text (to the resident or about the person they write for) and its
    `triage` question payload with answer buttons; every question has an "En tiedä" answer."""
    t = texts()["buttons"]
    if question is engine.CHOOSE_QUESTION:
        options = [(p.title, p.title) for p in engine.choices(state)] + [t["other_topic"]]
    elif question is engine.WHO_QUESTION:
        options = t["who"]
    elif question is engine.AGE_QUESTION:
        options = t["age"]
    elif question is engine.SEX_QUESTION:
        options = t["sex"]
    elif question.type == "duration":
        options = t["duration"]
    elif question.type == "yes_no":
        options = t["yes_no"]
    else:
        options = t["number"]
    options = [list(o) for o in options]
    if state["history"]:
        options.append(t["back"])
    options.append(t["stop"])
    payload = {"type": "triage", "state": "question", "kind": state.get("kind") or "symptom",
               "protocol": state.get("protocol"), "question_id": question.id,
               "options": [{"title": title, "payload": answer} for title, answer in options]}
    return engine.question_text(state, question), payload


def not_understood_text(question: Optional[Question], state: Optional[dict] = None) -> str:
    """What to say when an answer could not be read; the question is then asked again with its buttons."""
    t = texts()
    if question is engine.CHOOSE_QUESTION:
        return t["not_understood_choice"]
    if question is engine.WHO_QUESTION:
        return t["not_understood_who"]
    if question is engine.AGE_QUESTION:
        return t["not_understood_age"]
    if question is engine.SEX_QUESTION:
        return t["not_understood_sex"]
    if question is not None and question.type == "duration":
        return t["not_understood_duration"]
    if question is not None and question.type == "number":
        return t["not_understood_number"]
    if state is not None and state.get("misunderstood", 0) >= 2:
        return t["not_understood_again"]
    return t["not_understood"]


def result_messages(state: dict, directory: Directory, place: Optional[Place],
                    moment: Optional[datetime] = None, origin: Optional[tuple[float, float]] = None) -> tuple[str, list[dict]]:
    """The result text and payloads (`triage` result, `emergency` when 112, `services`)."""
    t = texts()
    moment = moment or datetime.now(tz=HELSINKI)
    result = engine.result(state)
    protocol = protocols()[result.protocol]
    levels = t["levels"] if result.kind == "symptom" else t["situation_levels"]
    lines = [levels[result.level], t["reasons"].format(reasons="; ".join(result.reasons))]
    items: list[dict] = []
    service_type = protocol.services.get(result.level) or DEFAULT_SERVICES[result.kind].get(result.level)
    if service_type and result.level != "EMERGENCY":
        matches = _services(directory, service_type, place, moment, origin, result.level)
        for m in matches:
            lines.append(_service_line(m, moment))
            items.append(m.as_item())
        if not matches and place is None:
            lines.append(t["place_needed"])
    national_ids = list(NATIONAL.get((result.kind, result.level), [])) + PROTOCOL_NATIONAL.get(result.protocol, [])
    if result.level != "EMERGENCY":
        for channel_id in dict.fromkeys(national_ids):
            channel = directory.by_id.get(channel_id)
            if channel and channel.id not in {i["id"] for i in items}:
                lines.append(t["national"].format(name=channel.name, phone=channel.phone, description=channel.description))
                items.append(Match(channel, None, Status(open_now=True, always_open=True)).as_item())
    if result.level in ("SELF_CARE", "ROUTINE") and result.self_care:
        lines.append(t["self_care"].format(advice=" ".join(result.self_care)))
    if result.level in ("SELF_CARE", "ROUTINE") and result.seek_care_if:
        template = t["seek_care_if"] if result.kind == "symptom" else t["seek_help_if"]
        lines.append(template.format(conditions="; ".join(result.seek_care_if)))
    if any(i.get("demo") for i in items):
        lines.append(t["demo_note"])
    if result.kind == "symptom":
        lines.append(t["disclaimer"])
    payloads = [{"type": "triage", "state": "result", "kind": result.kind, "protocol": result.protocol,
                 "level": result.level, "reasons": list(result.reasons)}]
    if result.level == "EMERGENCY":
        payloads.append({"type": "emergency", "number": "112", "reason": result.reasons[0]})
    if items:
        payloads.append({"type": "services", "service_type": service_type or "national",
                         "municipality": place.municipality if place else None, "items": items})
    return "\n".join(lines), payloads


def _services(directory: Directory, service_type: str, place: Optional[Place], moment: datetime,
              origin: Optional[tuple[float, float]], level: str) -> list[Match]:
    municipality = place.municipality if place else None
    origin = origin or ((place.lat, place.lon) if place else None)
    found: list[Match] = []
    if origin is not None:
        found += directory.nearest(service_type, origin, municipality, moment, limit=1,
                                   open_now=(level == "EMERGENCY_DEPT"))
    remote = [m for m in directory.remote(service_type, municipality, moment) if not m.channel.id.startswith("national-")]
    found += remote[:1]
    return found


def _service_line(m: Match, moment: datetime) -> str:
    t = texts()
    c = m.channel
    if c.address:
        distance = "?" if m.distance_km is None else f"{m.distance_km:.1f}".replace(".", ",")
        detail = t["service_address"].format(address=c.address, distance=distance, status=status_text(m, moment).lower())
        if c.phone:
            detail += f", puh. {c.phone}"
    elif c.phone:
        detail = t["service_phone"].format(phone=c.phone, hours=describe_day(c.hours, local(moment).date()))
    else:
        detail = c.e_service_url or c.web_url
    return t["service"].format(name=c.name, detail=detail)
