"""`analyse --random-only` gives the full report's numbers; `analyse --watch` re-analyses on save."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from simulator import paths

CLI = [sys.executable, "-m", "simulator"]
SHIPPED = Path(paths.SCENARIOS_DIR)


def _json(*args: str) -> dict:
    done = subprocess.run([*CLI, "analyse", "--format", "json", *args], capture_output=True, text=True, timeout=600)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("name", ["tutorial", "double_charge"])
def test_random_only_reports_the_same_distribution_as_the_full_analysis(name):
    file = str(SHIPPED / f"{name}.yaml")
    full = _json("--seed", "7", "--runs", "3000", file)["scenarios"][0]
    quick = _json("--seed", "7", "--runs", "3000", "--random-only", file)["random_only"][0]
    assert quick["random_play"] == full["random_play"]
    assert quick["measured_difficulty"] == full["measured_difficulty"]
    assert quick["random_play"]["runs"] == 3000


def test_random_only_text_names_the_pass_rate_and_difficulty():
    done = subprocess.run([*CLI, "analyse", "--random-only", str(SHIPPED / "tutorial.yaml")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "random play-throughs (seed 0)" in done.stdout
    assert "measured" in done.stdout and "passed" in done.stdout
    assert "Quality gates" not in done.stdout  # only the distribution


def _reader(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line)


def _wait_for(lines: queue.Queue, text: str, seen: list[str], limit: float = 120.0) -> None:
    deadline = time.monotonic() + limit  # a guard against hanging, not a speed check
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            continue
        seen.append(line)
        if text in line:
            return
    raise AssertionError(f"never printed {text!r}; got:\n{''.join(seen)}")


@contextlib.contextmanager
def _watching(*argv: str):
    """A running `customer-sim analyse --watch ...`: (process, its output lines, lines seen);
    killed at the end if the test did not stop it."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([*CLI, "analyse", "--watch", *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_reader, args=(proc.stdout, lines), daemon=True).start()
    try:
        yield proc, lines, []
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_watch_reanalyses_on_save_survives_a_broken_save_and_stops_cleanly(tmp_path):
    file = tmp_path / "tutorial.yaml"
    shutil.copy(SHIPPED / "tutorial.yaml", file)
    with _watching("--random-only", "--runs", "500", str(file)) as (proc, lines, seen):
        _wait_for(lines, "-- watching 1 file", seen)
        assert any("500 random play-throughs" in line for line in seen)
        original = file.read_text(encoding="utf-8")
        file.write_text(original.replace("\ndifficulty: 1\n", "\ndifficulty: 3\n"), encoding="utf-8")
        _wait_for(lines, "difficulty declared 3", seen)
        file.write_text(original + "\n  oops: [unclosed\n", encoding="utf-8")
        _wait_for(lines, "error[", seen)  # the broken save's diagnostics, and the watch goes on
        file.write_text(original, encoding="utf-8")
        _wait_for(lines, "difficulty declared 1", seen)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0
        _wait_for(lines, "stopped watching", seen, limit=10)
        assert not any("Traceback" in line for line in seen), "".join(seen)


def test_watch_analyses_only_the_file_that_was_saved(tmp_path):
    for name in ("tutorial.yaml", "office_outage.yaml"):
        shutil.copy(SHIPPED / name, tmp_path / name)
    with _watching("--random-only", "--runs", "300", str(tmp_path)) as (proc, lines, seen):
        _wait_for(lines, "-- watching 2 file", seen)
        assert any("office_outage.yaml: 300" in line for line in seen)
        assert any("tutorial.yaml: 300" in line for line in seen)
        saved = tmp_path / "tutorial.yaml"
        saved.write_text(saved.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        _wait_for(lines, "analysed in", seen)
        again = "".join(seen[next(i for i, line in enumerate(seen) if "saved" in line and "tutorial" in line):])
        assert "tutorial.yaml: 300" in again and "office_outage" not in again
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0
