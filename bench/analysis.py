"""Analyser figures for `make bench`.

Budget (DESIGN.md): 10,000 seeded random play-throughs of the largest shipped scenario in
<= 0.5 s, with results identical to the session engine for the same seeds. Each timing is a
cold start on a fresh play tree (compiling the scenario and growing every prefix the
play-throughs visit) after one warm-up run, the median of REPEATS runs.

Issue 9's budgets, as whole processes: `customer-sim analyse scenarios/` in <= 1.5 s and
<= 150 MB peak (the largest process: a folder is shared out between worker processes, each
with its own tree), and importing the engine <= 0.1 s beyond numpy's own import.
"""

from __future__ import annotations

import math
import random
import statistics
import time
from pathlib import Path

RUNS = 10_000
SEED = 0
REPEATS = 5
BUDGET_SECONDS = 0.5
CHECKED = 200  # play-throughs replayed one by one through Session
LIBRARY_SECONDS, LIBRARY_MB, IMPORT_SECONDS, WATCH_SECONDS = 1.5, 150, 0.1, 0.5
ROOT = Path(__file__).resolve().parent.parent
# Runs a command and prints its wall time and the peak resident size of its largest process
# (the command's own or a worker's: RUSAGE_CHILDREN covers every waited-for descendant).
_MEASURE = """
import resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
seconds = time.perf_counter() - started
print(seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, done.returncode)
"""


def whole_process(*command: str, repeats: int = 3) -> tuple[float, float, int]:
    """(median wall seconds, largest peak MB, last exit code) of a command, run `repeats` times."""
    import subprocess
    import sys

    runs = []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", _MEASURE, *command], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
        runs.append((float(out[0]), float(out[1]), int(out[2])))
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs), runs[-1][2]


def import_cost(repeats: int = 5) -> tuple[float, float]:
    """(median seconds to import numpy alone, median seconds to import the engine's analyser),
    each in a fresh interpreter."""
    import subprocess
    import sys

    def timed(module: str) -> float:
        code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
        return float(subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                                    check=True).stdout)
    return (statistics.median(timed("numpy") for _ in range(repeats)),
            statistics.median(timed("simulator.engine.analysis") for _ in range(repeats)))


def _catalog():
    from simulator.scenario.catalog import load_catalog

    catalog, diagnostics = load_catalog()
    if catalog is None:
        raise RuntimeError("the catalog does not load: " + "; ".join(d.message for d in diagnostics[:3]))
    return catalog


def _shipped(catalog) -> list:
    """Every shipped scenario that loads, largest (most nodes, then replies) first."""
    from simulator.paths import SCENARIOS_DIR
    from simulator.scenario.loader import load_scenario

    loaded = []
    for path in sorted(Path(SCENARIOS_DIR).glob("*.yaml")):
        scenario, _ = load_scenario(path, catalog)
        if scenario is not None:
            loaded.append(scenario)
    return sorted(loaded, key=lambda s: (-len(s.nodes), -sum(len(n.replies) for n in s.nodes.values()), s.id))


def _generated(catalog, nodes: int = 40):
    from bench.generate import generate_scenario
    from simulator.scenario.loader import load_scenario

    scenario, diagnostics = load_scenario(f"<generated-{nodes}>", catalog,
                                          data=generate_scenario(nodes).encode("utf-8"))
    if scenario is None:
        raise RuntimeError("generated scenario does not load: " + diagnostics[0].message)
    return scenario


def time_random_play(scenario, catalog, runs: int = RUNS, seed: int = SEED, repeats: int = REPEATS):
    """Median seconds for `runs` random play-throughs on a fresh tree; also the last tree and finals."""
    from simulator.engine.analysis import random_play
    from simulator.engine.batch_play import PlayTree

    random_play(PlayTree(scenario, catalog), 100, seed)  # warm-up: imports, numpy first calls
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        tree = PlayTree(scenario, catalog)
        finals = random_play(tree, runs, seed)
        times.append(time.perf_counter() - started)
    return statistics.median(times), tree, finals


def agreement(scenario, catalog, tree, finals, runs: int = RUNS, seed: int = SEED, checked: int = CHECKED) -> int:
    """How many of `checked` sampled play-throughs give the same result through Session, one by one."""
    import numpy as np

    from simulator.engine.session import TURN_LIMIT, Phase, Session

    draws = np.random.default_rng(seed).random((runs, TURN_LIMIT))
    same = 0
    for k in random.Random(seed).sample(range(runs), min(checked, runs)):
        session = Session(scenario, catalog, compiled=tree.compiled)
        turn = 0
        while session.phase is Phase.AWAITING_REPLY:
            session.choose(math.floor(draws[k, turn] * len(session.options)))
            turn += 1
        leaf = int(finals[k])
        result = session.result
        same += (list(session.choices) == tree.path(leaf) and result.overall == float(tree.overall[leaf])
                 and result.grade == tree.grade_letters[int(tree.grade[leaf])]
                 and result.outcome == ("delighted", "resolved", "unresolved", "escalated",
                                        "walked-out")[int(tree.outcome[leaf])])
    return same


def run() -> list[tuple]:
    from simulator.engine.analysis import analyse
    from simulator.engine.batch_play import PlayTree
    from simulator.engine.play_sweep import sweep

    import sys

    catalog = _catalog()
    rows: list[tuple] = []
    seconds, peak, code = whole_process(sys.executable, "-m", "simulator", "analyse", "scenarios/")
    rows.append(("customer-sim analyse scenarios/ (whole process, every gate)", seconds, "s", LIBRARY_SECONDS,
                 seconds <= LIBRARY_SECONDS and code == 0))
    rows.append(("  peak memory, largest process", peak, "MB", LIBRARY_MB, peak <= LIBRARY_MB))
    # what --watch does after a save: one scenario analysed again, every gate, in a warm process,
    # with the processes `analyse` uses by default (its sweep shared out between them)
    from simulator.cli.analyse_jobs import MAX_JOBS, default_jobs
    from simulator.engine.analysis import analyse_with_tree
    from simulator.engine.quality_gates import judge

    watch = []
    for scenario in _shipped(catalog):
        started = time.perf_counter()
        report, tree = analyse_with_tree(scenario, catalog, runs=RUNS, seed=SEED, sweep_workers=default_jobs(MAX_JOBS))
        judge(scenario, report, tree)
        watch.append((time.perf_counter() - started, scenario.id))
    slowest, which = max(watch)
    within = sum(1 for seconds, _ in watch if seconds <= WATCH_SECONDS)
    rows.append((f"analyse --watch: re-analysis after a save, slowest shipped ({which})", slowest, "s",
                 WATCH_SECONDS, slowest <= WATCH_SECONDS))
    rows.append((f"  shipped scenarios re-analysed within {WATCH_SECONDS} s", f"{within}/{len(watch)}", "",
                 f"{len(watch)}/{len(watch)}", within == len(watch)))
    numpy_s, engine_s = import_cost()
    rows.append(("import simulator.engine.analysis beyond numpy's own import", engine_s - numpy_s, "s",
                 IMPORT_SECONDS, engine_s - numpy_s <= IMPORT_SECONDS))
    shipped = _shipped(catalog)
    timed = [(time_random_play(s, catalog, repeats=3 if i else REPEATS), s) for i, s in enumerate(shipped)]
    targets = []
    if timed:
        targets.append(("largest shipped", timed[0]))
        slowest = max(timed, key=lambda item: item[0][0])
        if slowest is not timed[0]:
            targets.append(("slowest shipped", slowest))
    for label, ((seconds, tree, finals), scenario) in targets:
        name = f"analyse: {RUNS:,} random play-throughs, {label} ({scenario.id}, {len(scenario.nodes)} nodes)"
        rows.append((name, seconds, "s", BUDGET_SECONDS, seconds <= BUDGET_SECONDS))
        same = agreement(scenario, catalog, tree, finals)
        checked = min(CHECKED, RUNS)
        rows.append((f"  same result as Session, one by one ({tree.size:,} prefixes stepped)", f"{same}/{checked}",
                     "", f"{checked}/{checked}", same == checked))
    generated = _generated(catalog)
    seconds, tree, _ = time_random_play(generated, catalog, repeats=3)
    rows.append((f"analyse: {RUNS:,} random play-throughs, generated 40-node ({tree.size:,} prefixes)",
                 seconds, "s", None, None))
    if shipped:
        heaviest = None
        for scenario in shipped:
            started = time.perf_counter()
            swept = sweep(PlayTree(scenario, catalog).stepper, 10_000_000)
            seconds = time.perf_counter() - started
            if heaviest is None or swept.prefixes > heaviest[1].prefixes:
                heaviest = (scenario, swept, seconds)
        scenario, swept, seconds = heaviest
        rows.append((f"analyse: sweep of every play-through, {scenario.id} ({swept.prefixes:,} prefixes)",
                     seconds, "s", None, None))
        started = time.perf_counter()
        report = analyse(scenario, catalog, runs=RUNS, seed=SEED)
        seconds = time.perf_counter() - started
        rows.append((f"analyse: full report, {scenario.id} ({report.search}, {report.scored_prefixes:,} scored)",
                     seconds, "s", None, None))
        started = time.perf_counter()
        for scenario in shipped:
            analyse(scenario, catalog, runs=RUNS, seed=SEED)
        rows.append((f"analyse: whole library ({len(shipped)} scenarios)", time.perf_counter() - started, "s",
                     None, None))
    return rows
