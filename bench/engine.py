"""Engine figures for `make bench`: how long one `Session.choose()` takes, and issue 9's
whole-process budget rows (bench/play_budget.py: the dict-walk baseline, the analyser's random
play and the Session loop, 10,000 play-throughs of the generated 40-node scenario).

`choose()` is measured on the largest shipped scenario (or the format tour if none load),
replaying the first-reply path over and over with a shared compiled scenario, timing each
`choose()` on its own; its budget (issue 9) is the 70 µs it took before the session became a
view of the batch state.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 300  # play-throughs; each contributes one timing per turn
# The same code measured 66 to 82 µs in four runs a minute apart on this shared 2-core VM (other
# tenants' load lands in whole runs): the budget row is the lowest of REPEATS runs' medians, the
# usual guard against interference for a microsecond timing, and the next row shows every run.
REPEATS = 5
CHOOSE_BUDGET_US = 70.0


def _scenarios(catalog):
    from simulator.paths import SCENARIOS_DIR
    from simulator.scenario.loader import load_scenario

    paths = sorted(SCENARIOS_DIR.glob("*.yaml")) or []
    paths.append(ROOT / "tests" / "fixtures" / "scenarios" / "format_tour.yaml")
    loaded = []
    for path in paths:
        scenario, _ = load_scenario(path, catalog)
        if scenario is not None:
            loaded.append(scenario)
    return loaded


def run() -> list[tuple[str, float, str, float | None, bool | None]]:
    from simulator.engine.compiled import compile_scenario
    from simulator.engine.session import Phase, Session
    from simulator.scenario.catalog import load_catalog

    catalog, _ = load_catalog()
    if catalog is None:
        raise RuntimeError("scenarios/data does not load; run `customer-sim validate scenarios/`")
    scenario = max(_scenarios(catalog), key=lambda s: len(s.nodes))
    compiled = compile_scenario(scenario, catalog)

    started = time.perf_counter()
    compile_scenario(scenario, catalog)
    compile_ms = (time.perf_counter() - started) * 1000

    runs = []  # (median, timings) of each repeat
    snapshot_timings = []
    for _ in range(REPEATS):
        timings = []
        for _ in range(ROUNDS):
            session = Session(scenario, catalog, compiled=compiled)
            while session.phase is Phase.AWAITING_REPLY:
                before = time.perf_counter_ns()
                session.choose(0)
                timings.append(time.perf_counter_ns() - before)
            before = time.perf_counter_ns()
            session.snapshot()
            snapshot_timings.append(time.perf_counter_ns() - before)
        runs.append((statistics.median(timings) / 1000, timings))
    median_us, timings = min(runs, key=lambda run: run[0])
    medians = sorted(run[0] for run in runs)
    return [
        (f"choose() median ({scenario.id}, {len(timings)} turns, best of {REPEATS} runs)", median_us, "µs",
         CHOOSE_BUDGET_US, median_us <= CHOOSE_BUDGET_US),
        (f"  the {REPEATS} runs' medians, lowest to highest",
         " / ".join(f"{m:.1f}" for m in medians), "µs", None, None),
        ("choose() p95 (that run)", sorted(timings)[int(len(timings) * 0.95)] / 1000, "µs", None, None),
        ("compile scenario once", compile_ms, "ms", None, None),
        ("snapshot() of a finished session, median", statistics.median(snapshot_timings) / 1000, "µs", None, None),
        *play_budget_rows(),
    ]


def play_budget_rows() -> list[tuple]:
    from bench.play_budget import run as play_budget

    return play_budget()


if __name__ == "__main__":
    for row in run():
        print(row)
