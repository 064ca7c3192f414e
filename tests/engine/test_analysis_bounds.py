"""Analysis within a memory and time budget (issue 13).

Every phase is sized from the scenario before it allocates (analysis_budget.plan); what does
not fit is sampled and the report says so. The whole-process promise (no input within the
size cap makes any command use more than 1 GB or print a traceback) is checked in
subprocesses under RLIMIT_AS, on inputs generated here, never by timing.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys

import numpy as np
import pytest

import hostile_inputs
from simulator.engine.analysis import analyse, random_play, random_scores
from simulator.engine.analysis_budget import BudgetExceeded, plan, row_bytes
from simulator.engine.batch_play import PlayTree
from simulator.engine.play_sweep import sweep
from simulator.paths import SCENARIOS_DIR
from simulator.scenario.catalog import load_catalog
from simulator.scenario.graph import finishing_ids
from simulator.scenario.lint_turns import fewest_turns
from simulator.scenario.loader import load_scenario

GIB = 1 << 30


@pytest.fixture(scope="module")
def catalog():
    loaded, problems = load_catalog()
    assert loaded is not None, problems
    return loaded


def _load(catalog, text: str, name: str = "generated.yaml"):
    scenario, diagnostics = load_scenario(name, catalog, data=text.encode())
    assert scenario is not None, [d.message for d in diagnostics if d.severity == "error"]
    return scenario


def test_row_size_does_not_grow_with_the_node_count(catalog):
    """visited is kept only for nodes a condition names: 8,000 nodes cost no more per prefix than 200."""
    rows = [row_bytes(PlayTree(_load(catalog, hostile_inputs.branching(n)), catalog).stepper) for n in (200, 8000)]
    assert rows[0] == rows[1] < 400


def test_the_plan_shrinks_with_the_widest_node_and_the_limit(catalog):
    narrow = PlayTree(_load(catalog, hostile_inputs.branching(50)), catalog).stepper
    wide = PlayTree(_load(catalog, hostile_inputs.wide(2000)), catalog).stepper
    a, b = plan(narrow, sweep_limit=10**7), plan(wide, sweep_limit=10**7)
    assert b.tree_rows * 20 < a.tree_rows and b.frontier_rows * 20 < a.frontier_rows
    small = plan(narrow, memory_limit_mb=64, sweep_limit=10**7)
    assert small.tree_rows * 7 < a.tree_rows < small.tree_rows * 9  # linear in the limit


def test_a_tree_past_its_budget_refuses_and_stays_as_it_was(catalog):
    tree = PlayTree(_load(catalog, hostile_inputs.branching(200)), catalog)
    random_play(tree, 50, 0)
    size, before = tree.size, tree.children[:tree.size].copy()
    tree.max_bytes = tree.size * tree.row_bytes  # no room for anything more
    parents, options = tree.frontier_children(np.arange(tree.size))
    assert parents.size
    with pytest.raises(BudgetExceeded):
        tree.grow(parents, options)
    assert tree.size == size and np.array_equal(tree.children[:size], before)
    assert random_play(tree, 2000, 1).size < 2000  # random play keeps the runs that fit instead
    tree.truncate(size)
    assert tree.size == size and np.array_equal(tree.children[:size], before)


def test_random_play_cut_short_is_a_prefix_of_the_full_run(catalog):
    scenario = _load(catalog, hostile_inputs.branching(300))
    full = PlayTree(scenario, catalog)
    all_finals = random_play(full, 2000, 3)
    limited = PlayTree(scenario, catalog)
    budget = plan(limited.stepper, memory_limit_mb=24, sweep_limit=10**6)
    limited.max_bytes = budget.tree_bytes // 2
    finals = random_play(limited, 2000, 3, budget)
    assert 0 < finals.size < 2000
    assert np.array_equal(limited.overall[finals], full.overall[all_finals[:finals.size]])
    assert np.array_equal(limited.outcome[finals], full.outcome[all_finals[:finals.size]])


def test_a_small_limit_samples_and_says_what(catalog):
    result = analyse(_load(catalog, hostile_inputs.branching(400)), catalog, memory_limit_mb=32, runs=3000)
    budget = result.as_json()["budget"]
    assert budget["memory_limit_mb"] == 32
    assert any(item.startswith("reachability") and "memory budget" in item for item in budget["sampled"])
    assert result.random.runs == result.random.requested == 3000  # played in slices, all of them
    assert result.as_json()["random_play"]["requested"] == 3000
    assert result.budget.limited and any("sampled" in line for line in result.budget.lines())


def test_random_play_in_slices_gives_every_run_with_the_same_scores(catalog):
    scenario = _load(catalog, hostile_inputs.branching(300))
    full = PlayTree(scenario, catalog)
    finals = random_play(full, 2000, 3)
    tree = PlayTree(scenario, catalog)
    budget = plan(tree.stepper, memory_limit_mb=24, sweep_limit=10**6)
    tree.max_bytes = budget.tree_bytes // 2  # far too small for 2,000 runs at once
    overall, grade, outcome = random_scores(tree, 2000, 3, budget)
    assert np.array_equal(overall, full.overall[finals]) and np.array_equal(grade, full.grade[finals])
    assert np.array_equal(outcome, full.outcome[finals])
    assert tree.size == 1  # every slice's prefixes were dropped again


def test_the_time_budget_cuts_the_sweep_and_says_so(catalog):
    result = analyse(_load(catalog, hostile_inputs.branching(400)), catalog, time_limit=-1.0, runs=100)
    assert not result.complete
    assert any("time budget" in item for item in result.budget.sampled)


def test_a_shipped_scenario_is_proven_within_the_default_budget(catalog):
    scenario, _ = load_scenario(SCENARIOS_DIR / "tutorial.yaml", catalog)
    result = analyse(scenario, catalog, runs=500)
    assert result.complete and result.search == "exhaustive"
    assert result.budget.sampled == [] and len(result.budget.proven) == 2 and not result.budget.limited


def _walk_reaches_ending(scenario, start):
    """The per-node walk the linear version replaced (quadratic on long chains). Only replies
    lead on: a trigger's threshold may never be crossed, so it is no way out (scenario.graph)."""
    seen, stack = {start}, [start]
    while stack:
        current = stack.pop()
        if current in scenario.endings:
            return True
        nexts = [reply.next for reply in scenario.nodes[current].replies] if current in scenario.nodes else []
        for target in nexts:
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return False


@pytest.mark.parametrize("name", sorted(p.name for p in SCENARIOS_DIR.glob("*.yaml")))
def test_linear_dead_end_check_agrees_with_the_walk(catalog, name):
    scenario, _ = load_scenario(SCENARIOS_DIR / name, catalog)
    expected = {n for n in scenario.nodes if _walk_reaches_ending(scenario, n)}
    assert finishing_ids(scenario) == expected


def test_a_chain_past_the_turn_limit_validates_with_a_warning_and_analyses_at_once(catalog):
    scenario, diagnostics = load_scenario("chain.yaml", catalog, data=hostile_inputs.chain(15000).encode())
    [warning] = [d for d in diagnostics if d.code == "S305"]
    assert "15000 turns" in warning.message and warning.severity == "warning"
    assert fewest_turns(scenario)["done"] == 15000
    result = analyse(scenario, catalog, runs=100)
    assert result.complete and result.longest == 60 and result.endings[0].paths == 0


def test_the_sweep_never_keeps_more_than_its_frontier(catalog):
    stepper = PlayTree(_load(catalog, hostile_inputs.branching(300)), catalog).stepper
    swept = sweep(stepper, 10**7, max_frontier=5000)
    assert not swept.complete and swept.cut == "memory budget"


# ------------------------------------------------------------------ whole processes

def _limited(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return apply


def _run_capped(args: list[str], timeout: float = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "simulator", *args], preexec_fn=_limited(GIB),
                          capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture(scope="module")
def big_inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("big")
    files = {"branching": hostile_inputs.branching(8000), "wide": hostile_inputs.wide(1000),
             "chain": hostile_inputs.chain(15000)}
    for name, text in files.items():
        assert len(text.encode()) <= 1 << 20, name  # within the size cap: the promise covers it
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("name, command", [("branching", ["analyse", "--format", "json"]),
                                           ("branching", ["graph", "-o", "-"]),
                                           ("chain", ["analyse", "--format", "json"]),
                                           ("wide", ["analyse", "--time-limit", "10"]),
                                           ("branching", ["validate"])])
def test_no_large_input_needs_more_than_a_gigabyte(big_inputs, name, command):
    done = _run_capped([command[0], str(big_inputs / f"{name}.yaml"), *command[1:]])
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr, done.stderr[-2000:]
    assert done.returncode in (0, 1), done.stderr[-2000:]
    if command[-1] == "json" and name == "branching":
        import json

        budget = json.loads(done.stdout)["scenarios"][0]["budget"]
        assert budget["sampled"] and budget["memory_limit_mb"] == 512


def test_per_node_tables_that_cannot_fit_are_refused_before_they_are_built(catalog):
    scenario = _load(catalog, hostile_inputs.branching(2000))
    with pytest.raises(BudgetExceeded, match="more than the 1 MB memory limit allows"):
        analyse(scenario, catalog, memory_limit_mb=1, runs=10)
    assert analyse(scenario, catalog, memory_limit_mb=64, runs=10).budget is not None


def test_tables_too_big_for_the_limit_are_a_message_in_a_capped_process(tmp_path):
    path = tmp_path / "wide_and_long.yaml"
    path.write_text(hostile_inputs.wide_and_long(), encoding="utf-8")
    assert path.stat().st_size <= 1 << 20
    done = _run_capped(["analyse", str(path)], timeout=300)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "not analysed within --memory-limit 512 MB" in done.stderr and "MB of tables" in done.stderr
    drawn = _run_capped(["graph", str(path), "-o", str(tmp_path / "g.dot")], timeout=300)
    assert drawn.returncode == 0 and "only structure is marked" in drawn.stderr



def test_the_validator_and_the_engine_share_one_turn_limit():
    from simulator.engine.session import TURN_LIMIT as ENGINE_LIMIT
    from simulator.scenario.limits import TURN_LIMIT as VALIDATOR_LIMIT

    assert VALIDATOR_LIMIT == ENGINE_LIMIT
