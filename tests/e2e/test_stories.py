"""Story tests of the main paths: `rasa test core --fail-on-prediction-errors` on tests/stories."""
import subprocess
import sys

from bot.settings import ROOT


def test_story_tests_pass_without_prediction_errors(model_path, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "test", "core", "--model", str(model_path),
         "--stories", "tests/stories", "--fail-on-prediction-errors", "--out", str(tmp_path),
         "--endpoints", str(tmp_path / "no-endpoints.yml")],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    report = (tmp_path / "failed_test_stories.yml")
    failed = report.read_text() if report.exists() else ""
    assert result.returncode == 0, f"{failed}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    assert "# None of the test stories failed" in failed or failed.strip() == ""
