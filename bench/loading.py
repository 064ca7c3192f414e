"""Loader budget: load + validate a generated 1,000-node scenario, as a ratio to bare
libyaml `yaml.compose` of the same text (DESIGN.md: at most 1.3).

Times are CPU time of this process (time.process_time), best of several rounds, with
the two sides interleaved: other programs on the machine then shift both alike.
"""

from __future__ import annotations

import gc
import os
import tempfile
import time

import yaml

BUDGET_RATIO = 1.3
N_NODES = 1000
ROUNDS = 7


def _best_seconds(action, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        action()
        best = min(best, time.process_time() - started)
    return best


def _without_gc(action):
    def run() -> None:
        enabled = gc.isenabled()
        gc.disable()
        try:
            action()
        finally:
            if enabled:
                gc.enable()
    return run


def run() -> list[tuple[str, float, str, float | None, bool | None]]:
    """Rows: bare compose time, load+lint time, and their ratio against the budget."""
    from bench.generate import generate_scenario
    from simulator.scenario.catalog import load_catalog
    from simulator.scenario.loader import load_scenario

    catalog, _ = load_catalog()
    if catalog is None:
        raise RuntimeError("the shared data files have errors; run customer-sim validate")
    text = generate_scenario(N_NODES)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "generated.yaml")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        scenario, diagnostics = load_scenario(path, catalog)
        if scenario is None or diagnostics:
            raise RuntimeError(f"generated scenario did not load cleanly: {diagnostics[:3]}")

        def bare() -> None:
            with open(path, encoding="utf-8") as handle:
                yaml.compose(handle.read(), Loader=loader)

        def full() -> None:
            load_scenario(path, catalog)

        times = {"bare": [], "bare_nogc": [], "full": []}
        for _ in range(3):
            times["bare"].append(_best_seconds(bare, ROUNDS))
            times["bare_nogc"].append(_best_seconds(_without_gc(bare), ROUNDS))
            times["full"].append(_best_seconds(full, ROUNDS))
    compose_s, strict_s, load_s = (min(times[k]) for k in ("bare", "bare_nogc", "full"))
    ratio = load_s / compose_s
    size_kib = len(text.encode()) / 1024
    return [
        (f"yaml.compose (libyaml), {N_NODES} nodes, {size_kib:.0f} KiB", compose_s * 1000, "ms",
         None, None),
        (f"load_scenario + lint, {N_NODES} nodes", load_s * 1000, "ms", None, None),
        ("load+validate / bare compose", ratio, "x", BUDGET_RATIO, ratio <= BUDGET_RATIO),
        ("  same, vs compose with gc paused too", load_s / strict_s, "x", None, None),
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
