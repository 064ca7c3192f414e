"""A sweep shared out between forked processes finds exactly what one process finds.

`play_sweep.SPLIT_WIDTH` is lowered here so that small random scenarios split too; a spy on
`run_forked` counts the splits, so no test passes by never splitting.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from simulator.engine import forked, play_sweep
from simulator.engine.batch_play import PlayTree
from simulator.engine.forked import SharedCounts, run_forked
from simulator.engine.play_sweep import sweep

from test_analysis_exactness import _random_scenario  # noqa: E402 - same folder, on sys.path under pytest

pytestmark = pytest.mark.skipif(not forked.can_fork(), reason="sharing the sweep out needs fork (Linux)")


@pytest.fixture
def splits(monkeypatch):
    """Split from a width of 4; the list holds the number of runs of every split that worked."""
    monkeypatch.setattr(play_sweep, "SPLIT_WIDTH", 4)
    done: list[int] = []

    def spy(pieces, meanwhile=None):
        results = run_forked(pieces, meanwhile)
        if results is not None:
            done.append(len(results))
        return results

    monkeypatch.setattr(play_sweep, "run_forked", spy)
    return done


def _stepper(seed, catalog):
    return PlayTree(_random_scenario(seed, catalog), catalog).stepper


@pytest.mark.parametrize("seed", range(40))
def test_shared_out_sweeps_find_what_one_process_finds(seed, catalog, splits):
    stepper = _stepper(seed, catalog)
    alone = sweep(stepper, 30_000)
    for workers in (2, 3):
        assert sweep(stepper, 30_000, workers=workers) == alone


def test_enough_random_sweeps_really_split(catalog, splits):
    for seed in range(40):
        sweep(_stepper(seed, catalog), 30_000, workers=3)
    assert len(splits) >= 8 and 3 in splits


def _wide(catalog):
    """A random scenario whose sweep splits and is cut by a limit of a few thousand prefixes."""
    for seed in range(200):
        stepper = _stepper(seed, catalog)
        whole = sweep(stepper, 200_000)
        if whole.complete and 3_000 < whole.prefixes < 60_000:
            return stepper, whole
    pytest.fail("no random scenario of the wanted size")


def test_a_prefix_limit_reached_in_the_shared_part_cuts_where_one_process_cuts(catalog, splits):
    stepper, whole = _wide(catalog)
    for limit in (whole.prefixes // 3, whole.prefixes // 2, whole.prefixes - 1, whole.prefixes):
        alone = sweep(stepper, limit)
        assert sweep(stepper, limit, workers=2) == alone
        assert alone.complete == (limit >= whole.prefixes)
    assert splits  # the full-size limit split and kept the split's findings


def test_a_frontier_bound_reached_in_the_shared_part_cuts_where_one_process_cuts(catalog, splits):
    stepper, whole = _wide(catalog)
    for bound in (50, 200, 1_000):
        alone = sweep(stepper, 200_000, max_frontier=bound)
        shared = sweep(stepper, 200_000, max_frontier=bound, workers=3)
        assert shared == alone
    assert not sweep(stepper, 200_000, max_frontier=50).complete


def test_a_failed_process_leaves_the_sweep_to_this_one(catalog, monkeypatch, splits):
    stepper, whole = _wide(catalog)
    parent = os.getpid()
    step_from = stepper.step_from

    def fails_in_children(*args):
        if os.getpid() != parent:
            raise RuntimeError("child failure")
        return step_from(*args)

    monkeypatch.setattr(stepper, "step_from", fails_in_children)
    assert sweep(stepper, 200_000, workers=2) == whole
    assert not splits  # the split was tried (the children failed) and nothing of it was kept


def test_without_fork_the_sweep_is_one_process(catalog, monkeypatch, splits):
    stepper, whole = _wide(catalog)
    monkeypatch.setattr(forked, "can_fork", lambda: False)
    assert sweep(stepper, 200_000, workers=4) == whole
    assert not splits


# ----------------------------------------------------------------------------- the fork helper


def test_run_forked_returns_each_result_in_order_and_children_see_the_parent_state():
    table = np.arange(1_000_000)  # built before the fork: the children read it without a copy
    results = run_forked([lambda k=k: (int(table[k * 1000]), os.getpid()) for k in range(3)])
    assert [value for value, _ in results] == [0, 1000, 2000]
    assert len({pid for _, pid in results} | {os.getpid()}) == 4


def test_run_forked_answers_none_when_a_piece_raises_or_dies():
    assert run_forked([lambda: 1, lambda: 1 // 0]) is None
    assert run_forked([lambda: os._exit(3), lambda: 2]) is None
    assert run_forked([lambda: 5, lambda: 6]) == [5, 6]


def test_shared_counts_add_up_across_children():
    counts = SharedCounts(3, 4, start=10)

    def piece(row):
        for _ in range(100):
            counts.add(row, 0, 1)
        counts.add(row, 2, row + 1)
        return True

    assert run_forked([lambda row=row: piece(row) for row in range(3)]) == [True, True, True]
    assert counts.total(0) == 310 and counts.total(2) == 6 and counts.total(1) == 0


def test_a_shipped_scenario_analysed_with_a_shared_out_sweep_reports_the_same(catalog, monkeypatch):
    from simulator.engine.analysis import analyse_with_tree
    from simulator.paths import SCENARIOS_DIR
    from simulator.scenario.loader import load_scenario

    done = []
    monkeypatch.setattr(play_sweep, "run_forked",
                        lambda pieces, meanwhile=None: done.append(len(pieces)) or run_forked(pieces, meanwhile))
    scenario, _ = load_scenario(SCENARIOS_DIR / "third_call.yaml", catalog)
    one, _ = analyse_with_tree(scenario, catalog, runs=200)
    two, _ = analyse_with_tree(scenario, catalog, runs=200, sweep_workers=2)
    assert done == [2]  # its 1.2 million prefixes are wide enough to share out
    assert two == one and one.budget.proven


def test_run_forked_answers_none_when_the_system_will_not_fork(monkeypatch):
    def refuse():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refuse)
    assert run_forked([lambda: 1, lambda: 2]) is None


def test_the_run_queue_hands_every_run_to_exactly_one_process():
    from simulator.engine.play_sweep import _RunQueue

    with _RunQueue(50, 3) as queue:
        taken = run_forked([lambda: list(queue) for _ in range(3)])
    every = [index for piece in taken for index in piece]
    assert sorted(every) == list(range(50))  # none twice, none left out, the "no more" marks not among them


def test_a_split_into_a_run_per_frontier_row_finds_what_one_process_finds(catalog, splits, monkeypatch):
    # more runs than the frontier has rows is cut down to one run a row; each run taken once
    monkeypatch.setattr(play_sweep, "RUNS_PER_WORKER", 1_000)
    stepper, whole = _wide(catalog)
    assert sweep(stepper, 200_000, workers=2) == whole
    assert splits


def test_more_runs_than_the_run_queue_holds_leave_the_sweep_to_this_one(catalog, splits, monkeypatch):
    from simulator.engine.play_sweep import _RunQueue

    stepper, whole = _wide(catalog)
    monkeypatch.setattr(_RunQueue, "MOST", 5)  # 3 processes need 3 runs and 3 "no more" marks
    assert sweep(stepper, 200_000, workers=3) == whole  # nothing forked, nothing waits on a full pipe
    assert not splits
    monkeypatch.setattr(_RunQueue, "MOST", 6)
    assert sweep(stepper, 200_000, workers=3) == whole
    assert splits == [3]


# ----------------------------------------------------------------------------- searching meanwhile


def _analysed(scenario, catalog, workers, tree_limit):
    from simulator.engine.analysis import analyse_with_tree

    analysis, tree = analyse_with_tree(scenario, catalog, runs=300, tree_limit=tree_limit, sweep_workers=workers)
    # the tree itself, prefix by prefix: the same prefixes under the same ids (ties are broken by id)
    return analysis, (tree.size, tree.parent[:tree.size].tobytes(), tree.choice[:tree.size].tobytes())


@pytest.mark.parametrize("seed", [*range(10), 42, 85, 124])  # 42, 85, 124: the guess misses
def test_the_searches_run_while_the_sweep_is_shared_out_find_what_they_find_after_it(seed, catalog, monkeypatch):
    """Random play and the beam search run in this process while the other processes sweep.
    With a --tree-limit below the sweep's size that guess stands; at its size every
    play-through may be scored instead, and the tree starts again from the opening. Either
    way the analysis is the one-process one, and the tree is prefix for prefix the one the
    searches grow when they wait for the sweep."""
    from simulator.engine import analysis

    monkeypatch.setattr(play_sweep, "SPLIT_WIDTH", 4)
    scenario = _random_scenario(seed, catalog)
    size = sweep(PlayTree(scenario, catalog).stepper, 200_000).prefixes
    searches = analysis._Searches.run
    for tree_limit in (max(1, size // 4), size, size + size // 8, size * 2):
        one, _ = _analysed(scenario, catalog, 1, tree_limit)
        shared, grown = _analysed(scenario, catalog, 2, tree_limit)
        assert shared == one
        with monkeypatch.context() as waiting:
            waiting.setattr(analysis._Searches, "run", lambda self: None)  # searched after the sweep
            assert _analysed(scenario, catalog, 2, tree_limit) == (one, grown)
    assert analysis._Searches.run is searches


def test_searching_meanwhile_happens_and_both_guesses_come_up(catalog, monkeypatch):
    from simulator.engine import analysis

    monkeypatch.setattr(play_sweep, "SPLIT_WIDTH", 4)
    meanwhile: list[object] = []
    seen: list[tuple[bool, bool]] = []  # per analysis: (searched meanwhile, what it found was kept)
    searches, take = analysis._Searches.run, analysis._Searches.take_scores

    def spy_run(self):
        meanwhile.append(self)
        searches(self)

    def spy_take(self):
        seen.append((self in meanwhile, self.ran))
        return take(self)

    monkeypatch.setattr(analysis._Searches, "run", spy_run)
    monkeypatch.setattr(analysis._Searches, "take_scores", spy_take)
    for seed in (3, 42):
        scenario = _random_scenario(seed, catalog)
        size = sweep(PlayTree(scenario, catalog).stepper, 200_000).prefixes
        for tree_limit in (max(1, size // 4), size):  # (at its very size the guess can miss)
            _analysed(scenario, catalog, 2, tree_limit)
    assert (True, True) in seen and (True, False) in seen  # kept, and started again from the opening
