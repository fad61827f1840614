"""A model is trained only when the training data or config changed."""
import shutil

from bot.model import ensure_model, fingerprint
from bot.settings import ROOT


def _copy_inputs(tmp_path):
    tmp_path.mkdir(parents=True, exist_ok=True)
    for name in ("config.yml", "domain.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "nlu_data", tmp_path / "nlu_data")
    return tmp_path


def test_fingerprint_is_stable_and_tracks_changes(tmp_path):
    root = _copy_inputs(tmp_path)
    first = fingerprint(root)
    assert fingerprint(root) == first
    (root / "README.md").write_text("not a training input")
    assert fingerprint(root) == first
    with open(root / "nlu_data" / "nlu" / "smalltalk.yml", "a") as f:
        f.write("    - moikkelis\n")
    assert fingerprint(root) != first


def test_existing_model_is_reused_without_training(tmp_path):
    root = _copy_inputs(tmp_path / "project")
    models = tmp_path / "models"
    models.mkdir()
    existing = models / f"neuvokas-{fingerprint(root)}.tar.gz"
    existing.write_bytes(b"model")
    messages = []
    assert ensure_model(models, root, log=messages.append) == existing
    assert any("no training needed" in m for m in messages)
