"""`Stepper.step_from(parents, rows, choices)` is `step(parents.take(rows), choices)` without the copies."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulator.engine.batch_step import Stepper
from simulator.engine.compiled import compile_scenario
from simulator.engine.state import STATE_FIELDS

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED[:4], ids=lambda p: p.stem)
def test_stepping_parent_rows_equals_stepping_their_copies(path, catalog):
    from simulator.scenario.loader import load_scenario

    scenario, _ = load_scenario(path, catalog)
    stepper = Stepper(scenario, catalog, compile_scenario(scenario, catalog))
    frontier = stepper.root()
    for _ in range(6):  # every child of every unfinished prefix, depth by depth
        counts = frontier.n_options.astype(np.int64)
        rows = np.repeat(np.arange(len(frontier)), counts)
        choices = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        copied = stepper.step(frontier.take(rows), choices)
        direct = stepper.step_from(frontier, rows, choices)
        for name in STATE_FIELDS:
            a, b = getattr(copied, name), getattr(direct, name)
            assert a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes(), name
        frontier = direct.take(np.flatnonzero(~direct.ended))
        if not len(frontier):
            break
    assert len(frontier) > 64  # wide enough for the many-row paths (sparse triggers, act slots)


@pytest.mark.parametrize("name", ["tablet_setup", "third_call"])  # nodes with conditional replies
def test_screens_from_the_table_equal_screens_worked_out_per_step(name, catalog, monkeypatch):
    """With few screens a node's options are a table filled on first sight; with too many to
    table they are worked out per distinct screen each step. Both must give the same states."""
    from simulator.engine import batch_step
    from simulator.scenario.loader import load_scenario

    scenario, _ = load_scenario(ROOT / "scenarios" / f"{name}.yaml", catalog)
    compiled = compile_scenario(scenario, catalog)
    tabled = Stepper(scenario, catalog, compiled)
    monkeypatch.setattr(batch_step, "_DENSE_CELLS", 0)
    untabled = Stepper(scenario, catalog, compiled)
    assert tabled._dense and not untabled._dense
    a, b = tabled.root(), untabled.root()
    for _ in range(8):
        counts = a.n_options.astype(np.int64)
        rows = np.repeat(np.arange(len(a)), counts)
        choices = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        a, b = tabled.step_from(a, rows, choices), untabled.step_from(b, rows, choices)
        for field in STATE_FIELDS:
            assert getattr(a, field).tobytes() == getattr(b, field).tobytes(), field
        going = np.flatnonzero(~a.ended)
        a, b = a.take(going), b.take(going)
        if not len(a):
            break
        many = untabled.step(b, np.zeros(len(b), dtype=np.int64))
        for k in range(0, len(a), max(1, len(a) // 7)):  # one row alone (a session's path) gives the same row
            alone = tabled.step(a.take(np.array([k])), np.array([0]))
            for field in STATE_FIELDS:
                assert getattr(alone, field)[0].tobytes() == getattr(many, field)[k].tobytes(), field
