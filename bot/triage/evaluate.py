"""Triage evaluation harness: vignettes through the real bot over the REST channel.

    scripts/neuvokas.sh evaluate-triage [--url http://127.0.0.1:5005] [--vignettes FILE]

Answers the bot's questions from each vignette's facts (every other yes/no question "ei") and
prints exact accuracy per level, the share at or above the gold level, undertriage of
emergencies and overtriage of self-care cases. Without --url it starts its own stack.
"""
from __future__ import annotations

import argparse
import json
import secrets
import tempfile
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import yaml

from bot.settings import ROOT
from bot.triage.levels import LEVELS, RANK, at_least, collapse

VIGNETTES = ROOT / "tests" / "triage" / "vignettes.yml"
MAX_TURNS = 25
Send = Callable[[str, str], list]


@dataclass(frozen=True)
class Outcome:
    id: str
    kind: str
    gold: str
    predicted: Optional[str]
    turns: int


def load(path: Path = VIGNETTES) -> list[dict]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return [{**v, "kind": kind} for kind in ("symptom", "situation") for v in data.get(kind, [])]


def rest_sender(url: str) -> Send:
    def send(sender: str, message: str) -> list:
        body = json.dumps({"sender": sender, "message": message}).encode()
        request = urllib.request.Request(f"{url}/webhooks/rest/webhook", data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())
    return send


def run_vignette(vignette: dict, send: Send) -> Outcome:
    sender = f"vignette-{vignette['id']}-{secrets.token_hex(4)}"
    messages = send(sender, vignette["message"])
    facts = {k: str(v) for k, v in (vignette.get("facts") or {}).items()}
    for turn in range(1, MAX_TURNS + 1):
        customs = [m["custom"] for m in messages if isinstance(m.get("custom"), dict)]
        result = next((c for c in customs if c.get("type") == "triage" and c.get("state") == "result"), None)
        if result:
            return Outcome(vignette["id"], vignette["kind"], vignette["gold"], result["level"], turn)
        if any(c.get("type") == "emergency" for c in customs):
            return Outcome(vignette["id"], vignette["kind"], vignette["gold"], "EMERGENCY", turn)
        question = next((c for c in customs if c.get("type") == "triage" and c.get("state") == "question"), None)
        texts = " ".join(m.get("text") or "" for m in messages)
        if question:
            reply = _answer(question, vignette, facts)
        elif "kunnassa" in texts or "kylässä" in texts:
            reply = vignette.get("place", "Lappeenranta")
        else:
            return Outcome(vignette["id"], vignette["kind"], vignette["gold"], None, turn)
        messages = send(sender, reply)
    return Outcome(vignette["id"], vignette["kind"], vignette["gold"], None, MAX_TURNS)


def _answer(question: dict, vignette: dict, facts: dict) -> str:
    qid = question.get("question_id")
    if qid in facts:
        return facts[qid]
    if qid == "who":
        age = str(vignette.get("age", "aikuinen"))
        return "lapsen" if any(w in age for w in ("lapsi", "vauva", "kk", "vk", "viikko")) or (
            age.split()[0].isdigit() and int(age.split()[0]) < 16) else "jonkun muun"
    if qid == "sex":
        return "en halua sanoa"
    if qid == "age":
        return str(vignette.get("age", "aikuinen"))
    if qid == "protocol":
        return vignette.get("complaint", vignette["message"])
    if qid in facts:
        return facts[qid]
    titles = [o.get("title") for o in question.get("options") or []]
    if "Alle päivän" in titles:  # a duration question
        return str(vignette.get("duration", "1 päivä"))
    if "Kyllä" not in titles:  # a number question the vignette says nothing of
        return "en tiedä"
    return "ei"


def report(outcomes: list[Outcome]) -> dict:
    n = len(outcomes)
    exact = sum(o.predicted == o.gold for o in outcomes)
    safe = sum(o.predicted is not None and at_least(o.predicted, o.gold) for o in outcomes)
    three = sum(o.predicted is not None and collapse(o.predicted) == collapse(o.gold) for o in outcomes)
    emergencies = [o for o in outcomes if o.gold in ("EMERGENCY", "EMERGENCY_DEPT")]
    under = [o for o in emergencies if o.predicted not in ("EMERGENCY", "EMERGENCY_DEPT")]
    self_care = [o for o in outcomes if o.gold == "SELF_CARE"]
    over = [o for o in self_care if o.predicted != "SELF_CARE"]
    per_level = {}
    for level in LEVELS:
        cases = [o for o in outcomes if o.gold == level]
        if cases:
            per_level[level] = (sum(o.predicted == level for o in cases), len(cases))
    return {"n": n, "exact": exact / n, "at_or_above": safe / n, "three_level": three / n,
            "emergency_undertriage": (len(under), len(emergencies)), "self_care_overtriage": (len(over), len(self_care)),
            "per_level": per_level, "confusion": Counter((o.gold, o.predicted) for o in outcomes if o.gold != o.predicted),
            "failed": [o.id for o in outcomes if o.predicted is None]}


def format_report(figures: dict, title: str = "all") -> str:
    lines = [f"triage vignettes ({title}): n={figures['n']} exact={figures['exact']:.3f} "
             f"three-level={figures['three_level']:.3f} at-or-above-gold={figures['at_or_above']:.3f}",
             f"  emergencies undertriaged: {figures['emergency_undertriage'][0]}/{figures['emergency_undertriage'][1]}, "
             f"self-care overtriaged: {figures['self_care_overtriage'][0]}/{figures['self_care_overtriage'][1]}"]
    for level, (hit, total) in figures["per_level"].items():
        lines.append(f"  {level:15s} {hit}/{total} = {hit / total:.2f}")
    if figures["confusion"]:
        lines.append("  misses (gold -> predicted): " + ", ".join(f"{g}->{p}: {c}" for (g, p), c in figures["confusion"].most_common()))
    if figures["failed"]:
        lines.append(f"  no result: {figures['failed']}")
    return "\n".join(lines)


def evaluate(send: Send, path: Path = VIGNETTES) -> tuple[list[Outcome], str]:
    outcomes = [run_vignette(v, send) for v in load(path)]
    text = "\n".join([format_report(report(outcomes)),
                      format_report(report([o for o in outcomes if o.kind == "symptom"]), "symptom"),
                      format_report(report([o for o in outcomes if o.kind == "situation"]), "situation")])
    return outcomes, text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="neuvokas evaluate-triage", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url")
    parser.add_argument("--vignettes", type=Path, default=VIGNETTES)
    args = parser.parse_args(argv)
    if args.url:
        _, text = evaluate(rest_sender(args.url.rstrip("/")), args.vignettes)
    else:
        from bot.model import ensure_model
        from bot.settings import Settings
        from bot.stack import Stack, free_port

        model = ensure_model(Settings.from_env().models_dir)
        with tempfile.TemporaryDirectory() as var:
            with Stack(model=model, var_dir=Path(var), rasa_port=free_port(), action_port=free_port(),
                       api_token=secrets.token_urlsafe(16), log_dir=Path(var) / "logs") as stack:
                _, text = evaluate(rest_sender(stack.rasa_url), args.vignettes)
    print(text)
    return 0
