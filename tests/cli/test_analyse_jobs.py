"""`analyse --jobs`: several scenarios on several processes give exactly one process's output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.cli.analyse_jobs import MAX_JOBS, Outcome, default_jobs, run_all

ROOT = Path(__file__).resolve().parents[2]
TOUR = ROOT / "tests" / "fixtures" / "scenarios" / "format_tour.yaml"


@pytest.fixture
def folder(tmp_path):
    """Three scenarios (the tour under three ids) and one that does not load."""
    text = TOUR.read_text()
    for i, name in enumerate(("a", "b", "c")):
        (tmp_path / f"{name}.yaml").write_text(text.replace("id: format-tour", f"id: tour-{name}"))
    (tmp_path / "d_broken.yaml").write_text(text.replace("id: format-tour", "id: [not, an, id]"))
    return tmp_path


def _analyse(folder, *extra):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "simulator", "analyse", str(folder), "--runs", "300", *extra],
                          capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.parametrize("form", ["text", "json"])
def test_two_jobs_print_what_one_job_prints(folder, form):
    one = _analyse(folder, "--jobs", "1", "--format", form)
    two = _analyse(folder, "--jobs", "2", "--format", form)
    assert one.returncode == two.returncode == 1  # the broken file fails the run, the rest are analysed
    assert one.stdout == two.stdout and "tour-c" in one.stdout and "tour-a" in one.stdout
    assert one.stdout.index("tour-a") < one.stdout.index("tour-b") < one.stdout.index("tour-c")
    assert one.stderr == two.stderr


def test_results_come_back_in_order_and_errors_stay_with_their_scenario():
    work = [lambda i=i: Outcome(analysis=i) if i != 2 else Outcome(error="two failed") for i in range(5)]
    got = list(run_all(work, jobs=2))
    assert [o.analysis for o in got] == [0, 1, None, 3, 4]
    assert got[2].error == "two failed"


def test_jobs_never_exceed_the_scenarios_or_the_cap():
    assert default_jobs(1) == 1
    assert 1 <= default_jobs(100) <= MAX_JOBS


def test_the_longest_pieces_can_be_started_first_and_still_come_back_in_order(tmp_path):
    import time

    def piece(i):
        (tmp_path / f"{i}").write_text(str(time.monotonic()))  # when it started
        time.sleep(0.3 if i >= 2 else 0.05)
        return Outcome(analysis=i)

    work = [lambda i=i: piece(i) for i in range(4)]
    got = list(run_all(work, jobs=2, start_first=[3, 2, 1, 0]))
    assert [o.analysis for o in got] == [0, 1, 2, 3]
    started = sorted(range(4), key=lambda i: float((tmp_path / f"{i}").read_text()))
    assert set(started[:2]) == {2, 3}  # the two long ones were handed out first
    with pytest.raises(ValueError):
        list(run_all(work, jobs=2, start_first=[0, 1, 1, 3]))
