"""Issue 9's budget, measured as whole processes: 10,000 seeded random play-throughs of the
bench's generated 40-node scenario with the full mood model and rubric.

  (a) the baseline: bench/dict_walk.py, a bare plain-Python dict walk keeping only counters;
  (b) the analyser's random play, `analysis.random_scores(PlayTree(...), RUNS, SEED)`;
  (c) the project's own one-by-one Session loop playing the same play-throughs (choices as
      the analysis module docstring defines them: U = default_rng(SEED).random((RUNS,
      TURN_LIMIT)), option floor(U[k, t] * n)).
Each is a fresh `python -m ...` process (start-up, imports and loading included), timed as
the median of a few runs. (b) and (c) must give identical outcome, overall and grade for
every play-through. Budget: b <= a and c >= 20 x b.

    .venv/bin/python -m bench.play_budget            # the rows, as `make bench` shows them
    .venv/bin/python -m bench.play_budget analyser   # (b) alone, results as JSON on stdout
    .venv/bin/python -m bench.play_budget sessions   # (c) alone
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 10_000
SEED = 0
REPEATS = 3  # runs of (a) and (b); the Session loop is slow, so it runs SESSION_REPEATS times
SESSION_REPEATS = 1


def _scenario():
    from bench.dict_walk import NODES
    from bench.generate import generate_scenario
    from simulator.scenario.catalog import load_catalog
    from simulator.scenario.loader import load_scenario

    catalog, _ = load_catalog()
    scenario, diagnostics = load_scenario(f"<generated-{NODES}>", catalog, data=generate_scenario(NODES).encode())
    if scenario is None:
        raise RuntimeError("generated scenario does not load: " + diagnostics[0].message)
    return scenario, catalog


def analyser() -> list[tuple[str, float, str]]:
    from simulator.engine.analysis import random_scores
    from simulator.engine.batch_play import PlayTree
    from simulator.scenario.model import OUTCOMES

    scenario, catalog = _scenario()
    tree = PlayTree(scenario, catalog)
    overall, grade, outcome = random_scores(tree, RUNS, SEED)
    return [(OUTCOMES[int(o)], float(v), tree.grade_letters[int(g)])
            for o, v, g in zip(outcome.tolist(), overall.tolist(), grade.tolist())]


def sessions() -> list[tuple[str, float, str]]:
    import numpy as np

    from simulator.engine.compiled import compile_scenario
    from simulator.engine.session import TURN_LIMIT, Phase, Session

    scenario, catalog = _scenario()
    compiled = compile_scenario(scenario, catalog)
    draws = np.random.default_rng(SEED).random((RUNS, TURN_LIMIT))
    out = []
    for k in range(RUNS):
        session = Session(scenario, catalog, compiled=compiled)
        turn = 0
        while session.phase is Phase.AWAITING_REPLY:
            session.choose(math.floor(draws[k, turn] * len(session.options)))
            turn += 1
        result = session.result
        out.append((result.outcome, result.overall, result.grade))
    return out


def _timed(module: str, *args: str, repeats: int) -> tuple[float, str]:
    """Median wall seconds of `python -m module args` and its stdout (of the last run)."""
    # (imported here: the timed processes import this module too, and need none of these)
    import statistics
    import subprocess
    import time

    times, output = [], ""
    for _ in range(repeats):
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True, text=True,
                              check=True)
        times.append(time.perf_counter() - started)
        output = done.stdout
    return statistics.median(times), output


def run() -> list[tuple]:
    walk_s, _ = _timed("bench.dict_walk", repeats=REPEATS)
    analyser_s, analysed = _timed("bench.play_budget", "analyser", repeats=REPEATS)
    session_s, played = _timed("bench.play_budget", "sessions", repeats=SESSION_REPEATS)
    same = json.loads(analysed) == json.loads(played)
    label = f"{RUNS:,} random play-throughs, generated 40-node, whole process"
    return [
        (f"(a) dict walk, counters only: {label}", walk_s, "s", None, None),
        (f"(b) analyser random_scores: {label}", analyser_s, "s", None, None),
        (f"(c) Session loop one by one: {label}", session_s, "s", None, None),
        ("  b / a (budget: no slower than the dict walk)", analyser_s / walk_s, "x", 1.0, analyser_s <= walk_s),
        ("  c / b (budget: the analyser at least 20x the Session loop)", session_s / analyser_s, "x",
         ">= 20 x", session_s / analyser_s >= 20),
        ("  (b) and (c): same outcome, overall, grade per play-through", "yes" if same else "NO", "", "yes", same),
    ]


if __name__ == "__main__":
    if sys.argv[1:] == ["analyser"]:
        print(json.dumps(analyser()))
    elif sys.argv[1:] == ["sessions"]:
        print(json.dumps(sessions()))
    else:
        for row in run():
            print(row)
