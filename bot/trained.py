"""Small trained weights kept beside the Rasa models and named by a hash of their inputs.

The semantic red-flag detector (`models/redflags-<hash>.npz`) and the triage protocol router
(`models/router-<hash>.npz`) are trained by `make run` / `make test` when what they are trained
from changes. A copy in the repository's models/ serves a process whose NEUVOKAS_MODELS_DIR is
elsewhere (same inputs, same weights), so nothing is trained twice.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

from bot.settings import ROOT

REPOSITORY_MODELS = ROOT / "models"


def ensure_trained(path_in: Callable[[Path], Path], models_dir: Path, train: Callable[[Path], None]) -> Path:
    """The weights for the current inputs in `models_dir`: there already, copied from the
    repository's models/, or trained by `train(path)`; older weights of the same kind are removed."""
    path = path_in(models_dir)
    if path.exists():
        return path
    trained_here = path_in(REPOSITORY_MODELS)
    path.parent.mkdir(parents=True, exist_ok=True)
    if trained_here.exists() and trained_here.resolve() != path.resolve():
        shutil.copyfile(trained_here, path)
        return path
    train(path)
    kind = path.name.split("-", 1)[0]
    for old in models_dir.glob(f"{kind}-*{path.suffix}"):
        if old != path:
            old.unlink(missing_ok=True)
    return path


def find_trained(path_in: Callable[[Path], Path], models_dir: Path) -> Path | None:
    """Weights for the current inputs that already exist, in `models_dir` or the repository's models/."""
    return next((p for p in (path_in(models_dir), path_in(REPOSITORY_MODELS)) if p.exists()), None)
