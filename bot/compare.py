"""The benchmark's comparison: Neuvokas against the plain Rasa bot (bot/baseline.py), same load,
same run, reported as ratios; and the README's results table, regenerated from the figures.

`scripts/neuvokas.sh bench` runs it (see bot/bench.py for the rest of the figures).
"""
from __future__ import annotations

import json
import os
import platform
import secrets
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Optional

from bot import baseline
from bot.loadtest import MemorySampler, run_load
from bot.settings import ROOT
from bot.stack import Stack, free_port, http_ok, wait_until

# The targets on this 2-core machine.
TARGET_P95_RATIO = 1.5      # p95 at 50 concurrent residents within 1.5x the plain bot's
TARGET_TURNS_PER_S = 60     # for one Rasa server process
TARGET_RASA_MB = 1536       # Rasa server memory under 1.5 GB
TARGET_CLAIM_P99_MS = 5.0   # with 10,000 chats waiting

README_START = "<!-- bench:start (scripts/neuvokas.sh bench writes this table) -->"
README_END = "<!-- bench:end -->"


@dataclass
class Comparison:
    levels: dict[int, dict[str, dict]] = field(default_factory=dict)  # residents -> bot -> load figures
    memory_mb: dict[str, float] = field(default_factory=dict)          # peak RSS per process
    start_s: dict[str, float] = field(default_factory=dict)
    train_s: dict[str, Optional[float]] = field(default_factory=dict)


class BaselineServer:
    """The plain Rasa bot's server process (in-memory tracker and lock store, REST only)."""

    def __init__(self, model: Path, log_dir: Path) -> None:
        self.model, self.port, self.log_dir = model, free_port(), log_dir
        self.process: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> float:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        self.process = subprocess.Popen(baseline.serve_command(self.model, self.port), cwd=self.model.parent,
                                        env=baseline._env(), start_new_session=True,
                                        stdout=open(self.log_dir / "baseline-rasa.log", "ab"), stderr=subprocess.STDOUT)
        try:
            wait_until(lambda: http_ok(f"{self.url}/"), 400, "baseline Rasa server", self.process)
        except BaseException:
            self.stop()
            raise
        return time.monotonic() - started

    def stop(self) -> None:
        from bot.stack import _terminate

        if self.process is not None:
            _terminate(self.process)


def compare(stack: Stack, residents: list[int], seconds: float, warmup: float, log=print) -> Comparison:
    """Runs the load at each level against Neuvokas (the running `stack`) and the plain bot."""
    result = Comparison()
    model, trained = baseline.ensure_model(log=log)
    result.train_s["baseline"] = trained
    server = BaselineServer(model, stack.log_dir or Path("/tmp"))
    result.start_s["baseline"] = server.start()
    log(f"plain Rasa bot: model {model.name}, server start {result.start_s['baseline']:.1f} s")
    try:
        rasa_pid, action_pid = stack.processes["rasa"].pid, stack.processes["actions"].pid
        samplers = {"neuvokas": MemorySampler({"rasa": rasa_pid, "actions": action_pid}),
                    "baseline": MemorySampler({"rasa": server.process.pid})}
        for sampler in samplers.values():
            sampler.sample()
        result.memory_mb["neuvokas_rasa_idle"] = samplers["neuvokas"].last["rasa"]
        result.memory_mb["baseline_rasa_idle"] = samplers["baseline"].last["rasa"]
        for sampler in samplers.values():
            sampler.start()
        for level in residents:
            result.levels[level] = {}
            for name, url in (("neuvokas", stack.rasa_url), ("baseline", server.url)):
                figures = run_load(url, level, seconds=seconds, warmup=warmup, prefix=f"bench-{name}-{level}")
                result.levels[level][name] = {**figures.as_dict(), "error_kinds": figures.error_kinds}
                log(f"  {level:3d} residents, {name:8s}: {figures.turns_per_s:5.1f} turns/s, p50 "
                    f"{figures.p(0.5):6.0f} ms, p95 {figures.p(0.95):6.0f} ms, p99 {figures.p(0.99):6.0f} ms, "
                    f"errors {figures.errors}")
        for sampler in samplers.values():
            sampler.stop()
        result.memory_mb["neuvokas_rasa"] = samplers["neuvokas"].peak["rasa"]
        result.memory_mb["neuvokas_actions"] = samplers["neuvokas"].peak["actions"]
        result.memory_mb["baseline_rasa"] = samplers["baseline"].peak["rasa"]
    finally:
        server.stop()
    return result


def _fmt(value: Optional[float], unit: str, digits: int = 0) -> str:
    return "–" if value is None else f"{value:,.{digits}f} {unit}".replace(",", " ")


def table(c: Comparison, queue: dict, channels: Optional[dict], command: str) -> tuple[str, list[str]]:
    """The README table and the list of missed targets."""
    rows, missed = [], []
    top = max(c.levels)
    for level, bots in sorted(c.levels.items()):
        ours, plain = bots["neuvokas"], bots["baseline"]
        ratio = ours["p95_ms"] / plain["p95_ms"] if plain["p95_ms"] else float("nan")
        target = ""
        if level == 50 or (level == top and 50 not in c.levels):
            ok = ratio <= TARGET_P95_RATIO
            target = f"≤ {TARGET_P95_RATIO}× {'✓' if ok else '✗ missed'}"
            if not ok:
                missed.append(f"p95 at {level} residents is {ratio:.2f}× the plain bot's (target ≤ {TARGET_P95_RATIO}×)")
        rows.append((f"turn latency p50 / p95 / p99, {level} concurrent resident{'s' if level > 1 else ''}",
                     f"{ours['p50_ms']:.0f} / {ours['p95_ms']:.0f} / {ours['p99_ms']:.0f} ms",
                     f"{plain['p50_ms']:.0f} / {plain['p95_ms']:.0f} / {plain['p99_ms']:.0f} ms",
                     f"p95 {ratio:.2f}×", target))
    ours, plain = c.levels[top]["neuvokas"], c.levels[top]["baseline"]
    ok = ours["turns_per_s"] >= TARGET_TURNS_PER_S
    if not ok:
        missed.append(f"{ours['turns_per_s']:.1f} turns/s for one Rasa server process (target ≥ {TARGET_TURNS_PER_S})")
    rows.append((f"throughput, {top} residents, one Rasa server process", f"{ours['turns_per_s']:.1f} turns/s",
                 f"{plain['turns_per_s']:.1f} turns/s", f"{ours['turns_per_s'] / plain['turns_per_s']:.2f}×",
                 f"≥ {TARGET_TURNS_PER_S} {'✓' if ok else '✗ missed'}"))
    errors = sum(b["neuvokas"]["errors"] for b in c.levels.values())
    rows.append(("errors (all levels)", str(errors), str(sum(b["baseline"]["errors"] for b in c.levels.values())),
                 "", "0 " + ("✓" if errors == 0 else "✗")))
    if errors:
        missed.append(f"{errors} failed turns")
    rasa = c.memory_mb["neuvokas_rasa"]
    ok = rasa < TARGET_RASA_MB
    if not ok:
        missed.append(f"Rasa server memory {rasa:.0f} MB (target < {TARGET_RASA_MB} MB)")
    rows.append(("Rasa server memory, peak under load (idle)", f"{rasa:.0f} MB ({c.memory_mb['neuvokas_rasa_idle']:.0f})",
                 f"{c.memory_mb['baseline_rasa']:.0f} MB ({c.memory_mb['baseline_rasa_idle']:.0f})",
                 f"{rasa / c.memory_mb['baseline_rasa']:.2f}×", f"< 1.5 GB {'✓' if ok else '✗ missed'}"))
    rows.append(("action server memory, peak", f"{c.memory_mb['neuvokas_actions']:.0f} MB", "(none)", "", ""))
    rows.append(("server start (Neuvokas: Redis, action server, Rasa)", _fmt(c.start_s.get("neuvokas"), "s", 1),
                 _fmt(c.start_s.get("baseline"), "s", 1),
                 f"{c.start_s['neuvokas'] / c.start_s['baseline']:.2f}×" if c.start_s.get("baseline") else "", ""))
    train_ours, train_plain = c.train_s.get("neuvokas"), c.train_s.get("baseline")
    rows.append(("full training", _fmt(train_ours, "s"), _fmt(train_plain, "s"),
                 f"{train_ours / train_plain:.2f}×" if train_ours and train_plain else "", ""))
    claim = queue["claim"]["p99"]
    ok = claim < TARGET_CLAIM_P99_MS
    if not ok:
        missed.append(f"claim p99 {claim:.2f} ms with {queue['waiting_after']} waiting (target < 5 ms)")
    waiting = f"{queue['waiting_after']:,}".replace(",", " ")
    rows.append((f"handoff queue with {waiting} chats waiting: enqueue / position / claim p99",
                 f"{queue['enqueue']['p99']:.2f} / {queue['position']['p99']:.2f} / {claim:.2f} ms", "", "",
                 f"claim < 5 ms {'✓' if ok else '✗ missed'}"))
    if channels:  # the same short turns through each channel, one conversation each
        rows.append(("one turn through each channel, p50: REST / web chat POST / web chat SSE push / Telegram "
                     "update to first sendMessage",
                     " / ".join(f"{channels[k]['p50_ms']:.0f}" for k in ("rest", "web_post", "web_push",
                                                                          "telegram_first_send")) + " ms",
                     "", "", ""))
    lines = [README_START,
             f"Measured {date.today().isoformat()} on this machine ({os.cpu_count()} cores, Python "
             f"{platform.python_version()}) by `{command}`; both bots under the same load in the same run.",
             "Latency is per resident turn (request to full reply) with the residents writing without pauses, so at"
             " 10 and 50 residents it is mostly waiting in line: throughput is the server's capacity.",
             "", "| figure | Neuvokas | plain Rasa 3.6 bot | ratio | target |", "|---|---|---|---|---|"]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    lines.append(README_END)
    return "\n".join(lines), missed


def write_readme(text: str, readme: Path = ROOT / "README.md") -> bool:
    content = readme.read_text(encoding="utf-8")
    if README_START not in content or README_END not in content:
        return False
    start = content.index(README_START)
    end = content.index(README_END) + len(README_END)
    readme.write_text(content[:start] + text + content[end:], encoding="utf-8")
    return True


def load_saved(path: Path) -> tuple[Comparison, dict, Optional[dict]]:
    """The figures `save` wrote, to render the table again (`bench --table-only`)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    c = data["comparison"]
    comparison = Comparison(levels={int(k): v for k, v in c["levels"].items()}, memory_mb=c["memory_mb"],
                            start_s=c["start_s"], train_s=c["train_s"])
    return comparison, data["queue"], data.get("channels")


def save(path: Path, **figures) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=2, default=lambda o: o.__dict__), encoding="utf-8")
