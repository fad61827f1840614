"""NLU quality on the held-out set (bot/data/nlu_heldout.yml), through the running model."""
from collections import Counter
from pathlib import Path

import yaml

HELDOUT = Path(__file__).resolve().parents[2] / "bot" / "data" / "nlu_heldout.yml"


def evaluate(parse) -> dict:
    data = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))
    pairs = [(gold, parse(text)["intent"]["name"]) for gold, texts in data.items() for text in texts]
    tp, fp, fn = Counter(), Counter(), Counter()
    for gold, predicted in pairs:
        if gold == predicted:
            tp[gold] += 1
        else:
            fn[gold] += 1
            fp[predicted] += 1
    f1 = {}
    for intent in data:
        precision = tp[intent] / (tp[intent] + fp[intent]) if tp[intent] + fp[intent] else 0.0
        recall = tp[intent] / (tp[intent] + fn[intent]) if tp[intent] + fn[intent] else 0.0
        f1[intent] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    oos = [p for g, p in pairs if g == "out_of_scope"]
    return {
        "n": len(pairs),
        "accuracy": sum(g == p for g, p in pairs) / len(pairs),
        "macro_f1": sum(f1.values()) / len(f1),
        "oos_recall": sum(p == "out_of_scope" for p in oos) / len(oos),
        "f1": f1,
        "errors": [(g, p) for g, p in pairs if g != p],
    }


def test_heldout_set_is_big_enough_and_never_trained_on():
    data = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))
    assert sum(len(v) for v in data.values()) >= 200
    root = Path(__file__).resolve().parents[2]
    training = "\n".join(p.read_text(encoding="utf-8").lower() for p in (root / "nlu_data").rglob("*.yml"))
    trained = {line.strip()[2:].strip() for line in training.splitlines() if line.strip().startswith("- ")}
    overlap = [t for texts in data.values() for t in texts if t.lower() in trained]
    assert not overlap, f"held-out utterances found in training data: {overlap}"


def test_heldout_accuracy_and_out_of_scope_recall(client):
    texts = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))
    result = evaluate(client.parse)
    print(f"\nheld-out NLU: n={result['n']} accuracy={result['accuracy']:.3f} "
          f"macro-F1={result['macro_f1']:.3f} out_of_scope recall={result['oos_recall']:.3f}")
    for intent, value in sorted(result["f1"].items()):
        print(f"  F1 {intent:18s} {value:.3f}")
    print(f"  errors (gold -> predicted): {Counter(result['errors']).most_common()}")
    assert texts and result["accuracy"] >= 0.90
    assert result["oos_recall"] >= 0.85
