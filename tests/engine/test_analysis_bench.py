"""`make bench`'s table runner (bench/__main__.py): rows, flags, and never failing the run."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import __main__ as bench_main  # noqa: E402


def _module(monkeypatch, name, run):
    module = types.ModuleType(f"bench.{name}")
    module.run = run
    monkeypatch.setitem(sys.modules, f"bench.{name}", module)


def test_rows_get_budgets_and_flags(monkeypatch):
    _module(monkeypatch, "fake_ok", lambda: [("fast thing", 0.25, "s", 0.5, True),
                                             ("slow thing", 2.0, "s", 0.5, False),
                                             ("just a figure", 1234.5, "ms", None, None),
                                             ("ratio", 0.71, "x", "≤ 1.3 x", True)])
    rows = bench_main.collect(("fake_ok",))
    assert rows == [("fake_ok", "fast thing", "0.25 s", "≤ 0.5 s", "OK"),
                    ("fake_ok", "slow thing", "2 s", "≤ 0.5 s", "OVER"),
                    ("fake_ok", "just a figure", "1234 ms", "—", "—"),
                    ("fake_ok", "ratio", "0.71 x", "≤ 1.3 x", "OK")]


def test_missing_and_broken_modules_become_rows(monkeypatch):
    def explode():
        raise RuntimeError("disk full")

    _module(monkeypatch, "fake_broken", explode)
    rows = bench_main.collect(("fake_missing_area", "fake_broken"))
    assert rows[0][1:] == ("(no bench module yet)", "—", "—", "SKIP")
    assert rows[1][0] == "fake_broken" and rows[1][4] == "ERROR" and "disk full" in rows[1][2]


def test_render_aligns_columns():
    text = bench_main.render([("a", "long measurement", "1 s", "≤ 2 s", "OK"), ("bb", "x", "10 s", "≤ 2 s", "OVER")])
    lines = text.splitlines()
    assert lines[0].split() == ["area", "measurement", "value", "budget", "status"]
    assert set(lines[1]) <= {"-", " "}
    assert lines[2].index("1 s") == lines[3].index("10 s")


def test_main_exits_0_even_when_over_budget(monkeypatch, capsys):
    _module(monkeypatch, "fake_over", lambda: [("slow", 9.0, "s", 1, False)])
    monkeypatch.setattr(bench_main, "AREAS", ("fake_over",))
    assert bench_main.main() == 0
    out = capsys.readouterr().out
    assert "OVER" in out and "1 over budget" in out


@pytest.mark.parametrize("value, text", [(0.0034, "0.0034"), (1.234, "1.23"), (250.4, "250"), (7, "7")])
def test_number_format(value, text):
    assert bench_main._number(value) == text
