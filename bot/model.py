"""Training only when the training data or config changed: models are named by a fingerprint."""
from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional

from bot.settings import ROOT

# What a trained model depends on. Custom component code is loaded at run time, not trained.
TRAINING_INPUTS = ("config.yml", "domain.yml", "nlu_data")
KEEP_MODELS = 3
FINETUNE_FRACTION = 0.3  # `rasa train --finetune --epoch-fraction`: the share of the epochs a fine-tune runs


def fingerprint(root: Path = ROOT) -> str:
    """A hash of every training input's path and content."""
    digest = hashlib.sha256()
    for name in TRAINING_INPUTS:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def model_path(models_dir: Path, root: Path = ROOT) -> Path:
    return models_dir / f"neuvokas-{fingerprint(root)}.tar.gz"


def ensure_model(models_dir: Path, root: Path = ROOT, log=print, finetune_from: Optional[Path] = None) -> Path:
    """The model for the current training data, trained first if it does not exist yet.

    With `finetune_from`, the new model starts from that model's weights and trains for a fraction
    of the epochs (`rasa train --finetune`); when Rasa refuses (a new intent, a changed config),
    it trains in full.
    """
    from bot.redflag_semantic import ensure_classifier

    ensure_classifier(models_dir, log=log)
    from bot.triage.router import ensure_router

    ensure_router(models_dir, log=log)
    target = model_path(models_dir, root)
    if target.exists():
        log(f"model up to date: {target.name} (no training needed)")
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "rasa", "train", "--config", "config.yml", "--domain", "domain.yml",
               "--data", "nlu_data", "--out", str(models_dir), "--fixed-model-name", target.name[:-7]]
    started = time.monotonic()
    if finetune_from is not None and finetune_from.exists():
        log(f"training data changed: fine-tuning {finetune_from.name} into {target.name}")
        done = subprocess.run(command + ["--finetune", str(finetune_from), "--epoch-fraction", str(FINETUNE_FRACTION)],
                              cwd=root, env=_training_env())
        if done.returncode == 0 and target.exists():
            log(f"fine-tuned {target.name} in {time.monotonic() - started:.0f} s")
            record_training(target, time.monotonic() - started, "finetune")
            _prune(models_dir, keep={target, finetune_from})
            return target
        log("fine-tuning was not possible (new intents or config?): training in full")
    log(f"training data or config changed: training {target.name}")
    started = time.monotonic()
    subprocess.run(command, cwd=root, check=True, env=_training_env())
    log(f"trained {target.name} in {time.monotonic() - started:.0f} s")
    record_training(target, time.monotonic() - started, "full")
    _prune(models_dir, keep={target})
    return target


def _training_env() -> dict[str, str]:
    """Rasa's telemetry and error reports stay off: nothing leaves the machine."""
    import os

    return {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}


def record_training(model: Path, seconds: float, mode: str) -> None:
    """Keeps how long the model took to train beside it (`<model>.json`), for the benchmark."""
    import json
    import os

    model.with_name(model.name + ".json").write_text(json.dumps(
        {"train_seconds": round(seconds, 1), "mode": mode, "cpus": os.cpu_count()}), encoding="utf-8")


def training_record(model: Path) -> Optional[dict]:
    import json

    path = model.with_name(model.name + ".json")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _prune(models_dir: Path, keep: set[Path]) -> None:
    """Removes old models, never the published one or those a rollback may need (var/models.json)."""
    from bot.editor.publish import Registry
    from bot.settings import Settings

    keep = {p.resolve() for p in keep | Registry(Settings.from_env().var_dir / "models.json").protected()}
    old = sorted(models_dir.glob("neuvokas-*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for path in [p for p in old if p.resolve() not in keep][max(0, KEEP_MODELS - len(keep)):]:
        path.unlink(missing_ok=True)
        path.with_name(path.name + ".json").unlink(missing_ok=True)
