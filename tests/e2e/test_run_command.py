"""The run command: starts Redis (AOF under var/), actions, Rasa and the advisor console, prints URLs,
stops all on Ctrl-C."""
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bot.settings import ROOT
from bot.stack import free_port


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_run_starts_everything_and_ctrl_c_stops_it(model_path, tmp_path):
    rasa_port, console_port = free_port(), free_port()
    env = {**os.environ, "RASA_PORT": str(rasa_port), "ACTION_PORT": str(free_port()), "CONSOLE_PORT": str(console_port),
           "NEUVOKAS_VAR_DIR": str(tmp_path / "var"), "RASA_API_TOKEN": "t"}
    env.pop("REDIS_URL", None)
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    try:
        deadline = time.monotonic() + 420
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
            lines.append(line)
            if "Ctrl-C stops everything" in line:
                break
        output = "".join(lines)
        assert "Ctrl-C stops everything" in output, output[-3000:]
        assert "no training needed" in output
        assert f"http://127.0.0.1:{rasa_port}/webhooks/webchat/" in output
        assert f"advisor console: http://127.0.0.1:{console_port}/" in output
        assert "no advisor accounts yet: scripts/neuvokas.sh users add" in output
        with urllib.request.urlopen(f"http://127.0.0.1:{console_port}/health", timeout=30) as response:
            assert json.loads(response.read()) == {"status": "ok", "redis": True}

        request = urllib.request.Request(
            f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook",
            data=json.dumps({"sender": "run-test", "message": "moi"}).encode(),
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            assert json.loads(response.read())[0]["text"]
        redis_dir = tmp_path / "var" / "redis"
        assert any(p.name.startswith("appendonly") for p in redis_dir.iterdir())

        children = _children(process.pid)
        assert len(children) == 4, children  # redis, action server, rasa, console
        process.send_signal(signal.SIGINT)
        rest = process.communicate(timeout=60)[0]
        assert process.returncode == 0, rest
        assert "stopped" in rest
        time.sleep(0.5)
        assert not [pid for pid in children if _alive(pid)]
    finally:
        leftovers = _children(process.pid)
        if process.poll() is None:
            process.kill()
        for pid in leftovers:  # a failed assertion must not leave the stack's processes running
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
