"""Imports a PTV service-channel JSON export into this installation's directory.

    scripts/neuvokas.sh import-ptv export.json [--name NAME] [--dry-run]

Reports what was imported, what was skipped and why; keeps the importable records under
$NEUVOKAS_VAR_DIR/directory/NAME.json, which the action server loads at its next start.
"""
from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from bot.directory.ptv import records_of, load_records
from bot.settings import Settings


def import_file(source: Path, target_dir: Path, name: str | None = None, dry_run: bool = False) -> dict:
    started = time.perf_counter()
    try:
        raw = json.loads(Path(source).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        return {"error": f"cannot read {source}: {error}"}
    records = records_of(raw)
    report = load_records(records)
    kept_ids = {c.id for c in report.imported}
    kept = []
    for record in records:  # the first record of each imported id is the one that was imported
        record_id = str(record.get("id", "")).strip() if isinstance(record, dict) else None
        if record_id in kept_ids:
            kept.append(record)
            kept_ids.discard(record_id)
    target = Path(target_dir) / f"{name or Path(source).stem}.json"
    if not dry_run:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps({"itemList": kept}, ensure_ascii=False), encoding="utf-8")
    return {"records": len(records), "imported": len(report.imported), "skipped": report.skipped,
            "warnings": report.warnings, "seconds": time.perf_counter() - started,
            "target": None if dry_run else target}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="neuvokas import-ptv", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", type=Path)
    parser.add_argument("--name", help="name of the imported set (default: the file's name)")
    parser.add_argument("--dry-run", action="store_true", help="check and report only")
    args = parser.parse_args(argv)
    result = import_file(args.file, Settings.from_env().var_dir / "directory", args.name, args.dry_run)
    if "error" in result:
        print(result["error"])
        return 2
    print(f"records: {result['records']}, imported: {result['imported']}, skipped: {len(result['skipped'])}, "
          f"warnings: {len(result['warnings'])}, time: {result['seconds']:.2f} s")
    for reason, count in Counter(p.reason for p in result["skipped"]).most_common(20):
        print(f"  skipped {count} x {reason}")
    for problem in result["skipped"][:20]:
        print(f"    e.g. {problem.record}: {problem.reason}")
    for reason, count in Counter(p.reason for p in result["warnings"]).most_common(10):
        print(f"  warning {count} x {reason}")
    if result["target"]:
        print(f"saved to {result['target']}; restart the system (make run) to serve it")
    return 0 if result["imported"] else 1
