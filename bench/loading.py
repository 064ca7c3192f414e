"""Loader budget: load + validate a generated 1,000-node scenario, as a ratio to bare
libyaml `yaml.compose` of the same text (DESIGN.md: at most 1.3)."""

from __future__ import annotations

import os
import statistics
import tempfile
import time

import yaml

BUDGET_RATIO = 1.3
N_NODES = 1000
ROUNDS = 15


def _median_seconds(action, rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run() -> list[tuple[str, float, str, float | None, bool | None]]:
    """Rows: bare compose time, load+lint time, and their ratio against the budget."""
    from bench.generate import generate_scenario
    from simulator.scenario.catalog import load_catalog
    from simulator.scenario.loader import load_scenario

    catalog, problems = load_catalog()
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

        # interleave so drifting machine load hits both sides alike
        bare_times, full_times = [], []
        for _ in range(3):
            bare_times.append(_median_seconds(bare, ROUNDS // 3))
            full_times.append(_median_seconds(full, ROUNDS // 3))
    compose_s, load_s = min(bare_times), min(full_times)
    ratio = load_s / compose_s
    size_kib = len(text.encode()) / 1024
    return [
        (f"yaml.compose (libyaml), {N_NODES} nodes, {size_kib:.0f} KiB", compose_s * 1000, "ms", None, None),
        (f"load_scenario + lint, {N_NODES} nodes", load_s * 1000, "ms", None, None),
        ("load+validate / bare compose", ratio, "x", BUDGET_RATIO, ratio <= BUDGET_RATIO),
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
