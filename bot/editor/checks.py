"""The project's own data checks, run by `editor validate` next to `rasa data validate`."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import yaml

from bot.editor.training_data import examples, plain
from bot.settings import ROOT

HELDOUT = ROOT / "bot" / "data" / "nlu_heldout.yml"


def check(root: Path = ROOT) -> list[str]:
    """Problems in the training data (Finnish, one per line); empty when all is well."""
    problems = []
    by_text: dict[str, set[str]] = defaultdict(set)
    for intent, items in examples(root).items():
        seen: dict[str, int] = defaultdict(int)
        for example, _ in items:
            seen[plain(example)] += 1
            by_text[plain(example)].add(intent)
        problems += [f"kaksoiskappale intentissä {intent}: \"{text}\" ({count} kertaa)"
                     for text, count in seen.items() if count > 1]
        if len(items) < 5:
            problems.append(f"intentissä {intent} on vain {len(items)} esimerkkiä (vähintään 5)")
    problems += [f"sama esimerkki kahdessa intentissä ({', '.join(sorted(intents))}): \"{text}\""
                 for text, intents in by_text.items() if len(intents) > 1]
    heldout = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))
    problems += [f"testijoukon lause on opetusdatassa: \"{text}\"" for texts in heldout.values() for text in texts
                 if plain(text) in by_text]
    from bot.triage.protocol import validate_directory

    problems += [f"oirekysely: {p}" for p in validate_directory()]
    return problems
