"""Evaluates a trained model on the held-out set and the red-flag cases: per-intent precision,
recall and F1, a confusion matrix picture, and the comparison that gates publishing."""
from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import yaml

from bot.settings import ROOT

HELDOUT = ROOT / "bot" / "data" / "nlu_heldout.yml"
RED_FLAG_CASES = ROOT / "bot" / "data" / "red_flag_cases.yml"
RED_FLAG_INTENTS = ("red_flag", "red_flag_unsure")  # rasa_components.red_flags; bot/ does not import Rasa
TOLERANCE = 0.0  # a candidate may not be worse than production by any amount, unless forced


@dataclass
class Comparison:
    worse: list[str]
    better: list[str]

    @property
    def acceptable(self) -> bool:
        return not self.worse


def parser_for(model: Path) -> Callable[[str], dict]:
    """Loads the model in this process (as the Rasa server does) and returns a parse function."""
    from rasa.core.agent import Agent

    logging.getLogger("rasa").setLevel(logging.WARNING)
    agent = Agent.load(str(model))
    loop = asyncio.new_event_loop()
    return lambda text: loop.run_until_complete(agent.parse_message(text))


def evaluate(parse: Callable[[str], dict], model_name: str = "", picture: Optional[Path] = None) -> dict:
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    heldout = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))
    gold, predicted = [], []
    for intent, texts in heldout.items():
        for text in texts:
            gold.append(intent)
            predicted.append(parse(text)["intent"]["name"])
    labels = sorted(set(gold) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(gold, predicted, labels=labels, zero_division=0)
    per_intent = {label: {"precision": round(float(p), 3), "recall": round(float(r), 3), "f1": round(float(f), 3),
                          "support": int(s)}
                  for label, p, r, f, s in zip(labels, precision, recall, f1, support) if label in heldout}
    cases = yaml.safe_load(RED_FLAG_CASES.read_text(encoding="utf-8"))
    caught = 0
    for case in cases["red_flags"]:
        result = parse(case["text"])
        flags = [e["value"] for e in result.get("entities") or [] if e.get("entity") == "red_flag"]
        caught += result["intent"]["name"] in RED_FLAG_INTENTS and case["flag"] in flags
    false_alarms = sum(parse(text)["intent"]["name"] in RED_FLAG_INTENTS for text in cases["near_misses"])
    matrix = confusion_matrix(gold, predicted, labels=labels)
    report = {
        "model": model_name, "n": len(gold),
        "accuracy": round(sum(g == p for g, p in zip(gold, predicted)) / len(gold), 4),
        "macro_f1": round(sum(v["f1"] for v in per_intent.values()) / len(per_intent), 4),
        "per_intent": per_intent,
        "red_flags": {"cases": len(cases["red_flags"]), "caught": int(caught),
                      "near_misses": len(cases["near_misses"]), "false_alarms": int(false_alarms)},
        "errors": [{"gold": g, "predicted": p} for g, p in zip(gold, predicted) if g != p],
        "labels": labels, "confusion": matrix.tolist(),
    }
    if picture is not None:
        draw_confusion(report, picture)
    return report


def draw_confusion(report: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels, matrix = report["labels"], report["confusion"]
    figure, axes = plt.subplots(figsize=(9, 8), dpi=100)
    image = axes.imshow(matrix, cmap="Blues")
    axes.set_xticks(range(len(labels)), labels, rotation=60, ha="right", fontsize=8)
    axes.set_yticks(range(len(labels)), labels, fontsize=8)
    axes.set_xlabel("ennustettu intentti")
    axes.set_ylabel("oikea intentti")
    axes.set_title(f"Sekaannusmatriisi, testijoukko (n={report['n']}), tarkkuus {report['accuracy']:.3f}")
    top = max(max(row) for row in matrix) or 1
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            if value:
                axes.text(j, i, str(value), ha="center", va="center", fontsize=7,
                          color="white" if value > top / 2 else "black")
    figure.colorbar(image, ax=axes, fraction=0.046)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)


def compare(candidate: dict, production: dict, tolerance: float = TOLERANCE) -> Comparison:
    """Where the candidate is worse or better than production (held-out and red-flag figures)."""
    worse, better = [], []
    for key, name in (("accuracy", "tarkkuus"), ("macro_f1", "makro-F1")):
        delta = candidate[key] - production[key]
        if delta < -tolerance:
            worse.append(f"{name} {production[key]:.3f} → {candidate[key]:.3f}")
        elif delta > tolerance:
            better.append(f"{name} {production[key]:.3f} → {candidate[key]:.3f}")
    c, p = candidate["red_flags"], production["red_flags"]
    if c["caught"] < p["caught"]:
        worse.append(f"hätämerkkejä tunnistettu {p['caught']} → {c['caught']}/{c['cases']}")
    if c["false_alarms"] > p["false_alarms"]:
        worse.append(f"vääriä hätähälytyksiä {p['false_alarms']} → {c['false_alarms']}/{c['near_misses']}")
    return Comparison(worse, better)


def save(report: dict, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "report.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return path
