"""`analyse`: reachability, dead ends, best/worst paths, skill chances, random play."""

from __future__ import annotations

import json

import numpy as np
import pytest

from simulator.engine.analysis import analyse, explore, measured_difficulty, random_play, summarise_scores
from simulator.engine.batch_play import PlayTree, skill_chances
from simulator.engine.session import TURN_LIMIT, Phase, Session
from simulator.scenario.model import (SKILLS, Condition, Customer, Ending, LineVariant, Node, Reply, Scenario)


def _every_result(scenario, catalog, prefix=()):
    """(choices 0-based, overall, grade, ending) of every play-through, via Session (reference)."""
    session = Session.replay(scenario, catalog, list(prefix))
    if session.phase is Phase.ENDED:
        r = session.result
        return [(prefix, r.overall, r.grade, r.ending_id)]
    out = []
    for i in range(len(session.options)):
        out += _every_result(scenario, catalog, prefix + (i,))
    return out


@pytest.fixture(scope="module")
def tour_analysis(catalog, format_tour):
    return analyse(format_tour, catalog, runs=2000, seed=3)


def test_best_and_worst_are_the_true_extremes_and_replay_as_reported(tour_analysis, catalog, format_tour):
    everything = _every_result(format_tour, catalog)
    a = tour_analysis
    assert a.search == "exhaustive" and a.complete
    assert a.complete_paths == len(everything)
    assert a.best.overall == max(r[1] for r in everything)
    assert a.worst.overall == min(r[1] for r in everything)
    for summary in (a.best, a.worst):
        session = Session.replay(format_tour, catalog, [c - 1 for c in summary.choices])  # 1-based in reports
        assert (session.result.overall, session.result.grade, session.result.ending_id) == \
               (summary.overall, summary.grade, summary.ending_id)
    assert a.best.grade == "A" and a.worst.grade == "F"


def test_endings_reached_by_play(tour_analysis, catalog, format_tour):
    everything = _every_result(format_tour, catalog)
    counts = {e.ending_id: e.paths for e in tour_analysis.endings}
    for ending_id in format_tour.endings:
        assert counts[ending_id] == sum(1 for r in everything if r[3] == ending_id)
    # the tour's escalate trigger exists on the map but its threshold is never met in play
    assert counts["manager"] == 0
    assert tour_analysis.unreached_in_play == ("manager",)
    assert tour_analysis.unreachable == ()
    assert tour_analysis.dead_ends == ()


def test_ending_examples_are_the_best_path_to_that_ending(tour_analysis, catalog, format_tour):
    everything = _every_result(format_tour, catalog)
    for reach in tour_analysis.endings:
        if reach.example is None:
            continue
        assert reach.example.ending_id == reach.ending_id
        assert reach.example.overall == max(r[1] for r in everything if r[3] == reach.ending_id)


def test_results_do_not_depend_on_how_the_tree_was_grown(catalog, format_tour):
    """Random play grows the tree in a different order; reported paths must not change."""
    with_random = analyse(format_tour, catalog, runs=500, seed=1).as_json()
    without = analyse(format_tour, catalog, runs=0).as_json()
    for key in ("best", "worst", "endings", "skill_chances", "dead_ends", "reachability"):
        assert with_random[key] == without[key]


def test_json_is_deterministic(catalog, format_tour):
    one = json.dumps(analyse(format_tour, catalog, runs=1000, seed=5).as_json(), sort_keys=True)
    two = json.dumps(analyse(format_tour, catalog, runs=1000, seed=5).as_json(), sort_keys=True)
    assert one == two
    other_seed = json.dumps(analyse(format_tour, catalog, runs=1000, seed=6).as_json(), sort_keys=True)
    assert other_seed != one


def test_random_play_summary_counts_add_up(tour_analysis):
    r = tour_analysis.random
    assert r.runs == 2000 and r.seed == 3
    assert sum(r.histogram) == sum(r.grades.values()) == sum(r.outcomes.values()) == 2000
    assert r.p10 <= r.median <= r.p90
    assert r.passed == r.grades["A"] + r.grades["B"]


def test_random_play_follows_the_documented_definition(catalog, format_tour):
    """floor(U[k, t] * shown) with U = default_rng(seed).random((runs, TURN_LIMIT))."""
    tree = PlayTree(format_tour, catalog)
    finals = random_play(tree, 50, 11)
    draws = np.random.default_rng(11).random((50, TURN_LIMIT))
    for k in range(50):
        session = Session(format_tour, catalog)
        t = 0
        while session.phase is Phase.AWAITING_REPLY:
            session.choose(int(draws[k, t] * len(session.options)))
            t += 1
        assert tree.path(int(finals[k])) == list(session.choices)


def test_summary_of_random_play_matches_a_hand_count(catalog, format_tour):
    tree = PlayTree(format_tour, catalog)
    finals = random_play(tree, 300, 2)
    summary = summarise_scores(tree, tree.overall[finals], tree.grade[finals], tree.outcome[finals], 2)
    overall = sorted(float(tree.overall[f]) for f in finals)
    assert summary.median == pytest.approx((overall[149] + overall[150]) / 2)
    assert summary.histogram[9] == sum(1 for v in overall if v >= 90)
    assert summary.histogram[0] == sum(1 for v in overall if v < 10)


def _scenario(nodes, endings=None, triggers=()):
    endings = endings or {"done": Ending("done", "resolved", "ok")}
    return Scenario(schema_version=1, id="built", title="Built", summary="", difficulty=1, briefing="",
                    learning_goals=(), customer=Customer("Kim", "reasonable"), start=nodes[0].id,
                    nodes={n.id: n for n in nodes}, endings=endings, triggers=tuple(triggers))


def _node(node_id, *replies):
    return Node(node_id, (LineVariant("default", "..."),), tuple(replies))


def test_dead_ends_in_play_and_by_structure(catalog):
    loop = _scenario([
        _node("a", Reply("go round", ("clarify",), "b"), Reply("finish", ("thank",), "done")),
        _node("b", Reply("again", ("clarify",), "b")),  # no way out: only the turn limit ends it
    ])
    a = analyse(loop, catalog, runs=100)
    reasons = {(d.node_id, d.reason) for d in a.dead_ends}
    assert ("b", "no ending can be reached from here") in reasons
    assert ("b", f"{TURN_LIMIT}-turn limit") in reasons
    stopped = next(d for d in a.dead_ends if d.reason.endswith("limit"))
    assert stopped.example == (1,) * TURN_LIMIT and stopped.paths == 1

    hidden = _scenario([
        _node("a", Reply("hi", ("invite",), "b")),
        _node("b", Reply("only if furious", ("thank",), "done", when=Condition(expression=("furious",)))),
    ])
    a = analyse(hidden, catalog, runs=10)
    assert [(d.node_id, d.reason, d.example) for d in a.dead_ends] == [("b", "no reply available", (1,))]
    assert a.best.stopped == "no reply available" and a.best.ending_id is None
    assert a.unreached_in_play == ("done",)


def test_skill_chances_rule():
    invite = (frozenset({"listening"}), frozenset())
    dismiss = (frozenset(), frozenset({"empathy"}))
    defensive = (frozenset(), frozenset({"calm"}))
    row = dict(zip(SKILLS, skill_chances([invite, dismiss]).tolist()))
    assert row == {"calm": 0, "listening": 1, "empathy": 1, "solutions": 0, "follow_up": 0}
    # every reply loses calm: there is no better choice on screen, so no chance to show it
    assert skill_chances([defensive, defensive])[SKILLS.index("calm")] == 0
    assert skill_chances([defensive, invite])[SKILLS.index("calm")] == 1


def test_skill_chances_are_counted_along_each_path(catalog):
    built = _scenario([
        _node("a", Reply("tell me", ("invite",), "b"), Reply("whatever", ("dismiss",), "b")),
        _node("b", Reply("recap", ("summarize",), "done")),
    ])
    a = analyse(built, catalog, runs=0)
    chances = {c.skill: (c.fewest, c.most) for c in a.skill_chances}
    assert chances == {"calm": (0, 0), "listening": (1, 1), "empathy": (1, 1), "solutions": (0, 0),
                       "follow_up": (1, 1)}
    assert a.best.chances == {"calm": 0, "listening": 1, "empathy": 1, "solutions": 0, "follow_up": 1}


def test_beam_search_when_the_tree_is_too_big_to_score(catalog, format_tour):
    exhaustive = analyse(format_tour, catalog, runs=0)
    beam = analyse(format_tour, catalog, runs=0, tree_limit=5, beam_width=2)
    assert beam.search == "beam"
    assert beam.complete  # the unscored sweep still saw every play-through...
    assert [e.paths for e in beam.endings] == [e.paths for e in exhaustive.endings]
    assert beam.skill_chances == exhaustive.skill_chances  # ...so these stay exact
    assert beam.best is not None and beam.worst is not None
    assert beam.best.overall <= exhaustive.best.overall
    assert beam.worst.overall >= exhaustive.worst.overall
    session = Session.replay(format_tour, catalog, [c - 1 for c in beam.best.choices])
    assert session.result.overall == beam.best.overall


def test_a_cut_short_sweep_is_reported_as_incomplete(catalog, format_tour):
    partial = analyse(format_tour, catalog, runs=0, tree_limit=5, sweep_limit=10, beam_width=2)
    assert not partial.complete and partial.prefixes <= 10
    assert partial.best is not None  # the beam still finds play-throughs


def test_sweep_counts_match_the_scored_tree(catalog, format_tour):
    a = analyse(format_tour, catalog, runs=0)
    assert a.search == "exhaustive" and a.complete
    assert a.prefixes == a.scored_prefixes  # both passes saw the same whole tree


def test_explore_reports_what_play_reaches(catalog, format_tour):
    found = explore(format_tour, catalog)
    assert found.complete
    assert found.reached == (set(format_tour.nodes) | set(format_tour.endings)) - {"manager"}


def test_measured_difficulty_follows_the_random_pass_rate(tour_analysis):
    r = tour_analysis.random
    assert measured_difficulty(None) == 0
    # the cuts: >= 5 % of blind play passes -> 1, >= 1 % -> 2, else 3
    for passed, level in ((r.runs // 20, 1), (r.runs * 2 // 100, 2), (r.runs // 100, 2), (r.runs // 200, 3)):
        assert measured_difficulty(type(r)(**{**{f: getattr(r, f) for f in r.__slots__}, "passed": passed})) == level
