"""`customer-sim graph`: DOT output, rendering through Graphviz (real or stubbed), exit codes."""

from __future__ import annotations

import os
import shutil
import stat
import sys
import subprocess
from pathlib import Path

import pytest

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[2]
TOUR = str(ROOT / "tests" / "fixtures" / "scenarios" / "format_tour.yaml")


def _fake_dot(folder: Path, body: str) -> None:
    script = folder / "dot"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def no_graphviz(monkeypatch, tmp_path):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # nothing called `dot` can be found


def test_dot_goes_to_stdout_by_default(capsys):
    assert main(["graph", TOUR]) == 0
    out = capsys.readouterr().out
    assert out.startswith('digraph "format-tour" {')
    assert "(never reached in play)" in out  # the escalate threshold is never met in the tour


def test_no_play_marks_only_structure(capsys):
    assert main(["graph", TOUR, "--no-play"]) == 0
    assert "never reached" not in capsys.readouterr().out


def test_writes_a_dot_file(tmp_path, capsys):
    target = tmp_path / "tour.dot"
    assert main(["graph", TOUR, "-o", str(target)]) == 0
    assert target.read_text().startswith("digraph")
    assert str(target) in capsys.readouterr().err


def test_without_graphviz_the_dot_file_lands_beside_with_a_note(tmp_path, capsys, no_graphviz):
    target = tmp_path / "tour.svg"
    assert main(["graph", TOUR, "-o", str(target)]) == 0
    assert not target.exists()
    assert (tmp_path / "tour.dot").read_text().startswith("digraph")
    err = capsys.readouterr().err
    assert "Graphviz is not installed" in err and "tour.dot" in err and "dot -Tsvg" in err


def test_renders_through_dot_when_installed(tmp_path, monkeypatch, capsys):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    # a stand-in `dot` that records its arguments and input, and writes the output file
    _fake_dot(bin_dir, f'echo "$@" > "{tmp_path}/args"\ncat > "{tmp_path}/input"\n'
                       'while [ "$1" != "-o" ]; do shift; done\necho "<svg/>" > "$2"\n')
    monkeypatch.setenv("PATH", str(bin_dir) + os.pathsep + os.environ.get("PATH", ""))
    target = tmp_path / "tour.png"
    assert main(["graph", TOUR, "-o", str(target)]) == 0
    assert target.read_text().strip() == "<svg/>"
    assert (tmp_path / "args").read_text().split()[:1] == ["-Tpng"]
    assert (tmp_path / "input").read_text().startswith('digraph "format-tour"')


def test_graphviz_failure_is_exit_1_with_its_message(tmp_path, monkeypatch, capsys):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake_dot(bin_dir, 'echo "Error: syntax error in line 3" >&2\nexit 3\n')
    monkeypatch.setenv("PATH", str(bin_dir) + os.pathsep + os.environ.get("PATH", ""))
    assert main(["graph", TOUR, "-o", str(tmp_path / "tour.svg")]) == 1
    assert "syntax error in line 3" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed on this machine")
def test_real_graphviz_draws_an_svg(tmp_path):
    target = tmp_path / "tour.svg"
    assert main(["graph", TOUR, "-o", str(target)]) == 0
    assert "<svg" in target.read_text()


def test_invalid_scenario_is_exit_1_with_positioned_diagnostics(tmp_path, capsys):
    broken = tmp_path / "broken.yaml"
    text = Path(TOUR).read_text().replace("acts: [acknowledge, invite]", "acts: [acknowledgee, invite]")
    broken.write_text(text)
    assert main(["graph", str(broken)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    line = 1 + text[:text.index("acknowledgee")].count("\n")
    assert f"broken.yaml:{line}:" in captured.err and "error[" in captured.err


@pytest.mark.parametrize("argv, message", [
    (["graph", "no/such/file.yaml"], "no such file"),
    (["graph", TOUR, "-o", "graph.txt"], "cannot tell the format"),
    (["graph", str(ROOT / "scenarios")], "is a folder"),
])
def test_usage_errors_exit_2(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_missing_argument_is_usage_error():
    done = subprocess.run([sys.executable, "-m", "simulator", "graph"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2 and "usage" in done.stderr
