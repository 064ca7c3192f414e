"""The two-command promise: the README's test command is exactly what CI runs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _commands(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text().splitlines()
            if line.strip() and not line.strip().startswith("#")]


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    fenced = re.findall(r"^    (make \w+)$", readme, flags=re.MULTILINE)
    assert "make test" in fenced and "make play" in fenced
    ci_lines = _commands(ROOT / ".ci" / "run")
    assert ci_lines[-1] == "make test"


def test_dependencies_are_pinned_exactly():
    pyproject = (ROOT / "pyproject.toml").read_text()
    block = pyproject.split("dependencies = [", 1)[1].split("]", 1)[0]
    specs = re.findall(r'"([^"]+)"', block)
    assert specs, "no runtime dependencies found"
    assert all("==" in spec for spec in specs), specs
    assert (ROOT / "uv.lock").is_file()


def test_nothing_generated_is_tracked():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if tracked.returncode != 0:
        return  # not a git checkout (e.g. an sdist): nothing to check
    bad = [p for p in tracked.stdout.splitlines()
           if re.search(r"(^|/)(\.venv|\.tools|__pycache__|\.pytest_cache|\.hypothesis)(/|$)", p)]
    assert bad == []


def test_python_dash_m_simulator_shows_help():
    out = subprocess.run([sys.executable, "-m", "simulator", "--help"],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0
    assert "validate" in out.stdout and "run" in out.stdout
