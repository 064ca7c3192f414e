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
