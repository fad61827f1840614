"""The benchmark command (figures, not pass/fail):

    scripts/neuvokas.sh bench [--residents 1,10,50] [--seconds 30] [--turns 200] [--channel-turns 50]

In order: the handoff queue with 10,000 chats waiting; the service directory; then, on a stack of
its own (start time reported; Telegram pointed at a local fake Bot API server), sequential REST
turns, the load comparison with the plain Rasa bot (bot/compare.py: many residents at once, the
same load against both, ratios, memory, start and training times), the channels' round trips
and the advisor console. It prints a results table, saves var/bench/results.json and rewrites
the README's table (--no-readme to leave it). `--url` measures an already running server
(sequential REST turns only).
"""
from __future__ import annotations

import argparse
import json
import secrets
import statistics
import sys
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path

from bot.loadtest import percentile
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


def channel_figures(stack: Stack, api, turns: int) -> dict:
    """Round trips of the same short turns: REST, web chat (POST reply and server push), Telegram.

    Each channel gets one conversation of `turns` turns, so the tracker grows alike in all three.
    """
    import threading

    base, texts = stack.rasa_url, ["moi", "mitä osaat", "kiitos"]

    def post(path: str, body: dict, headers: dict | None = None) -> dict:
        request = urllib.request.Request(base + path, data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json", **(headers or {})})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read() or b"null")

    rest, web, pushed, telegram = [], [], [], []
    rest_sender = "bench-rest-" + secrets.token_hex(4)
    for i in range(turns):
        t0 = time.perf_counter()
        post("/webhooks/rest/webhook", {"sender": rest_sender, "message": texts[i % 3]})
        rest.append((time.perf_counter() - t0) * 1000)

    conversation = post("/webhooks/webchat/session", {})["conversation"]
    arrivals: dict[str, float] = {}
    stop = threading.Event()

    def listen() -> None:
        url = f"{base}/webhooks/webchat/events?conversation={conversation}"
        while not stop.is_set():
            with urllib.request.urlopen(url, timeout=60) as stream:
                for raw in stream:
                    line = raw.decode("utf-8").strip()
                    if line.startswith("data:"):
                        arrivals[json.loads(line[5:])["id"]] = time.perf_counter()
                    if stop.is_set():
                        return

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    time.sleep(0.5)
    for i in range(turns):
        t0 = time.perf_counter()
        reply = post("/webhooks/webchat/webhook", {"conversation": conversation, "message": texts[i % 3]})
        web.append((time.perf_counter() - t0) * 1000)
        last = reply["messages"][-1]["id"]
        deadline = time.perf_counter() + 10
        while last not in arrivals and time.perf_counter() < deadline:
            time.sleep(0.001)
        if last in arrivals:
            pushed.append((arrivals[last] - t0) * 1000)
    stop.set()

    secret = stack.extra_env.get("TELEGRAM_SECRET_TOKEN", "")
    for i in range(turns):
        chat = 900_001
        before = len(api.sent(chat))
        update = {"update_id": 5_000_000 + i, "message": {
            "message_id": i + 1, "date": int(time.time()), "chat": {"id": chat, "type": "private"},
            "from": {"id": chat, "is_bot": False, "first_name": "B"}, "text": texts[i % 3]}}
        t0 = time.monotonic()
        post("/webhooks/neuvokas_telegram/webhook", update, {"X-Telegram-Bot-Api-Secret-Token": secret})
        calls = api.wait_for(chat, before + 1, timeout=30)
        telegram.append((calls[before].at - t0) * 1000)
    summary = lambda values: {"p50_ms": percentile(values, 0.5), "p95_ms": percentile(values, 0.95), "n": len(values)}
    return {"rest": summary(rest), "web_post": summary(web), "web_push": summary(pushed),
            "telegram_first_send": summary(telegram)}


def queue_figures(waiting: int = 10_000, samples: int = 1000) -> dict:
    """Handoff queue latencies with `waiting` chats in line, on a redis-server of our own (AOF on)."""
    import asyncio
    import dataclasses
    import random
    import subprocess

    from bot import redis_keys
    from bot.handoff.config import load
    from bot.handoff.queue import HandoffQueue
    from bot.stack import _redis_ping, redis_binary, wait_until

    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        server = subprocess.Popen([redis_binary(), "--port", str(port), "--bind", "127.0.0.1", "--dir", folder,
                                   "--appendonly", "yes", "--appendfsync", "everysec", "--save", ""],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until(lambda: _redis_ping(port), 20, "redis-server", server)
            config = dataclasses.replace(load(), max_queue=waiting + samples + 10)
            queue = HandoffQueue(f"redis://127.0.0.1:{port}/0", config=config)
            levels = [None, "SAME_DAY", "ROUTINE", "EMERGENCY_DEPT", "SELF_CARE"]
            rng = random.Random(11)

            async def measure() -> dict:
                enqueue, position, claim = [], [], []
                ids = []
                for i in range(waiting + samples):
                    t0 = time.perf_counter()
                    result = await queue.enqueue(f"bench-{i}", "webchat", rng.choice(["health", "social"]),
                                                 rng.choice(levels), summary="kuume 3 pv", check_hours=False)
                    enqueue.append((time.perf_counter() - t0) * 1000)
                    ids.append(result.chat.id)
                for chat_id in rng.sample(ids, samples):
                    t0 = time.perf_counter()
                    await queue.position(chat_id)
                    position.append((time.perf_counter() - t0) * 1000)
                for chat_id in rng.sample(ids, samples):
                    t0 = time.perf_counter()
                    await queue.claim(chat_id, "bench-advisor")
                    claim.append((time.perf_counter() - t0) * 1000)
                left = sum([await queue.client.zcard(redis_keys.handoff_queue(t)) for t in ("health", "social")])
                await queue.close_client()
                figure = lambda v: {"p50": percentile(v, 0.5), "p95": percentile(v, 0.95), "p99": percentile(v, 0.99)}
                return {"waiting_after": left, "enqueue": figure(enqueue), "position": figure(position),
                        "claim": figure(claim)}

            return asyncio.new_event_loop().run_until_complete(measure())
        finally:
            server.terminate()
            server.wait(10)


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


def handoff_figures(stack: Stack, api, chats: int) -> dict:
    """Through the running console: claim over HTTP, and an advisor's reply until it reaches the
    resident (the web chat's stream; Telegram's sendMessage at the fake Bot API)."""
    import asyncio

    import redis as sync_redis
    import requests

    from bot import redis_keys
    from bot.handoff.queue import HandoffQueue
    from console.users import UserStore

    password = secrets.token_urlsafe(16)
    UserStore(stack.var_dir / "console_users.json").add("bench", "advisor", password, ["health"], replace=True)
    http = requests.Session()
    csrf = http.post(f"{stack.console_url}/api/login", json={"username": "bench", "password": password},
                     timeout=30).json()["csrf"]
    headers = {"X-CSRF-Token": csrf}

    async def enqueue_all() -> list[tuple[str, str]]:
        from dataclasses import replace

        from bot.handoff.config import load

        queue = HandoffQueue(stack.redis_url, replace(load(), max_queue=chats + 1000))  # past the demo limit of 30
        made = []
        for i in range(chats):
            channel, conversation = (("neuvokas_telegram", f"telegram-{900000 + i}") if i % 2
                                     else ("webchat", f"web-bench{i}-{secrets.token_hex(4)}"))
            chat = (await queue.enqueue(conversation, channel, "health", "ROUTINE", check_hours=False)).chat
            made.append((chat.id, conversation))
        await queue.close_client()
        return made

    made = asyncio.run(enqueue_all())
    r = sync_redis.Redis.from_url(stack.redis_url, decode_responses=True)
    claim, web, telegram = [], [], []
    for chat_id, conversation in made:
        t0 = time.perf_counter()
        ok = http.post(f"{stack.console_url}/api/chats/{chat_id}/claim", headers=headers, timeout=30).status_code
        claim.append((time.perf_counter() - t0) * 1000)
        assert ok == 200, ok
    time.sleep(1)  # let the "advisor joined" notices go out first
    for chat_id, conversation in made:
        before = len(api.sent(int(conversation.split("-")[1]))) if conversation.startswith("telegram-") else 0
        last = r.xrevrange(redis_keys.web_stream(conversation), count=1)
        after = last[0][0] if last else "0"
        t0 = time.perf_counter()
        http.post(f"{stack.console_url}/api/chats/{chat_id}/reply", json={"text": "Hei, olen neuvoja."},
                  headers=headers, timeout=30)
        if conversation.startswith("telegram-"):
            api.wait_for(int(conversation.split("-")[1]), before + 1, timeout=30)
            telegram.append((time.perf_counter() - t0) * 1000)
        else:
            while not r.xread({redis_keys.web_stream(conversation): after}, count=1, block=100):
                if time.perf_counter() - t0 > 30:
                    raise TimeoutError("the advisor's reply did not reach the web chat")
            web.append((time.perf_counter() - t0) * 1000)
    r.close()

    def stats(values: list[float]) -> dict:
        return {"n": len(values), "p50_ms": percentile(values, 0.5), "p99_ms": percentile(values, 0.99)}

    return {"claim": stats(claim), "reply_web": stats(web), "reply_telegram": stats(telegram)}


def training_figures() -> dict:
    """Editors' retraining: a cold full training, then after adding three reviewed examples a full
    retraining (Rasa's cache warm) and a fine-tune of the first model, in a scratch copy of the data."""
    import os
    import shutil

    from bot.editor.training_data import append_example
    from bot.model import ensure_model
    from bot.settings import ROOT

    figures = {}
    with tempfile.TemporaryDirectory() as scratch:
        root, models = Path(scratch) / "data", Path(scratch) / "models"
        root.mkdir()
        for name in ("config.yml", "domain.yml"):
            shutil.copy(ROOT / name, root / name)
        shutil.copytree(ROOT / "nlu_data", root / "nlu_data")
        quiet = lambda message: None  # noqa: E731
        os.environ["NEUVOKAS_VAR_DIR"] = str(Path(scratch) / "var")
        started = time.monotonic()
        first = ensure_model(models, root, log=quiet)
        figures["full_cold_s"] = time.monotonic() - started
        for intent, text in (("find_service", "missä täällä on apteekki lähellä"),
                             ("request_human", "pääsenkö puhumaan jonkun oikean ihmisen kanssa"),
                             ("out_of_scope", "mikä on huomisen sääennuste")):
            append_example(intent, text, root)
        started = time.monotonic()
        full = ensure_model(models, root, log=quiet)
        figures["full_warm_s"] = time.monotonic() - started
        full.unlink()
        started = time.monotonic()
        tuned = ensure_model(models, root, log=quiet, finetune_from=first)
        figures["finetune_s"] = time.monotonic() - started
        figures["finetune_ok"] = tuned.exists()
    return figures


def review_round_figures() -> dict:
    """One round of editors' review on real-looking messages (bot/data/review_round.yml): a stack on a
    scratch copy of the training data, the messages sent over REST, the review list's items assigned
    to the intended intents, a retraining, and the held-out figures before and after."""
    import os
    import shutil

    import yaml

    from bot.editor import cli as editor
    from bot.editor.evaluate import evaluate, parser_for
    from bot.review.store import ReviewStore
    from bot.settings import ROOT

    messages = yaml.safe_load((ROOT / "bot" / "data" / "review_round.yml").read_text(encoding="utf-8"))["messages"]
    wanted = {m["text"]: m["intent"] for m in messages}
    with tempfile.TemporaryDirectory() as scratch:
        root, models, var = Path(scratch) / "data", Path(scratch) / "models", Path(scratch) / "var"
        root.mkdir()
        for name in ("config.yml", "domain.yml"):
            shutil.copy(ROOT / name, root / name)
        shutil.copytree(ROOT / "nlu_data", root / "nlu_data")
        before_model = ensure_model(Settings.from_env().models_dir)
        stack = Stack(model=before_model, var_dir=var, rasa_port=free_port(), action_port=free_port(),
                      console_port=free_port(), api_token=secrets.token_urlsafe(16), log_dir=var / "logs")
        with stack:
            for index, text in enumerate(wanted):
                body = json.dumps({"sender": f"round-{index}", "message": text}).encode()
                request = urllib.request.Request(f"{stack.rasa_url}/webhooks/rest/webhook", data=body,
                                                 headers={"Content-Type": "application/json"})
                urllib.request.urlopen(request, timeout=60).read()
            os.environ.update({"REDIS_URL": stack.redis_url, "NEUVOKAS_TRAINING_ROOT": str(root),
                               "NEUVOKAS_MODELS_DIR": str(models), "NEUVOKAS_VAR_DIR": str(var)})
            items = ReviewStore(stack.redis_url).items()
            assigned = 0
            for item in items:
                intent = wanted.get(item.text)
                if intent:
                    editor.decide(item.id, "assigned", intent, "bench", whole_group=False)
                    assigned += 1
        def on_round(parse) -> float:
            return sum(parse(text)["intent"]["name"] == intent for text, intent in wanted.items()) / len(wanted)

        parse = parser_for(before_model)
        result = {"sent": len(wanted), "collected": len(items), "assigned": assigned,
                  "before": {**evaluate(parse), "round": on_round(parse)}}
        for mode in ("finetune", "full"):
            started = time.monotonic()
            model = ensure_model(models, root, log=lambda m: None,
                                 finetune_from=before_model if mode == "finetune" else None)
            took = time.monotonic() - started
            parse = parser_for(model)
            result[mode] = {**evaluate(parse), "round": on_round(parse), "train_s": took}
            model.unlink()
    return result


def report_table(comparison, queue: dict, channels: dict | None, command: str, no_readme: bool) -> None:
    """Prints the results table and the missed targets, and writes the table into the README."""
    from bot import compare

    text, missed = compare.table(comparison, queue, channels, command)
    print("\n" + text.split("\n", 1)[1].rsplit("\n", 1)[0])
    print("targets missed: " + "; ".join(missed) if missed else "every target met")
    if not no_readme and compare.write_readme(text):
        print("README.md: the results table is regenerated")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="neuvokas bench", description=__doc__)
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--channel-turns", type=int, default=50, help="turns per channel for the channel figures")
    parser.add_argument("--url", help="an already running Rasa server (REST figures only)")
    parser.add_argument("--directory-only", action="store_true", help="only the service directory figures")
    parser.add_argument("--queue-only", action="store_true", help="only the handoff queue figures")
    parser.add_argument("--training", action="store_true", help="only the editors' training times (takes minutes)")
    parser.add_argument("--review-round", action="store_true", help="only a round of editors' review (takes minutes)")
    parser.add_argument("--residents", default="1,10,50",
                        help="concurrency levels of the load against Neuvokas and the plain Rasa bot ('' to skip)")
    parser.add_argument("--seconds", type=float, default=30, help="measured seconds per level and bot")
    parser.add_argument("--warmup", type=float, default=5, help="unmeasured seconds before each measurement")
    parser.add_argument("--no-readme", action="store_true", help="do not rewrite the README's results table")
    parser.add_argument("--table-only", action="store_true",
                        help="print (and write to the README) the table of the last run's saved figures")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # figures appear as they are measured, also in a log file
    if args.table_only:
        from bot import compare

        saved = Settings.from_env().var_dir / "bench" / "results.json"
        if not saved.exists():
            print(f"no saved figures in {saved}: run `scripts/neuvokas.sh bench` first")
            return 1
        comparison, queue, channels = compare.load_saved(saved)
        report_table(comparison, queue, channels, "scripts/neuvokas.sh bench", args.no_readme)
        return 0
    if args.review_round:
        r = review_round_figures()
        print(f"review round: {r['sent']} real-looking messages sent, {r['collected']} collected for review, "
              f"{r['assigned']} assigned to the intended intents")
        for key, name in (("before", "before"), ("finetune", "after, fine-tuned"), ("full", "after, full training")):
            e = r[key]
            took = f" (trained in {e['train_s']:.0f} s)" if "train_s" in e else ""
            print(f"  {name:22s} held-out accuracy {e['accuracy']:.3f}, macro-F1 {e['macro_f1']:.3f}; red flags "
                  f"{e['red_flags']['caught']}/{e['red_flags']['cases']}, false alarms "
                  f"{e['red_flags']['false_alarms']}/{e['red_flags']['near_misses']}; the round's own messages "
                  f"{e['round']:.2f} right{took}")
        return 0
    if args.training:
        t = training_figures()
        print(f"training: full from a cold cache {t['full_cold_s']:.0f} s; after 3 new examples: full retraining "
              f"{t['full_warm_s']:.0f} s, fine-tune (--finetune, epoch fraction 0.3) {t['finetune_s']:.0f} s"
              + ("" if t["finetune_ok"] else " (fine-tune failed, fell back to full)"))
        return 0
    queue = queue_figures()
    print(f"handoff queue with {queue['waiting_after']} chats waiting (Redis with AOF): "
          + "; ".join(f"{op} p50 {queue[op]['p50']:.2f} ms, p95 {queue[op]['p95']:.2f} ms, p99 {queue[op]['p99']:.2f} ms"
                      for op in ("enqueue", "position", "claim")))
    if args.queue_only:
        return 0
    figures = directory_figures()
    print(f"directory: demo import {figures['demo_channels']} channels in {figures['demo_import_s']:.2f} s; "
          f"generated PTV file {figures['big_channels']} channels in {figures['big_import_s']:.2f} s; "
          f"query (nearest + phone/e-services) p50 {figures['query_p50_ms']:.2f} ms, p95 {figures['query_p95_ms']:.2f} ms")
    if args.directory_only:
        return 0
    channels = handoff = comparison = None
    if args.url:
        result = run_turns(args.url.rstrip("/"), args.turns)
    else:
        from bot import compare
        from bot.model import training_record
        from tests.fakes.bot_api import FakeBotApi  # the same fake Bot API server the tests use

        model = ensure_model(Settings.from_env().models_dir)
        token = "7000000001:AAE-bench-" + secrets.token_hex(8)
        api = FakeBotApi(token).start()
        levels = [int(n) for n in args.residents.split(",") if n.strip()]
        with tempfile.TemporaryDirectory() as var:
            stack = Stack(model=model, var_dir=Path(var), rasa_port=free_port(), action_port=free_port(),
                          console_port=free_port(),
                          api_token=secrets.token_urlsafe(16), log_dir=Path(var) / "logs",
                          extra_env={"TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_BASE_URL": api.base_url,
                                     "TELEGRAM_SECRET_TOKEN": secrets.token_urlsafe(16), "TELEGRAM_MODE": "webhook",
                                     # an operator's own load test: the rate limits would refuse it
                                     "NEUVOKAS_RATE_LIMIT_EXEMPT": "127.0.0.1",
                                     "NEUVOKAS_RATE_LIMIT_RESIDENT": "1000000/60"})
            started = time.monotonic()
            with stack:
                start_s = time.monotonic() - started
                print(f"stack start (Redis, action server, Rasa with model, console): {start_s:.1f} s")
                run_turns(stack.rasa_url, 10)  # warm-up, not counted
                result = run_turns(stack.rasa_url, args.turns)
                if levels:
                    print(f"load: {', '.join(map(str, levels))} concurrent residents over REST, {args.seconds:.0f} s "
                          f"each after {args.warmup:.0f} s warm-up, Neuvokas then the plain Rasa bot")
                    comparison = compare.compare(stack, levels, args.seconds, args.warmup)
                    comparison.start_s["neuvokas"] = start_s
                    comparison.train_s["neuvokas"] = (training_record(model) or {}).get("train_seconds")
                if args.channel_turns:
                    channels = channel_figures(stack, api, args.channel_turns)
                    handoff = handoff_figures(stack, api, args.channel_turns * 2)
        api.stop()
    print(f"sequential REST turns: {result['turns']}, errors: {result['errors']}")
    print(f"latency ms: p50 {result['p50_ms']:.0f}  p95 {result['p95_ms']:.0f}  "
          f"mean {result['mean_ms']:.0f}  max {result['max_ms']:.0f}")
    if channels:
        names = {"rest": "REST POST (reference)", "web_post": "web chat POST with replies",
                 "web_push": "web chat reply on the SSE stream", "telegram_first_send": "Telegram update to first sendMessage"}
        print(f"channel round trips, same short turns ({channels['rest']['n']} each):")
        for key, name in names.items():
            figure = channels[key]
            print(f"  {name:40s} p50 {figure['p50_ms']:.0f} ms  p95 {figure['p95_ms']:.0f} ms")
    if handoff:
        print(f"advisor console over HTTP ({handoff['claim']['n']} chats): "
              f"claim p50 {handoff['claim']['p50_ms']:.1f} ms, p99 {handoff['claim']['p99_ms']:.1f} ms; "
              f"reply until it reaches the resident: web p50 {handoff['reply_web']['p50_ms']:.0f} ms, "
              f"p99 {handoff['reply_web']['p99_ms']:.0f} ms; Telegram p50 {handoff['reply_telegram']['p50_ms']:.0f} ms, "
              f"p99 {handoff['reply_telegram']['p99_ms']:.0f} ms")
    if comparison is not None:
        from bot import compare

        compare.save(Settings.from_env().var_dir / "bench" / "results.json", comparison=comparison, queue=queue,
                     channels=channels, handoff=handoff, sequential=result)
        command = "scripts/neuvokas.sh bench" + ("" if argv is None else " " + " ".join(argv))
        report_table(comparison, queue, channels, command.strip(), args.no_readme)
    return 1 if result["errors"] else 0
