"""`scripts/neuvokas.sh editor ...`: the content editor's commands (the console's editor page runs
the same ones).

  review [--json]                 the review list, grouped by similarity
  assign ITEM --intent NAME       add the message (and its group) to an intent's examples
  out-of-scope ITEM               add it to out_of_scope;   dismiss ITEM   drop it
  validate                        rasa data validate + the project's checks
  train [--full|--finetune]       train the model for the current data (full by default)
  evaluate [--model PATH]         held-out P/R/F1, confusion matrix, red-flag cases
  publish [--model PATH] [--force]  switch the running server to the model, if not worse
  rollback                        switch back to the previously published model
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional

from bot.settings import Settings

STATE_NAMES = {"assigned": "lisätty esimerkiksi", "out_of_scope": "ei botin aihe", "dismissed": "hylätty"}
# Measured (README "Content editors"): after a few new examples a fine-tune took 65-66 s and a full
# retraining 114-139 s, but the fine-tuned model lost 1.5 points of held-out accuracy where the
# full one gained 0.9: full training is the default, --finetune is there for a quick try.
DEFAULT_TRAINING = "full"


def _store():
    from bot.review.store import ReviewStore

    settings = Settings.from_env()
    if not settings.redis_url:
        raise SystemExit("REDIS_URL puuttuu: tarkistuslista on Redisissä (make run tulostaa osoitteen)")
    return ReviewStore(settings.redis_url)


def training_root() -> Path:
    return Settings.from_env().training_root


def reports_dir(model: Path) -> Path:
    return Settings.from_env().var_dir / "reports" / model.name.replace(".tar.gz", "")


def registry():
    from bot.editor.publish import Registry

    return Registry(Settings.from_env().var_dir / "models.json")


def rasa_endpoint() -> tuple[str, Optional[str]]:
    import os

    settings = Settings.from_env()
    return os.environ.get("RASA_URL", f"http://{settings.host}:{settings.rasa_port}"), settings.api_token


def production_model() -> Optional[Path]:
    """The published model, else the file the running server reports (found by its name)."""
    from bot.editor.publish import server_model

    current = registry().current
    if current is not None and current.exists():
        return current
    try:
        served = server_model(*rasa_endpoint())
    except OSError:
        return None
    if served is None:
        return None
    from bot.settings import ROOT

    for folder in (Settings.from_env().models_dir, ROOT / "models"):
        if (folder / served.name).exists():
            return (folder / served.name).resolve()
    return None


def report_for(model: Path, log=print) -> dict:
    """The model's evaluation report, computed once per model and kept under var/reports/."""
    from bot.editor.evaluate import evaluate, parser_for, save

    folder = reports_dir(model)
    cached = folder / "report.json"
    if cached.exists():
        return json.loads(cached.read_text(encoding="utf-8"))
    log(f"arvioidaan {model.name} (mallin lataus kestää hetken)")
    report = evaluate(parser_for(model), model.name, folder / "confusion.png")
    save(report, folder)
    return report


def print_report(report: dict) -> None:
    print(f"malli {report['model']}: testijoukko n={report['n']} tarkkuus {report['accuracy']:.3f} "
          f"makro-F1 {report['macro_f1']:.3f}")
    print(f"{'intentti':20s} {'tarkkuus':>8s} {'saanti':>8s} {'F1':>6s} {'n':>4s}")
    for intent, m in sorted(report["per_intent"].items()):
        print(f"{intent:20s} {m['precision']:8.3f} {m['recall']:8.3f} {m['f1']:6.3f} {m['support']:4d}")
    flags = report["red_flags"]
    print(f"hätämerkit: {flags['caught']}/{flags['cases']} tunnistettu, {flags['false_alarms']}/{flags['near_misses']} "
          "väärää hälytystä")


def group_of(item_id: str) -> list[str]:
    from bot.review.grouping import group

    for g in group(_store().items("open")):
        if any(i.id == item_id for i in g.items):
            return [i.id for i in g.items]
    return [item_id]


def decide(item_id: str, state: str, intent: str, by: str, whole_group: bool = True) -> str:
    """Assign (to `intent`), out_of_scope or dismiss: the item's group gets the same decision."""
    from bot.editor.training_data import append_example

    store = _store()
    item = store.get(item_id)
    if item is None:
        raise ValueError("tarkistettavaa viestiä ei löydy (vanhentunut?)")
    ids = group_of(item_id) if whole_group else [item_id]
    message = ""
    if state in ("assigned", "out_of_scope"):
        target = intent if state == "assigned" else "out_of_scope"
        added, skipped = [], []
        for other in ids:
            found = store.get(other)
            try:
                append_example(target, found.text, training_root())
                added.append(found.text)
            except ValueError as error:
                skipped.append(f"{found.text}: {error}")
        message = f"lisätty {len(added)} esimerkkiä intenttiin {target}" + (f"; ohitettu {len(skipped)}" if skipped else "")
        intent = target
    store.decide(ids, state, by, intent)
    return message or f"{len(ids)} viestiä merkitty: {STATE_NAMES[state]}"


def cmd_validate() -> int:
    from bot.editor.checks import check

    print("rasa data validate…", flush=True)
    rasa = subprocess.run([sys.executable, "-m", "rasa", "data", "validate", "--data", "nlu_data", "--domain",
                           "domain.yml", "--config", "config.yml", "--fail-on-warnings"], cwd=training_root(),
                          capture_output=True, text=True)
    problems = check(training_root())
    if rasa.returncode != 0:
        lines = [line for line in (rasa.stdout + rasa.stderr).splitlines() if "UserWarning" in line or "Error" in line
                 or "error" in line]
        problems = [f"rasa data validate: {line.strip()}" for line in lines[-20:]] or ["rasa data validate epäonnistui"] \
            + problems
    for problem in problems:
        print(f"VIRHE: {problem}")
    print("data kunnossa" if not problems else f"{len(problems)} ongelmaa")
    return 0 if not problems else 1


def cmd_train(mode: str) -> int:
    from bot.model import ensure_model

    settings = Settings.from_env()
    started = time.monotonic()
    base = production_model() if mode == "finetune" else None
    model = ensure_model(settings.models_dir, root=settings.training_root, finetune_from=base,
                         log=lambda m: print(m, flush=True))
    print(f"malli: {model} ({time.monotonic() - started:.0f} s)")
    return 0


def cmd_evaluate(model: Optional[str]) -> int:
    from bot.model import model_path

    path = Path(model) if model else model_path(Settings.from_env().models_dir, training_root())
    if not path.exists():
        print(f"mallia ei ole: {path} (kouluta ensin: editor train)")
        return 1
    report = report_for(path)
    print_report(report)
    print(f"sekaannusmatriisi: {reports_dir(path) / 'confusion.png'}")
    production = production_model()
    if production is not None and production.exists() and production.resolve() != path.resolve():
        from bot.editor.evaluate import compare

        comparison = compare(report, report_for(production))
        print(f"verrattuna tuotannon malliin {production.name}: "
              + ("heikompi: " + "; ".join(comparison.worse) if comparison.worse else "ei heikompi")
              + ("; parempi: " + "; ".join(comparison.better) if comparison.better else ""))
    return 0


def cmd_publish(model: Optional[str], force: bool) -> int:
    from bot.editor.evaluate import compare
    from bot.editor.publish import PublishError, load_on_server
    from bot.model import model_path

    candidate = (Path(model) if model else model_path(Settings.from_env().models_dir, training_root())).resolve()
    if not candidate.exists():
        print(f"mallia ei ole: {candidate} (kouluta ensin: editor train)")
        return 1
    production = production_model()
    if production is not None and production.exists() and production.resolve() != candidate:
        comparison = compare(report_for(candidate), report_for(production))
        if not comparison.acceptable and not force:
            print("EI JULKAISTU: uusi malli on heikompi kuin tuotannossa: " + "; ".join(comparison.worse))
            print("(julkaise silti: editor publish --force)")
            return 3
    try:
        took = load_on_server(*rasa_endpoint(), candidate)
    except PublishError as error:
        print(f"julkaisu epäonnistui: {error}")
        return 1
    registry().switched(candidate, production)
    print(f"julkaistu {candidate.name} ({took:.1f} s); edellinen: {production.name if production else '-'}")
    return 0


def cmd_rollback() -> int:
    from bot.editor.publish import PublishError, load_on_server

    try:
        previous = registry().load()["history"][-1]
        load_on_server(*rasa_endpoint(), Path(previous))
        registry().rolled_back()
    except (IndexError, KeyError):
        print("aiempaa julkaistua mallia ei ole")
        return 1
    except PublishError as error:
        print(f"palautus epäonnistui: {error}")
        return 1
    print(f"palautettu {Path(previous).name}")
    return 0


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="neuvokas editor", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    review = commands.add_parser("review")
    review.add_argument("--json", action="store_true")
    for name in ("assign", "out-of-scope", "dismiss"):
        sub = commands.add_parser(name)
        sub.add_argument("item")
        sub.add_argument("--only", action="store_true", help="vain tämä viesti, ei koko ryhmää")
        sub.add_argument("--by", default="editor-cli")
        if name == "assign":
            sub.add_argument("--intent", required=True)
    commands.add_parser("validate")
    train = commands.add_parser("train")
    train.add_argument("--full", dest="mode", action="store_const", const="full")
    train.add_argument("--finetune", dest="mode", action="store_const", const="finetune")
    evaluate = commands.add_parser("evaluate")
    evaluate.add_argument("--model")
    publish = commands.add_parser("publish")
    publish.add_argument("--model")
    publish.add_argument("--force", action="store_true")
    commands.add_parser("rollback")
    args = parser.parse_args(argv)
    try:
        if args.command == "review":
            from bot.review.grouping import group

            groups = [g.as_dict() for g in group(_store().items("open"))]
            if args.json:
                print(json.dumps(groups, ensure_ascii=False, indent=1))
            for g in [] if args.json else groups:
                reasons = ", ".join(f"{k} {v}" for k, v in g["reasons"].items())
                print(f"{g['id']}  {g['count']:3d} × \"{g['text']}\"  ({reasons}; ehdotus: {g['suggested_intent'] or '-'})")
            return 0
        if args.command in ("assign", "out-of-scope", "dismiss"):
            state = {"assign": "assigned", "out-of-scope": "out_of_scope", "dismiss": "dismissed"}[args.command]
            print(decide(args.item, state, getattr(args, "intent", ""), args.by, whole_group=not args.only))
            return 0
        if args.command == "validate":
            return cmd_validate()
        if args.command == "train":
            return cmd_train(args.mode or DEFAULT_TRAINING)
        if args.command == "evaluate":
            return cmd_evaluate(args.model)
        if args.command == "publish":
            return cmd_publish(args.model, args.force)
        return cmd_rollback()
    except ValueError as error:
        print(f"virhe: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
