"""A load generator: many residents chatting at once over the REST channel.

Each simulated resident runs realistic conversations one after another (service questions, triage
dialogues, small talk, mixed as in the scripts below), sending a message when the bot has
answered the previous one (no think time: the figures are the server's capacity, not a day's
traffic). Per-turn latency, throughput and errors are counted over a measured window after a
warm-up; the memory of the given server processes is sampled meanwhile.
"""
from __future__ import annotations

import asyncio
import itertools
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Optional

import aiohttp

# Conversations in the order a resident would write them; every resident starts at a different one.
CONVERSATIONS: list[list[str]] = [
    # service questions
    ["moi", "missä on lähin hammashoitola", "asun Imatralla", "kiitos"],
    ["Imatran terveysaseman puhelinnumero", "onko se auki nyt", "kiitos paljon"],
    ["onko labra auki nyt", "asun Lappeenrannassa", "entä neuvola?", "hei hei"],
    ["sosiaalitoimiston numero Lemillä", "kiitti"],
    ["missä voin käydä verikokeissa", "Savitaipale", "kiitos"],
    ["perheneuvola Imatralla", "mitä osaat", "kiitos"],
    # triage dialogues
    ["mulla on ollut kuumetta neljä päivää", "aikuinen", "ei", "ei", "ei", "ei", "ei", "Joutsenossa", "kiitos"],
    ["korva on kipeä", "aikuinen", "ei", "ei", "ei", "ei", "Lappeenranta"],
    ["rahat loppu enkä saa ruokaa", "ei", "ei", "Imatra", "kiitti"],
    ["lapsella on kuumetta", "alle 3 kk", "kiitos"],
    # small talk and the unexpected
    ["hei", "ootko botti", "kerro vitsi", "mitä osaat", "moikka"],
    ["kiitos avusta", "hyvää päivänjatkoa"],
    ["rintaa puristaa kovasti", "kiitos"],
]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class LoadResult:
    residents: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)

    @property
    def turns(self) -> int:
        return len(self.latencies_ms)

    @property
    def turns_per_s(self) -> float:
        return self.turns / self.seconds if self.seconds else 0.0

    def p(self, q: float) -> float:
        return percentile(self.latencies_ms, q)

    def as_dict(self) -> dict:
        return {"residents": self.residents, "seconds": round(self.seconds, 1), "turns": self.turns,
                "turns_per_s": round(self.turns_per_s, 1), "errors": self.errors,
                "p50_ms": round(self.p(0.50), 1), "p95_ms": round(self.p(0.95), 1), "p99_ms": round(self.p(0.99), 1)}


async def _resident(number: int, session: aiohttp.ClientSession, url: str, result: LoadResult,
                    measure_from: float, stop_at: float, prefix: str) -> None:
    for round_ in itertools.count():
        conversation = CONVERSATIONS[(number + round_) % len(CONVERSATIONS)]
        sender = f"{prefix}-{number}-{round_}-{secrets.token_hex(3)}"
        for text in conversation:
            if time.monotonic() >= stop_at:
                return
            started = time.monotonic()
            kind = None
            try:
                async with session.post(url, json={"sender": sender, "message": text}) as response:
                    body = await response.json(content_type=None)
                    if response.status != 200:
                        kind = f"HTTP {response.status}"
                    elif not body:
                        kind = "no answer"
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
                kind = type(error).__name__
            ended = time.monotonic()
            if started >= measure_from and ended <= stop_at:
                result.latencies_ms.append((ended - started) * 1000)
                if kind:
                    result.errors += 1
                    result.error_kinds[kind] = result.error_kinds.get(kind, 0) + 1
            if kind:
                await asyncio.sleep(0.5)


async def _run(url: str, residents: int, seconds: float, warmup: float, prefix: str) -> LoadResult:
    result = LoadResult(residents=residents, seconds=seconds)
    timeout = aiohttp.ClientTimeout(total=120)
    connector = aiohttp.TCPConnector(limit=residents + 5)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        start = time.monotonic()
        measure_from, stop_at = start + warmup, start + warmup + seconds
        await asyncio.gather(*(_resident(n, session, url, result, measure_from, stop_at, prefix)
                               for n in range(residents)))
    return result


def run_load(base_url: str, residents: int, seconds: float = 30, warmup: float = 5,
             prefix: Optional[str] = None) -> LoadResult:
    """`residents` concurrent residents for `warmup` + `seconds`; only the last `seconds` count."""
    url = base_url.rstrip("/") + "/webhooks/rest/webhook"
    return asyncio.run(_run(url, residents, seconds, warmup, prefix or f"load-{secrets.token_hex(3)}"))


def rss_mb(pid: int) -> float:
    """Resident memory (RSS) of a process and its children, in MB; 0 when it is gone."""
    import psutil

    try:
        process = psutil.Process(pid)
        return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)]) / 2 ** 20
    except psutil.Error:
        return 0.0


class MemorySampler(threading.Thread):
    """Samples the memory of named processes every `interval` seconds; `peak` and `last` in MB."""

    def __init__(self, pids: dict[str, int], interval: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.pids, self.interval = pids, interval
        self.peak = {name: 0.0 for name in pids}
        self.last = {name: 0.0 for name in pids}
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(self.interval)

    def sample(self) -> None:
        for name, pid in self.pids.items():
            value = rss_mb(pid)
            self.last[name] = value
            self.peak[name] = max(self.peak[name], value)

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=5)
        self.sample()

