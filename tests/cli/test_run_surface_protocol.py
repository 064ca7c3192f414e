"""No strategy that reads only the screen passes a shipped scenario when it plays through the
line protocol (`run --interactive`) with the game's order for seeds 1 to 5.

The bots see exactly what a protocol client sees (the turn objects: line, expression, the
numbered texts); they run in-process through the protocol's own `drive()` so the whole
library stays fast (test_run_interactive.py drives the same code through a real subprocess).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from simulator.cli.line_protocol import drive
from simulator.engine.run_document import run_document
from simulator.engine.session import Session

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))
SEEDS = range(1, 6)


def _first_matching(texts, test) -> int:
    return next((i for i, text in enumerate(texts) if test(text)), 0)


STRATEGIES = {
    "first": lambda texts: 0,
    "last": lambda texts: len(texts) - 1,
    "middle": lambda texts: (len(texts) - 1) // 2,
    "longest": lambda texts: max(range(len(texts)), key=lambda i: (len(texts[i]), -i)),
    "shortest": lambda texts: min(range(len(texts)), key=lambda i: (len(texts[i]), i)),
    "sorry": lambda texts: _first_matching(texts, lambda t: "sorry" in t.lower() or "apolog" in t.lower()),
    "question": lambda texts: _first_matching(texts, lambda t: t.rstrip().endswith("?")),
}


def _play(scenario, catalog, seed: int, strategy) -> tuple[dict, list[int]]:
    """A protocol session driven by a bot that reads only the turn objects."""
    out, picks = io.StringIO(), []

    def read_line() -> str:
        turn = json.loads(out.getvalue().splitlines()[-1])
        assert turn["type"] == "turn"
        picks.append(strategy([o["text"] for o in turn["options"]]) + 1)
        return f"{picks[-1]}\n"

    assert drive(Session(scenario, catalog, seed=seed), read_line, out, run_document) == 0
    last = json.loads(out.getvalue().splitlines()[-1])
    assert last["type"] == "result"
    return last["result"], picks


@pytest.fixture(autouse=True)
def _no_look_ahead(monkeypatch):
    """The result's key moments (a look-ahead of ~0.2 s a play-through) are not what this test
    is about and it plays 35 per scenario: the bots only read outcome and grade."""
    import simulator.engine.run_document as run_document_module

    monkeypatch.setattr(run_document_module, "key_moments", lambda session: ())


@pytest.fixture(scope="module")
def library():
    from simulator.scenario.catalog import load_catalog
    from simulator.scenario.loader import load_scenario

    catalog, _ = load_catalog()
    loaded = {}
    for path in SHIPPED:
        scenario, diagnostics = load_scenario(path, catalog)
        assert scenario is not None, [d.message for d in diagnostics]
        loaded[path] = scenario
    return catalog, loaded


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_no_surface_strategy_passes_through_the_protocol(library, path):
    catalog, loaded = library
    passing = []
    for name, strategy in STRATEGIES.items():
        for seed in SEEDS:
            result, picks = _play(loaded[path], catalog, seed, strategy)
            assert result["seed"] == seed
            if result["passed"]:
                passing.append(f"'{name}' passes with {result['grade']} {result['overall']}: replay with "
                               f"customer-sim run {path.relative_to(ROOT)} --seed {seed} "
                               f"--choices {','.join(map(str, picks))}")
    assert not passing, "\n".join(passing)
