"""Latency of sequential resident turns over the REST channel (figures, not a pass/fail test).

    scripts/neuvokas.sh bench [--turns 200] [--url http://127.0.0.1:5005]

Without --url it starts its own stack (and reports the start time) on free ports.
"""
from __future__ import annotations

import argparse
import json
import secrets
import statistics
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path

from bot.model import ensure_model
from bot.settings import Settings
from bot.stack import Stack, free_port

# Realistic resident turns, in conversation order; a new resident every conversation.
CONVERSATIONS = [
    ["moi", "missä on lähin hammaslääkäri", "asun Imatralla", "kiitos"],
    ["lapsella on kuumetta", "haluan puhua ihmisen kanssa", "heippa"],
    ["mitä osaat", "onko labra auki Taavetissa", "entä neuvola?"],
    ["rahat loppu enkä saa ruokaa", "kiitti"],
    ["kerro vitsi", "ootko botti", "rintaa puristaa kovasti"],
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def run_turns(url: str, turns: int) -> dict:
    latencies, errors, done, conversation = [], 0, 0, 0
    while done < turns:
        sender = f"bench-{conversation}-{secrets.token_hex(4)}"
        for text in CONVERSATIONS[conversation % len(CONVERSATIONS)]:
            if done >= turns:
                break
            body = json.dumps({"sender": sender, "message": text}).encode()
            request = urllib.request.Request(f"{url}/webhooks/rest/webhook", data=body,
                                             headers={"Content-Type": "application/json"})
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    ok = response.status == 200 and json.loads(response.read())
            except OSError:
                ok = False
            latencies.append((time.perf_counter() - started) * 1000)
            errors += 0 if ok else 1
            done += 1
        conversation += 1
    return {"turns": done, "errors": errors, "p50_ms": percentile(latencies, 0.50),
            "p95_ms": percentile(latencies, 0.95), "mean_ms": statistics.mean(latencies),
            "max_ms": max(latencies)}


def directory_figures(queries: int = 2000) -> dict:
    """Import time of the demo data and of a generated 10,000-channel PTV file; query latency."""
    import json as _json
    import random

    from bot.directory.hours import HELSINKI
    from bot.directory.ptv import load_file, load_records
    from bot.directory.store import BUNDLED, Directory
    from bot.lexicon import default_lexicon
    from bot.places import default_gazetteer

    default_gazetteer(), default_lexicon()  # loaded once per process anyway; not import time
    started = time.perf_counter()
    demo = load_file(BUNDLED / "etela-karjala-demo.json")
    demo_s = time.perf_counter() - started
    template = _json.loads((BUNDLED / "etela-karjala-demo.json").read_text(encoding="utf-8"))["itemList"]
    generated = [{**template[i % len(template)], "id": f"generated-{i}"} for i in range(10_000)]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        _json.dump({"itemList": generated}, handle)
    started = time.perf_counter()
    big = load_file(Path(handle.name))
    big_s = time.perf_counter() - started
    Path(handle.name).unlink()
    directory = Directory(demo.imported)
    places = default_gazetteer().places
    types = sorted(directory.service_types())
    rng = random.Random(7)
    moment = datetime.now(tz=HELSINKI)
    latencies = []
    for _ in range(queries):
        place, service_type = rng.choice(places), rng.choice(types)
        t0 = time.perf_counter()
        directory.nearest(service_type, (place.lat, place.lon), place.municipality, moment)
        directory.remote(service_type, place.municipality, moment)
        latencies.append((time.perf_counter() - t0) * 1000)
    return {"demo_channels": len(demo.imported), "demo_import_s": demo_s, "big_channels": len(big.imported),
            "big_import_s": big_s, "query_p50_ms": percentile(latencies, 0.5), "query_p95_ms": percentile(latencies, 0.95)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="neuvokas bench", description=__doc__)
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--url", help="an already running Rasa server")
    parser.add_argument("--directory-only", action="store_true", help="only the service directory figures")
    args = parser.parse_args(argv)
    figures = directory_figures()
    print(f"directory: demo import {figures['demo_channels']} channels in {figures['demo_import_s']:.2f} s; "
          f"generated PTV file {figures['big_channels']} channels in {figures['big_import_s']:.2f} s; "
          f"query (nearest + phone/e-services) p50 {figures['query_p50_ms']:.2f} ms, p95 {figures['query_p95_ms']:.2f} ms")
    if args.directory_only:
        return 0
    if args.url:
        result = run_turns(args.url.rstrip("/"), args.turns)
    else:
        model = ensure_model(Settings.from_env().models_dir)
        with tempfile.TemporaryDirectory() as var:
            stack = Stack(model=model, var_dir=Path(var), rasa_port=free_port(), action_port=free_port(),
                          api_token=secrets.token_urlsafe(16), log_dir=Path(var) / "logs")
            started = time.monotonic()
            with stack:
                print(f"stack start (Redis, action server, Rasa with model): {time.monotonic() - started:.1f} s")
                run_turns(stack.rasa_url, 10)  # warm-up, not counted
                result = run_turns(stack.rasa_url, args.turns)
    print(f"sequential REST turns: {result['turns']}, errors: {result['errors']}")
    print(f"latency ms: p50 {result['p50_ms']:.0f}  p95 {result['p95_ms']:.0f}  "
          f"mean {result['mean_ms']:.0f}  max {result['max_ms']:.0f}")
    return 1 if result["errors"] else 0
