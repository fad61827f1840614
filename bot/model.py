"""Training only when the training data or config changed: models are named by a fingerprint."""
from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from pathlib import Path

from bot.settings import ROOT

# What a trained model depends on. Custom component code is loaded at run time, not trained.
TRAINING_INPUTS = ("config.yml", "domain.yml", "nlu_data")
KEEP_MODELS = 3


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


def ensure_model(models_dir: Path, root: Path = ROOT, log=print) -> Path:
    """The model for the current training data, trained first if it does not exist yet."""
    target = model_path(models_dir, root)
    if target.exists():
        log(f"model up to date: {target.name} (no training needed)")
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    log(f"training data or config changed: training {target.name}")
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "rasa", "train", "--config", "config.yml", "--domain", "domain.yml",
         "--data", "nlu_data", "--out", str(models_dir), "--fixed-model-name", target.name[:-7]],
        cwd=root, check=True,
    )
    log(f"trained {target.name} in {time.monotonic() - started:.0f} s")
    _prune(models_dir, keep=target)
    return target


def _prune(models_dir: Path, keep: Path) -> None:
    old = sorted(models_dir.glob("neuvokas-*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for path in [p for p in old if p != keep][KEEP_MODELS - 1:]:
        path.unlink(missing_ok=True)
