"""Command line of Neuvokas: `run` the whole system, `test` everything, `train` when needed.

Called by scripts/neuvokas.sh once the environment exists (see README).
"""
from __future__ import annotations

import argparse
import secrets
import signal
import subprocess
import sys
import time

from bot.model import ensure_model
from bot.settings import ROOT, Settings
from bot.stack import Stack
from console.users import default_store


def log(message: str) -> None:
    print(f"[neuvokas] {message}", flush=True)


def cmd_train(args: argparse.Namespace) -> int:
    ensure_model(Settings.from_env().models_dir, log=log)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from bot.editor.publish import Registry

    settings = Settings.from_env()
    published = Registry(settings.var_dir / "models.json").current
    if published is not None and published.exists():
        log(f"serving the published model {published.name} (scripts/neuvokas.sh editor publish/rollback)")
        model = published
    else:
        model = ensure_model(settings.models_dir, log=log)
    from bot.redflag_semantic import ensure_classifier

    ensure_classifier(settings.models_dir, log=log)
    from bot.triage.router import ensure_router

    ensure_router(settings.models_dir, log=log)
    token = settings.api_token or secrets.token_urlsafe(24)
    stack = Stack(model=model, var_dir=settings.var_dir, host=settings.host,
                  rasa_port=settings.rasa_port, action_port=settings.action_port, console_port=settings.console_port,
                  redis_url=settings.redis_url, api_token=token)
    stopping = False

    def stop(signum, frame):  # noqa: ARG001 - signal handler signature
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    started = time.monotonic()
    log("starting Redis, the action server, the Rasa server (it takes a minute) and the advisor console")
    try:
        stack.start()
    except Exception as error:  # noqa: BLE001 - shown to the operator, processes already stopped
        log(f"could not start: {error}")
        return 1
    log(f"ready in {time.monotonic() - started:.0f} s")
    log(f"web chat:        {stack.web_chat_url}")
    log(f"REST channel:    {stack.rasa_url}/webhooks/rest/webhook")
    log(f"Rasa HTTP API:   {stack.rasa_url}  (token in RASA_API_TOKEN or printed once: {token})")
    log(f"action server:   {stack.action_url}")
    log(f"Redis:           {stack.redis_url}")
    log(f"advisor console: {stack.console_url}/")
    users = default_store().load()
    if not any(u.role == "advisor" for u in users.values()):
        log("  no advisor accounts yet: scripts/neuvokas.sh users add NAME --role advisor --teams health,social")
    log(f"Telegram:        {stack.telegram.status()}")
    log("Ctrl-C stops everything")
    try:
        while not stopping:
            dead = [name for name, p in stack.processes.items() if p.poll() is not None]
            if dead:
                log(f"{', '.join(dead)} stopped unexpectedly; stopping the rest")
                return 1
            time.sleep(1)
    finally:
        log("stopping")
        stack.stop()
        log("stopped")
    return 0


def cmd_test(args: argparse.Namespace) -> int:
    ensure_model(Settings.from_env().models_dir, log=log)
    result = subprocess.run([sys.executable, "-m", "pytest", *args.extra], cwd=ROOT)
    if result.returncode == 5:
        log("pytest collected no tests: that is a failure")
        return 1
    return result.returncode


def cmd_bench(args: argparse.Namespace) -> int:
    from bot import bench

    return bench.main(args.extra)


def cmd_import_ptv(args: argparse.Namespace) -> int:
    from bot.directory import importer

    return importer.main(args.extra)


def cmd_evaluate_triage(args: argparse.Namespace) -> int:
    from bot.triage import evaluate

    return evaluate.main(args.extra)


def cmd_evaluate_safety(args: argparse.Namespace) -> int:
    from bot import safety_eval

    return safety_eval.main(args.extra)


def cmd_editor(args: argparse.Namespace) -> int:
    from bot.editor import cli

    return cli.main(args.extra)


def cmd_privacy(args: argparse.Namespace) -> int:
    from bot.privacy import delete

    return delete.main(args.extra)


def cmd_users(args: argparse.Namespace) -> int:
    from console import users

    return users.main(args.extra)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="neuvokas", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start Redis, the action server and the Rasa server").set_defaults(func=cmd_run)
    commands.add_parser("train", help="train a model if the training data changed").set_defaults(func=cmd_train)
    commands.add_parser("test", help="run every test (extra arguments go to pytest)").set_defaults(func=cmd_test)
    commands.add_parser("bench", help="performance figures (prints them)").set_defaults(func=cmd_bench)
    commands.add_parser("import-ptv", help="import a PTV service-channel JSON export").set_defaults(func=cmd_import_ptv)
    commands.add_parser("evaluate-triage", help="triage vignettes through the bot (prints figures)").set_defaults(
        func=cmd_evaluate_triage)
    commands.add_parser("evaluate-safety", help="red flags per language and triage vignettes (prints figures)",
                        add_help=False).set_defaults(func=cmd_evaluate_safety)
    commands.add_parser("users", help="advisor console users: add, passwd, remove, list", add_help=False).set_defaults(
        func=cmd_users)
    commands.add_parser("editor", help="content editors: review, assign, validate, train, evaluate, publish, rollback",
                        add_help=False).set_defaults(func=cmd_editor)
    commands.add_parser("privacy", help="privacy: delete ID (one conversation, everywhere)", add_help=False).set_defaults(
        func=cmd_privacy)
    args, rest = parser.parse_known_args(argv)
    if rest and args.func not in (cmd_test, cmd_bench, cmd_import_ptv, cmd_evaluate_triage, cmd_evaluate_safety, cmd_users,
                                     cmd_editor, cmd_privacy):
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    args.extra = rest
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
