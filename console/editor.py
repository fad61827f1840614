"""The content editor's page in the console (role `editor`): the review list, decisions, and the
validate / train / evaluate / publish / rollback jobs, which run `scripts/neuvokas.sh editor ...`'s
commands as a child process, one at a time, with their output shown live."""
from __future__ import annotations

import asyncio
import json
import re
import sys
import time
from pathlib import Path
from typing import Any, Callable, Optional

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import ROOT, Settings

JOBS = ("validate", "train", "evaluate", "publish", "rollback")
ITEM_ID = re.compile(r"^[0-9a-f]{16}$")
MODEL_NAME = re.compile(r"^neuvokas-[0-9a-f]{16}$")
OUTPUT_LINES = 300


class Job:
    def __init__(self) -> None:
        self.command = ""
        self.started = 0.0
        self.finished: Optional[float] = None
        self.exit_code: Optional[int] = None
        self.lines: list[str] = []
        self.process: Optional[asyncio.subprocess.Process] = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.exit_code is None

    def as_dict(self) -> dict:
        return {"command": self.command, "running": self.running, "exit_code": self.exit_code,
                "started": self.started, "finished": self.finished, "output": self.lines[-OUTPUT_LINES:]}


def body(request: Request) -> dict:
    from console.app import body as json_body

    return json_body(request)


def register(app: Sanic, guarded: Callable, error: Callable[[int, str], HTTPResponse],
             ok: Callable[[Any], HTTPResponse], static: Path, headers: dict) -> None:
    job = Job()
    editor = guarded(roles=("editor",))
    editor_write = guarded(roles=("editor",), write=True)

    @app.get("/editor")
    @guarded(roles=("editor",), page=True)
    async def editor_page(request: Request) -> HTTPResponse:
        return await response.file(static / "editor.html", mime_type="text/html; charset=utf-8", headers=headers)

    @app.get("/static/editor.js")
    @editor
    async def editor_script(request: Request) -> HTTPResponse:
        return await response.file(static / "editor.js", mime_type="application/javascript; charset=utf-8",
                                   headers=headers)

    @app.get("/api/editor/review")
    @editor
    async def review(request: Request) -> HTTPResponse:
        def load() -> dict:
            from bot.editor.cli import _store
            from bot.editor.training_data import examples
            from bot.review.grouping import group

            store = _store()
            return {"groups": [g.as_dict() for g in group(store.items("open"))],
                    "intents": sorted(examples(Settings.from_env().training_root)), "feedback": store.feedback_counts()}

        return ok(await asyncio.get_running_loop().run_in_executor(None, load))

    @app.post("/api/editor/review/<item_id>/decide")
    @editor_write
    async def decide(request: Request, item_id: str) -> HTTPResponse:
        from bot.editor.cli import decide as apply

        if not ITEM_ID.match(item_id):
            return error(404, "Viestiä ei löydy.")
        data = body(request)
        state = {"assign": "assigned", "out_of_scope": "out_of_scope", "dismiss": "dismissed"}.get(data.get("action"))
        intent = data.get("intent") or ""
        if state is None or (state == "assigned" and not isinstance(intent, str)) or (state == "assigned" and not intent):
            return error(400, "Valitse toiminto (ja intentti).")
        user = request.ctx.session.user.name
        try:
            message = await asyncio.get_running_loop().run_in_executor(None, apply, item_id, state, intent, user)
        except ValueError as problem:
            return error(409, str(problem))
        return ok({"done": True, "message": message})

    @app.post("/api/editor/jobs")
    @editor_write
    async def start_job(request: Request) -> HTTPResponse:
        data = body(request)
        command = data.get("command")
        if command not in JOBS:
            return error(400, "Tuntematon toiminto.")
        if job.running:
            return error(409, f"Toiminto {job.command} on vielä kesken.")
        args = [command] + (["--force"] if command == "publish" and data.get("force") is True else [])
        job.__init__()
        job.command, job.started = " ".join(args), time.time()
        job.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "editor", *args, cwd=str(ROOT),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        asyncio.get_running_loop().create_task(_follow(job))
        return ok(job.as_dict())

    @app.get("/api/editor/jobs/current")
    @editor
    async def current_job(request: Request) -> HTTPResponse:
        return ok(job.as_dict())

    @app.get("/api/editor/report")
    @editor
    async def report(request: Request) -> HTTPResponse:
        def load() -> dict:
            from bot.editor.cli import production_model, reports_dir
            from bot.model import model_path

            found = {}
            settings = Settings.from_env()
            for key, model in (("candidate", model_path(settings.models_dir, settings.training_root)),
                               ("production", production_model())):
                if model is not None and (reports_dir(model) / "report.json").exists():
                    data = json.loads((reports_dir(model) / "report.json").read_text(encoding="utf-8"))
                    found[key] = {k: data[k] for k in ("model", "n", "accuracy", "macro_f1", "per_intent", "red_flags")}
            return found

        return ok(await asyncio.get_running_loop().run_in_executor(None, load))

    @app.get("/api/editor/confusion/<name>")
    @editor
    async def confusion(request: Request, name: str) -> HTTPResponse:
        from bot.editor.cli import reports_dir

        if not MODEL_NAME.match(name):
            return error(404, "Kuvaa ei löydy.")
        picture = reports_dir(Path(name + ".tar.gz")) / "confusion.png"
        if not picture.exists():
            return error(404, "Kuvaa ei löydy: arvioi malli ensin.")
        return await response.file(picture, mime_type="image/png", headers=headers)


async def _follow(job: Job) -> None:
    assert job.process is not None and job.process.stdout is not None
    async for raw in job.process.stdout:
        line = raw.decode("utf-8", "replace").rstrip()
        if line and "Warning" not in line and "warn(" not in line and "declare_namespace" not in line:
            job.lines.append(line[:500])
            del job.lines[:-2000]
    job.exit_code = await job.process.wait()
    job.finished = time.time()
