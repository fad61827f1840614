"""The safety benchmark: red flags per language and triage played by honest residents.

    scripts/neuvokas.sh evaluate-safety [--set dev|heldout|heldout2|heldout3|heldout4|all] [--url http://127.0.0.1:5005]
                                        [--transcripts]
                                        [--redflags-only | --triage-only]

Material (tests/safety/, written apart from the rules, the protocols and the training data; see
tests/safety/README.md): red-flag messages in fi/sv/en with look-alikes that are not
emergencies, and triage vignettes adapted from published case material. Each vignette was played
by a simulated honest resident (a helper who saw only the vignette and the bot's questions) and
its answers were recorded in tests/safety/plays/; this command replays those answers to the bot
over REST, question by question. A question the recording has no answer for is answered
"en tiedä" and counted ("unrecorded"), so a changed protocol shows up instead of passing quietly.

Prints red-flag recall and false-alarm rate per language, triage exact and three-level
accuracy, emergencies undertriaged, self-care overtriaged and conversations with no result.
Without --url the red flags are checked in-process (the detector alone) and the triage part
starts its own stack.
"""
from __future__ import annotations

import argparse
import json
import secrets
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import yaml

from bot.settings import ROOT
from bot.text import fold
from bot.triage.levels import LEVELS, at_least, collapse

SAFETY = ROOT / "tests" / "safety"
#: The evaluation sets, in the order they were written (tests/safety/README.md).
SETS = ("dev", "heldout", "heldout2", "heldout3", "heldout4")
MAX_TURNS = 30
Send = Callable[[str, str], list]


# --- red flags -------------------------------------------------------------------------------

def load_messages(name: str) -> list[dict]:
    return yaml.safe_load((SAFETY / f"redflags.{name}.yml").read_text(encoding="utf-8"))["messages"]


@dataclass
class FlagFigures:
    by_language: dict = field(default_factory=lambda: defaultdict(Counter))
    missed: list = field(default_factory=list)
    false_alarms: list = field(default_factory=list)

    def add(self, message: dict, alarmed: bool) -> None:
        figures = self.by_language[message["lang"]]
        if message["red_flag"]:
            figures["positives"] += 1
            figures["caught"] += alarmed
            if not alarmed:
                self.missed.append(message)
        else:
            figures["negatives"] += 1
            figures["false_alarms"] += alarmed
            if alarmed:
                self.false_alarms.append(message)

    def recall(self, language: str) -> float:
        f = self.by_language[language]
        return f["caught"] / f["positives"] if f["positives"] else 1.0

    def false_alarm_rate(self, language: str) -> float:
        f = self.by_language[language]
        return f["false_alarms"] / f["negatives"] if f["negatives"] else 0.0

    def format(self, title: str) -> str:
        lines = [f"red flags ({title}):"]
        for language in sorted(self.by_language):
            f = self.by_language[language]
            lines.append(f"  {language}: recall {f['caught']}/{f['positives']} = {self.recall(language):.3f}, "
                         f"false alarms {f['false_alarms']}/{f['negatives']} = {self.false_alarm_rate(language):.3f}")
        for m in self.missed:
            lines.append(f"  missed {m['id']} [{m.get('category')}]: {m['text']}")
        for m in self.false_alarms:
            lines.append(f"  false alarm {m['id']} [{m.get('category')}]: {m['text']}")
        return "\n".join(lines)


def detector_alarm() -> Callable[[str], bool]:
    from bot.redflags import default_detector

    detector = default_detector()
    return lambda text: detector.detect(text) is not None


def rest_alarm(send: Send) -> Callable[[str], bool]:
    """Through the whole bot: does the first reply carry the `emergency` payload?"""
    def alarm(text: str) -> bool:
        replies = send(f"safety-{secrets.token_hex(6)}", text)
        return any((m.get("custom") or {}).get("type") == "emergency" for m in replies)
    return alarm


def evaluate_red_flags(name: str, alarm: Callable[[str], bool]) -> FlagFigures:
    figures = FlagFigures()
    for message in load_messages(name):
        figures.add(message, alarm(message["text"]))
    return figures


# --- triage vignettes ------------------------------------------------------------------------

@dataclass(frozen=True)
class Play:
    id: str
    gold: str
    predicted: Optional[str]
    turns: int
    unrecorded: int
    transcript: tuple = ()


def load_vignettes(name: str) -> list[dict]:
    return yaml.safe_load((SAFETY / f"vignettes.{name}.yml").read_text(encoding="utf-8"))["vignettes"]


def load_recording(name: str, vignette_id: str) -> Optional[dict]:
    path = SAFETY / "plays" / name / f"{vignette_id}.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None


def outcome_of(messages: list) -> Optional[str]:
    """The level the bot gave: a triage result, or EMERGENCY for the 112 instruction."""
    customs = [m["custom"] for m in messages if isinstance(m.get("custom"), dict)]
    result = next((c for c in customs if c.get("type") == "triage" and c.get("state") == "result"), None)
    if result:
        return result["level"]
    if any(c.get("type") == "emergency" for c in customs):
        return "EMERGENCY"
    return None


def question_of(messages: list) -> Optional[dict]:
    customs = [m["custom"] for m in messages if isinstance(m.get("custom"), dict)]
    return next((c for c in customs if c.get("type") == "triage" and c.get("state") == "question"), None)


def asks_place(messages: list) -> bool:
    return any((m.get("custom") or {}).get("type") == "ask_location" for m in messages) or any(
        "kunnassa" in (m.get("text") or "") or "paikkaa" in (m.get("text") or "") for m in messages)


def _key(text: str) -> str:
    return " ".join(fold(text or "").split())


def replay(vignette: dict, recording: dict, send: Send) -> Play:
    """The recorded honest answers, to the questions the bot asks now."""
    by_id = {t["question_id"]: t["answer"] for t in recording.get("turns") or [] if t.get("question_id")}
    by_text = {_key(t.get("question") or ""): t["answer"] for t in recording.get("turns") or [] if t.get("question")}
    sender = f"replay-{vignette['id']}-{secrets.token_hex(4)}"
    opening = recording.get("opening") or vignette["opening"]
    messages = send(sender, opening)
    unrecorded = 0
    transcript = [f"RESIDENT: {opening}"]
    for turn in range(1, MAX_TURNS + 1):
        transcript.extend(f"BOT: {m['text']}" for m in messages if m.get("text"))
        level = outcome_of(messages)
        if level:
            return Play(vignette["id"], vignette["gold"], level, turn, unrecorded, tuple(transcript))
        question = question_of(messages)
        text = " ".join(m.get("text") or "" for m in messages if m.get("text"))
        said = next((a for q, a in by_text.items() if q and q == _key(text)), None)
        if question:
            reply = by_id.get(question.get("question_id"))
            if reply is None:
                reply = said or next((a for q, a in by_text.items() if q and q in _key(text)), None)
            if reply is None:
                unrecorded += 1
                reply = "en tiedä"
        elif asks_place(messages):
            reply = recording.get("place") or vignette.get("place") or "ohita"
        elif said is not None:
            reply = said  # e.g. the menu after an opening the bot did not understand: the resident's choice
        else:
            return Play(vignette["id"], vignette["gold"], None, turn, unrecorded, tuple(transcript))
        transcript.append(f"RESIDENT: {reply}")
        messages = send(sender, reply)
    return Play(vignette["id"], vignette["gold"], None, MAX_TURNS, unrecorded, tuple(transcript))


def triage_figures(plays: list[Play]) -> dict:
    n = len(plays) or 1
    emergencies = [p for p in plays if p.gold in ("EMERGENCY", "EMERGENCY_DEPT")]
    self_care = [p for p in plays if p.gold == "SELF_CARE"]
    return {
        "n": len(plays),
        "exact": sum(p.predicted == p.gold for p in plays) / n,
        "three_level": sum(p.predicted is not None and collapse(p.predicted) == collapse(p.gold) for p in plays) / n,
        "at_or_above": sum(p.predicted is not None and at_least(p.predicted, p.gold) for p in plays) / n,
        "undertriaged": [p.id for p in emergencies if p.predicted not in ("EMERGENCY", "EMERGENCY_DEPT")],
        "emergencies": len(emergencies),
        "overtriaged": [p.id for p in self_care if p.predicted != "SELF_CARE"],
        "self_care": len(self_care),
        "no_result": [p.id for p in plays if p.predicted is None],
        "unrecorded": sum(p.unrecorded for p in plays),
        "confusion": Counter((p.gold, p.predicted) for p in plays if p.gold != p.predicted),
        "per_level": {lv: (sum(p.predicted == lv for p in plays if p.gold == lv), sum(p.gold == lv for p in plays))
                      for lv in LEVELS},
    }


def format_triage(figures: dict, title: str) -> str:
    lines = [f"triage vignettes ({title}): n={figures['n']} exact={figures['exact']:.3f} "
             f"three-level={figures['three_level']:.3f} at-or-above-gold={figures['at_or_above']:.3f}",
             f"  emergencies undertriaged: {len(figures['undertriaged'])}/{figures['emergencies']} {figures['undertriaged']}",
             f"  self-care overtriaged: {len(figures['overtriaged'])}/{figures['self_care']}",
             f"  no result: {len(figures['no_result'])} {figures['no_result']}",
             f"  questions without a recorded answer (answered 'en tiedä'): {figures['unrecorded']}"]
    for level, (hit, total) in figures["per_level"].items():
        if total:
            lines.append(f"  {level:15s} {hit}/{total}")
    if figures["confusion"]:
        lines.append("  misses (gold -> bot): " + ", ".join(
            f"{g}->{p}: {c}" for (g, p), c in figures["confusion"].most_common()))
    return "\n".join(lines)


def evaluate_triage(name: str, send: Send) -> tuple[list[Play], list[str]]:
    plays, missing = [], []
    for vignette in load_vignettes(name):
        recording = load_recording(name, vignette["id"])
        if recording is None:
            missing.append(vignette["id"])
            continue
        plays.append(replay(vignette, recording, send))
    return plays, missing


def rest_sender(url: str) -> Send:
    """Posts to the REST channel; a 429 (the per-resident rate limit) is waited out."""
    def send(sender: str, message: str) -> list:
        body = json.dumps({"sender": sender, "message": message}).encode()
        for _ in range(5):
            request = urllib.request.Request(f"{url}/webhooks/rest/webhook", data=body,
                                             headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    return json.loads(response.read())
            except urllib.error.HTTPError as error:
                if error.code != 429:
                    raise
                time.sleep(min(60, int(error.headers.get("Retry-After") or 5)))
        raise RuntimeError(f"{url} kept refusing with 429")
    return send


def _run(args: argparse.Namespace, send: Optional[Send]) -> list[str]:
    out = []
    names = list(SETS) if args.set == "all" else [args.set]
    for name in names:
        if not args.triage_only and (SAFETY / f"redflags.{name}.yml").exists():
            alarm = rest_alarm(send) if (send and args.url) else detector_alarm()
            out.append(evaluate_red_flags(name, alarm).format(
                f"{name}, {'whole bot over REST' if args.url else 'detector'}"))
        if not args.redflags_only and send is not None and (SAFETY / f"vignettes.{name}.yml").exists():
            plays, missing = evaluate_triage(name, send)
            out.append(format_triage(triage_figures(plays), name) + (
                f"\n  not yet played (no recording): {len(missing)}" if missing else ""))
            if args.transcripts:
                for play in plays:
                    if play.predicted is None or collapse(play.predicted) != collapse(play.gold):
                        out.append(f"--- {play.id}: gold {play.gold}, bot {play.predicted}\n  " + "\n  ".join(play.transcript))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="neuvokas evaluate-safety", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", choices=(*SETS, "all"), default="all",
                        help="all = " + ", ".join(SETS))
    parser.add_argument("--url")
    parser.add_argument("--redflags-only", action="store_true")
    parser.add_argument("--triage-only", action="store_true")
    parser.add_argument("--transcripts", action="store_true",
                        help="print the replayed conversation of every vignette that missed its three-level class")
    args = parser.parse_args(argv)
    if args.url:
        print("\n".join(_run(args, rest_sender(args.url.rstrip("/")))))
        return 0
    if args.redflags_only:
        print("\n".join(_run(args, None)))
        return 0
    from bot.model import ensure_model
    from bot.settings import Settings
    from bot.stack import Stack, free_port

    model = ensure_model(Settings.from_env().models_dir)
    with tempfile.TemporaryDirectory() as var:
        with Stack(model=model, var_dir=Path(var), rasa_port=free_port(), action_port=free_port(),
                   api_token=secrets.token_urlsafe(16), log_dir=Path(var) / "logs") as stack:
            print("\n".join(_run(args, rest_sender(stack.rasa_url))))
    return 0
