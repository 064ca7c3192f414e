"""Knuth's estimate of a play tree's size, against the sweep's exact count."""

from __future__ import annotations

import pytest

from simulator.engine.batch_play import PlayTree
from simulator.engine.play_sweep import sweep
from simulator.engine.tree_size import estimated_prefixes

from test_analysis_exactness import _random_scenario  # noqa: E402 - same folder, on sys.path under pytest


@pytest.mark.parametrize("seed", [1, 4, 7, 12, 20])
def test_the_estimate_is_near_the_true_size_on_average(seed, catalog):
    stepper = PlayTree(_random_scenario(seed, catalog), catalog).stepper
    exact = sweep(stepper, 200_000)
    if not exact.complete:
        pytest.skip("too large to count exactly here")
    estimate = sum(estimated_prefixes(stepper, probes=2_000, seed=s) for s in range(5)) / 5
    assert estimate == pytest.approx(exact.prefixes, rel=0.25)


def test_it_tells_a_large_shipped_scenario_from_a_small_one(catalog):
    from simulator.paths import SCENARIOS_DIR
    from simulator.scenario.loader import load_scenario

    def size(name):
        scenario, _ = load_scenario(SCENARIOS_DIR / f"{name}.yaml", catalog)
        return estimated_prefixes(PlayTree(scenario, catalog).stepper)

    assert size("third_call") > 5 * size("tutorial")  # 1.25 million prefixes against 4,928
