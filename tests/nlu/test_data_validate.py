"""The training data and domain pass `rasa data validate` (errors fail; known warnings are listed)."""
import subprocess
import sys

from bot.settings import ROOT


def test_rasa_data_validate_passes():
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "data", "validate", "--domain", "domain.yml", "--data", "nlu_data",
         "--config", "config.yml"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
