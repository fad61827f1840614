"""The plain Rasa bot the benchmark compares Neuvokas with: Rasa 3.6's default pipeline and
policies (what Rasa fills in for an empty `pipeline:` and `policies:`), Neuvokas's intents,
entities and NLU training examples, one fixed answer per intent (a rule each) and a two-turn story
per intent, so that Rasa's default dialogue policies (TED, UnexpecTED) are trained and run. No spaCy, no
custom components or actions, no tracker or lock store beyond Rasa's in-memory defaults, no
channels but REST: what a team would start from with `rasa init` and the same data.

The command builds it in `var/bench/baseline/` and trains it there when its inputs changed
(the model is named by a fingerprint of them, like Neuvokas's own).
"""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional

import yaml

from bot.model import record_training, training_record
from bot.settings import ROOT

CONFIG = """# Rasa's default configuration: an empty pipeline and policies are filled in by Rasa
# (WhitespaceTokenizer, RegexFeaturizer, LexicalSyntacticFeaturizer, two CountVectorsFeaturizers,
# DIETClassifier, EntitySynonymMapper, ResponseSelector, FallbackClassifier; MemoizationPolicy,
# RulePolicy, UnexpecTEDIntentPolicy, TEDPolicy).
recipe: default.v1
assistant_id: neuvokas-baseline
language: fi
pipeline:
policies:
"""


def _intents_with_examples(nlu_files: list[Path]) -> list[str]:
    intents = []
    for path in nlu_files:
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            if "intent" in item and item["intent"] not in intents:
                intents.append(item["intent"])
    return intents


def build(folder: Path, source: Path = ROOT) -> Path:
    """Writes the baseline project into `folder` (config, domain, data); returns the folder."""
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "data").mkdir(parents=True)
    nlu_files = sorted((source / "nlu_data" / "nlu").glob("*.yml"))
    for path in nlu_files:
        shutil.copy(path, folder / "data" / path.name)
    domain_source = yaml.safe_load((source / "domain.yml").read_text(encoding="utf-8"))
    intents = _intents_with_examples(nlu_files)
    responses = {f"utter_{intent}": [{"text": f"[{intent}] Kiitos viestistä."}] for intent in intents}
    responses["utter_default"] = [{"text": "En ymmärtänyt. Voitko sanoa toisin?"}]
    domain = {"version": "3.1", "intents": intents, "entities": domain_source.get("entities", []),
              "responses": responses,
              "session_config": {"session_expiration_time": 60, "carry_over_slots_to_new_session": True}}
    (folder / "domain.yml").write_text(yaml.safe_dump(domain, allow_unicode=True, sort_keys=False), encoding="utf-8")
    rules = [{"rule": f"answer {intent}", "steps": [{"intent": intent}, {"action": f"utter_{intent}"}]}
             for intent in intents]
    rules.append({"rule": "not understood", "steps": [{"intent": "nlu_fallback"}, {"action": "utter_default"}]})
    # Stories too, as `rasa init` has: without them TED and UnexpecTED would have nothing to learn
    # and the plain bot would run only its rules, not Rasa's default dialogue policies.
    stories = [{"story": f"{intent} then thanks", "steps": [{"intent": intent}, {"action": f"utter_{intent}"},
                                                            {"intent": "thanks"}, {"action": "utter_thanks"}]}
               for intent in intents if intent != "thanks"]
    (folder / "data" / "stories.yml").write_text(yaml.safe_dump({"version": "3.1", "stories": stories},
                                                                allow_unicode=True, sort_keys=False), encoding="utf-8")
    (folder / "data" / "rules.yml").write_text(yaml.safe_dump({"version": "3.1", "rules": rules}, allow_unicode=True,
                                                               sort_keys=False), encoding="utf-8")
    (folder / "config.yml").write_text(CONFIG, encoding="utf-8")
    return folder


def fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*.yml") if "models" not in p.parts):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def ensure_model(work: Optional[Path] = None, log=print) -> tuple[Path, Optional[float]]:
    """The trained baseline model, and how long its training took (recorded beside it)."""
    work = work or ROOT / "var" / "bench" / "baseline"
    project = build(work / "project")
    name = f"baseline-{fingerprint(project)}"
    model = work / "models" / f"{name}.tar.gz"
    if model.exists():
        record = training_record(model)
        return model, (record or {}).get("train_seconds")
    log(f"training the plain Rasa baseline bot ({project}); this takes a few minutes")
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "rasa", "train", "--config", "config.yml", "--domain", "domain.yml",
                    "--data", "data", "--out", str(work / "models"), "--fixed-model-name", name],
                   cwd=project, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                   env=_env())
    seconds = time.monotonic() - started
    record_training(model, seconds, "full")
    for old in (work / "models").glob("baseline-*"):  # earlier baselines
        if not old.name.startswith(name):
            old.unlink(missing_ok=True)
    return model, seconds


def serve_command(model: Path, port: int, host: str = "127.0.0.1") -> list[str]:
    return [sys.executable, "-m", "rasa", "run", "--model", str(model), "--port", str(port), "--interface", host]


def _env() -> dict[str, str]:
    import os

    env = dict(os.environ)
    env.update({"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
                "SQLALCHEMY_SILENCE_UBER_WARNING": "1"})
    return env
