"""The unscored sweep must see exactly what the scored tree sees, in less time and memory."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.engine.analysis import _grow_all
from simulator.engine.batch_play import BY_ENDING, REASONS, PlayTree
from simulator.engine.play_sweep import sweep
from simulator.scenario.model import SKILLS

from test_analysis_exactness import _random_scenario  # noqa: E402 - same folder, on sys.path under pytest


def _first(tree: PlayTree, candidates) -> tuple[int, ...]:
    """The shortest candidate's choices, ties to the smallest choice numbers."""
    return min((tuple(tree.path(int(c))) for c in candidates), key=lambda p: (len(p), p))


def _compare(scenario, catalog):
    tree = PlayTree(scenario, catalog)
    assert _grow_all(tree, 200_000), "test scenario too large to grow in full"
    swept = sweep(PlayTree(scenario, catalog).stepper, 200_000)
    leaves = tree.leaves()
    assert swept.complete and swept.prefixes == tree.size
    complete = leaves[tree.reason[leaves] == BY_ENDING]
    assert swept.complete_paths == complete.size
    assert swept.longest == int(tree.depth[leaves].max())
    reached = {tree.node_ids[i] for i in np.unique(tree.loc[:tree.size])}
    reached |= {tree.ending_ids[i] for i in np.unique(tree.ending[leaves]) if i >= 0}
    assert swept.reached == reached
    for index, ending_id in enumerate(tree.ending_ids):
        here = complete[tree.ending[complete] == index]
        assert swept.ending_paths[ending_id] == here.size
        if here.size:
            assert swept.ending_examples[ending_id] == _first(tree, here)
    stopped = leaves[tree.reason[leaves] != BY_ENDING]
    expected_stops = {}
    for loc, reason in {(int(tree.loc[i]), int(tree.reason[i])) for i in stopped}:
        here = stopped[(tree.loc[stopped] == loc) & (tree.reason[stopped] == reason)]
        expected_stops[(tree.node_ids[loc], REASONS[reason])] = (here.size, _first(tree, here))
    assert {(s.node_id, s.reason): (s.count, s.example) for s in swept.stops} == expected_stops
    if complete.size:
        for i, skill in enumerate(SKILLS):
            values = tree.chances[complete, i]
            fewest, example = swept.fewest_chances[skill]
            assert fewest == values.min() and swept.most_chances[skill] == values.max()
            assert example == _first(tree, complete[values == fewest])


def test_sweep_matches_the_tree_on_the_format_tour(catalog, format_tour):
    _compare(format_tour, catalog)


@pytest.mark.parametrize("seed", range(60))
def test_sweep_matches_the_tree_on_random_scenarios(seed, catalog):
    scenario = _random_scenario(seed, catalog)
    probe = sweep(PlayTree(scenario, catalog).stepper, 20_000)
    if not probe.complete:
        pytest.skip("play tree of this random scenario is too large for a quick comparison")
    _compare(scenario, catalog)


def test_enough_random_scenarios_are_small_enough_to_compare(catalog):
    small = sum(sweep(PlayTree(_random_scenario(seed, catalog), catalog).stepper, 20_000).complete
                for seed in range(60))
    assert small >= 20


def test_the_limit_stops_the_sweep(catalog, format_tour):
    swept = sweep(PlayTree(format_tour, catalog).stepper, 10)
    assert not swept.complete and swept.prefixes <= 10


def _scored_paths(tree: PlayTree) -> dict:
    leaves = tree.leaves()
    return {tuple(tree.path(int(leaf))): (float(tree.overall[leaf]), int(tree.grade[leaf]),
                                          tuple(tree.skills[leaf].tolist()), int(tree.outcome[leaf]))
            for leaf in leaves}


def test_a_tree_that_adopts_the_sweep_scores_what_a_grown_tree_scores(catalog):
    compared = 0
    for seed in range(40):
        scenario = _random_scenario(seed, catalog)
        grown = PlayTree(scenario, catalog)
        if not _grow_all(grown, 50_000):
            continue  # too large to grow in full here
        adopted = PlayTree(scenario, catalog)
        swept = sweep(adopted.stepper, 200_000, adopt=adopted.adopt, adopt_limit=200_000,
                      abandon=adopted.forget_adopted)
        adopted.score_adopted()
        assert swept.complete and adopted.size == grown.size == swept.prefixes, seed
        assert _scored_paths(adopted) == _scored_paths(grown), seed
        # the adopted tree keeps no rubric state; rebuilt from the path it is the grown tree's
        going = np.nonzero(~adopted.ended[:adopted.size])[0]  # (an ended row's state also has the finish)
        some = going[:: max(1, going.size // 50)]
        assert (adopted._marks_of(some).raw == grown.marks.raw[some]).all(), seed
        rebuilt, kept = adopted.states(some), grown.states(some)  # the fields only growing needs, too
        for name in ("uses", "visited", "grievance", "mood", "option_reply"):
            assert (getattr(rebuilt, name) == getattr(kept, name)).all(), (seed, name)
        compared += 1
        if compared == 6:
            break
    assert compared == 6, "too few random scenarios small enough to compare"


def test_a_sweep_that_outgrows_the_tree_leaves_only_the_opening(catalog):
    scenario = next(s for s in map(lambda k: _random_scenario(k, catalog), range(40))
                    if 10 < sweep(PlayTree(s, catalog).stepper, 50_000).prefixes < 50_000)
    tree = PlayTree(scenario, catalog)
    abandoned = []
    swept = sweep(tree.stepper, 200_000, adopt=tree.adopt, adopt_limit=3,
                  abandon=lambda: (abandoned.append(True), tree.forget_adopted()))
    tree.score_adopted()
    assert swept.complete and swept.prefixes > 3
    assert abandoned == [True] and tree.size == 1 and (tree.children[0] == -1).all()
    assert _grow_all(tree, 200_000) and _scored_paths(tree)  # it grows and scores as any tree
