"""The NLU training files as editors change them: which file holds an intent, its examples, and
appending a reviewed message as a new example (the files stay the source of truth, in git)."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.settings import ROOT

_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\{[^}]*\}|\([^)]*\))")
_PLACEHOLDER = re.compile(r"\[(?:HETU|PUHELIN|SÄHKÖPOSTI|OSOITE)\]")


def nlu_files(root: Path = ROOT) -> list[Path]:
    return sorted((root / "nlu_data" / "nlu").glob("*.yml"))


def plain(example: str) -> str:
    """An example without entity annotations, normalised for comparing."""
    return " ".join(_ANNOTATION.sub(r"\1", example).lower().split())


def examples(root: Path = ROOT) -> dict[str, list[tuple[str, Path]]]:
    """intent -> [(example, file)] over every NLU file."""
    found: dict[str, list[tuple[str, Path]]] = {}
    for path in nlu_files(root):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            if "intent" in block:
                lines = [line.strip()[2:].strip() for line in str(block.get("examples", "")).splitlines()
                         if line.strip().startswith("- ")]
                found.setdefault(block["intent"], []).extend((line, path) for line in lines)
    return found


def sanitise(text: str) -> str:
    """A resident's (redacted) message as a training example: placeholders and markup removed."""
    text = _PLACEHOLDER.sub(" ", text)
    text = re.sub(r"[\[\]{}()<>#|`\"\\]", " ", text)
    return " ".join(text.split())[:300]


def append_example(intent: str, text: str, root: Path = ROOT) -> Path:
    """Adds `text` to the intent's examples in the file that defines it; returns the file."""
    example = sanitise(text)
    if not example:
        raise ValueError("viestistä ei jää esimerkkiä henkilötietojen poiston jälkeen")
    known = examples(root)
    if intent not in known:
        raise ValueError(f"tuntematon intentti {intent!r}")
    for other, items in known.items():
        if any(plain(e) == plain(example) for e, _ in items):
            raise ValueError(f"sama esimerkki on jo intentissä {other}")
    path = known[intent][0][1] if known[intent] else next(p for p in nlu_files(root) if f"intent: {intent}\n" in p.read_text())
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == f"- intent: {intent}")
    last = start
    for i in range(start + 1, len(lines)):
        stripped = lines[i].strip()
        if stripped.startswith("- intent:") or stripped.startswith("- synonym:") or stripped.startswith("- lookup:") \
                or stripped.startswith("- regex:"):
            break
        if stripped.startswith("- "):
            last = i
    indent = re.match(r"\s*", lines[last]).group(0) if last != start else "    "
    if not lines[last].endswith("\n"):
        lines[last] += "\n"
    lines.insert(last + 1, f"{indent}- {example}\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path
