"""Playing a triage vignette against the running bot as a simulated resident, one answer at a time.

    python -m bot.safety_play start SET ID --url http://127.0.0.1:5005   # sends the vignette's opening
    python -m bot.safety_play say SET ID "joo, eilen illalla"             # the resident's next answer
    python -m bot.safety_play show SET ID                                 # the recording so far

The player (a person or a helper session) reads only the vignette's facts and the bot's messages,
and answers as the resident truthfully would. Every answer is recorded with the question it
answered (tests/safety/plays/SET/ID.yml), so `scripts/neuvokas.sh evaluate-safety` can replay the
same honest answers to later versions of the bot.
"""
from __future__ import annotations

import argparse
import json
import secrets
import sys
from pathlib import Path

import yaml

from bot.safety_eval import SAFETY, asks_place, load_vignettes, outcome_of, question_of, rest_sender


def _path(name: str, vignette_id: str) -> Path:
    return SAFETY / "plays" / name / f"{vignette_id}.yml"


def _save(path: Path, recording: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(recording, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")


def _show(messages: list, recording: dict) -> str:
    lines = []
    for m in messages:
        if m.get("text"):
            lines.append(f"BOT: {m['text']}")
        if m.get("buttons"):
            lines.append("     buttons: " + " | ".join(b.get("title", "") for b in m["buttons"]))
    level = outcome_of(messages)
    if level:
        lines.append(f"RESULT: {level} (the conversation is over)")
    return "\n".join(lines)


def _after(recording: dict, messages: list) -> None:
    question = question_of(messages)
    text = " ".join(m.get("text") or "" for m in messages if m.get("text"))
    recording["pending"] = {"question_id": question.get("question_id") if question else None, "question": text,
                            "place": bool(not question and asks_place(messages))}
    level = outcome_of(messages)
    if level:
        recording["result"] = level


def start(name: str, vignette_id: str, url: str) -> str:
    vignette = next(v for v in load_vignettes(name) if v["id"] == vignette_id)
    recording = {"vignette": vignette_id, "url": url, "sender": f"play-{vignette_id}-{secrets.token_hex(4)}",
                 "opening": vignette["opening"], "turns": []}
    messages = rest_sender(url)(recording["sender"], vignette["opening"])
    _after(recording, messages)
    _save(_path(name, vignette_id), recording)
    return _show(messages, recording)


def say(name: str, vignette_id: str, answer: str) -> str:
    path = _path(name, vignette_id)
    recording = yaml.safe_load(path.read_text(encoding="utf-8"))
    if recording.get("result"):
        return f"RESULT: {recording['result']} (already over; nothing sent)"
    pending = recording.get("pending") or {}
    if pending.get("place"):
        recording["place"] = answer
    else:
        recording["turns"].append({"question_id": pending.get("question_id"), "question": pending.get("question"),
                                   "answer": answer})
    messages = rest_sender(recording["url"])(recording["sender"], answer)
    _after(recording, messages)
    _save(path, recording)
    return _show(messages, recording)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.safety_play", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("start")
    p.add_argument("set")
    p.add_argument("id")
    p.add_argument("--url", required=True)
    p = sub.add_parser("say")
    p.add_argument("set")
    p.add_argument("id")
    p.add_argument("answer")
    p = sub.add_parser("show")
    p.add_argument("set")
    p.add_argument("id")
    args = parser.parse_args(argv)
    if args.command == "start":
        print(start(args.set, args.id, args.url.rstrip("/")))
    elif args.command == "say":
        print(say(args.set, args.id, args.answer))
    else:
        print(json.dumps(yaml.safe_load(_path(args.set, args.id).read_text(encoding="utf-8")), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
