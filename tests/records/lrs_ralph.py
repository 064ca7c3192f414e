"""A real learning record store for the tests and the bench: Ralph (PyPI `ralph-malph`),
installed from the pinned `lrs-requirements.txt` into its own venv under .tools/ralph/
(cached there, ignored by git, never part of the app's dependencies), started on a free
port on 127.0.0.1 and stopped again.

    python = install_ralph()            # Path, or raises RalphUnavailable(reason)
    server = RalphServer(python, tmp_path / "lrs").start()
    server.endpoint, server.key, server.secret
    server.stored_ids()                 # ids in the store's own file, duplicates included
    server.stop() / server.kill() / server.start()   # same port, same data
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
REQUIREMENTS = HERE / "lrs-requirements.txt"
LAUNCHER = HERE / "ralph_launch.py"
TOOLS = ROOT / ".tools" / "ralph"
INSTALL_TIMEOUT_S = 900
START_TIMEOUT_S = 60


_AUTH_FILES: dict[tuple[str, str], str] = {}


class RalphUnavailable(Exception):
    """Ralph cannot be installed or started here; the message says why (a skip reason)."""


def install_ralph() -> Path:
    """The Python of a venv with Ralph installed (created once, then reused). Safe when
    two test workers ask at once (a file lock)."""
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()[:12]
    venv = TOOLS / digest
    python = venv / "bin" / "python"
    marker = venv / ".installed"
    TOOLS.mkdir(parents=True, exist_ok=True)
    with open(TOOLS / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.is_file() and python.exists():
            return python
        base = getattr(sys, "_base_executable", None) or sys.executable
        steps = [[base, "-m", "venv", "--clear", str(venv)],
                 [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                  "--no-input", "-r", str(REQUIREMENTS)]]
        for step in steps:
            try:
                done = subprocess.run(step, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S)
            except (OSError, subprocess.TimeoutExpired) as error:
                raise RalphUnavailable(f"cannot install Ralph ({error})") from None
            if done.returncode != 0:
                tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
                raise RalphUnavailable(f"cannot install Ralph from {REQUIREMENTS.name}: {' / '.join(tail)}")
        marker.write_text("ok\n")
    return python


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RalphServer:
    """One Ralph LRS with its data in `folder` and one user (`key`, `secret`)."""

    def __init__(self, python: Path, folder: Path, *, key: str = "trainee-desktops",
                 secret: str = "pa55-for-tests-only", port: int | None = None) -> None:
        self.python = Path(python)
        self.folder = Path(folder)
        self.key, self.secret = key, secret
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None
        (self.folder / "app").mkdir(parents=True, exist_ok=True)
        (self.folder / "store").mkdir(parents=True, exist_ok=True)
        self._env = {**{k: v for k, v in os.environ.items() if not k.startswith("RALPH_")},
                     "RALPH_APP_DIR": str(self.folder / "app"), "RALPH_RUNSERVER_BACKEND": "fs",
                     "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.folder / "store"),
                     "RALPH_BACKENDS__DATA__FS__DEFAULT_DIRECTORY_PATH": str(self.folder / "store"),
                     "RALPH_SENTRY_DSN": ""}
        auth = self.folder / "app" / "auth.json"
        if not auth.exists():
            cached = _AUTH_FILES.get((key, secret))
            if cached is None:  # `ralph auth` takes seconds (bcrypt, imports): once per process
                self.add_user(key, secret)
                _AUTH_FILES[(key, secret)] = auth.read_text()
            else:
                auth.write_text(cached)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    @property
    def statements_file(self) -> Path:
        return self.folder / "store" / "fs_lrs.jsonl"

    def add_user(self, name: str, secret: str) -> None:
        """`ralph auth … -w`: a user with every scope."""
        command = [str(self.python.parent / "ralph"), "auth", "-u", name, "-p", secret, "-s", "all",
                   "-M", f"mailto:{name}@example.com", "-w"]
        done = subprocess.run(command, env=self._env, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RalphUnavailable(f"ralph auth failed: {done.stderr.strip()[-300:]}")

    def start(self) -> "RalphServer":
        log = open(self.folder / "server.log", "ab")
        self.process = subprocess.Popen([str(self.python), str(LAUNCHER), "--port", str(self.port)],
                                        env=self._env, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        log.close()
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RalphUnavailable(f"Ralph exited at start: {self.log_tail()}")
            if self._answers():
                return self
            time.sleep(0.1)
        self.kill()
        raise RalphUnavailable(f"Ralph did not answer within {START_TIMEOUT_S} s: {self.log_tail()}")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall(b"GET /__heartbeat__ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                return b" 200 " in conn.recv(64)
        except OSError:
            return False

    def stop(self) -> None:
        """Stop it the polite way (SIGTERM), waiting for it to exit."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(15)
        self.process = None

    def stored(self) -> list[dict]:
        """Every statement in the store's own file, in the order written (duplicates kept)."""
        if not self.statements_file.exists():
            return []
        lines = self.statements_file.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def stored_ids(self) -> list[str]:
        return [statement["id"] for statement in self.stored()]

    def log_tail(self, lines: int = 5) -> str:
        path = self.folder / "server.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return " / ".join(text.strip().splitlines()[-lines:])

    def __enter__(self) -> "RalphServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
