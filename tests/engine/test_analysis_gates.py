"""The quality gates: each failure names the scenario and the gate, and shows how to replay it.

The surface strategies are checked against `Session` played with the same attempt seed (the
game's own shuffled order), the skill-chance nodes against the options `Session` shows, and
the moods per node against the line `Session` shows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulator.engine.analysis import analyse, analyse_with_tree
from simulator.engine.batch_play import PlayTree
from simulator.engine.batch_step import reply_skill_sets, skill_chances
from simulator.engine.node_moods import node_moods
from simulator.engine.quality_gates import (ANALYSER_GATES, BAIL_TRIGGERS, BEST_IS_TOP, ENDING_SHAPE, EVERY_ENDING,
                                            EVERY_NODE, EVERY_NOTE, GATES, MOOD_LINES, NO_DEAD_ENDS,
                                            NO_TRIGGER_TRAPS, NODE_COUNT, NOT_LONGEST, RANDOM_FAILS, REAL_CHOICES,
                                            SKILLS_SCORABLE, SURFACE_GATES, SURFACE_PREFIX, VALIDATES_CLEAN,
                                            WORST_IS_BOTTOM, GateReport, check_library_gates, gate_results,
                                            guide_results, judge, nodes_without_chance)
from simulator.engine.session import Phase, Session
from simulator.engine.surface_strategies import SEEDS, STRATEGIES, play_strategies
from simulator.scenario.loader import load_scenario
from simulator.scenario.model import SKILLS, Customer, Ending, LineVariant, Node, Reply, Scenario

ROOT = Path(__file__).resolve().parents[2]
GAMED = ROOT / "tests" / "fixtures" / "scenarios" / "gamed_double_charge.yaml"


@pytest.fixture(scope="module")
def tour(catalog, format_tour):
    return analyse(format_tour, catalog, runs=2000, seed=0)


@pytest.fixture(scope="module")
def tour_tree(catalog, format_tour):
    return analyse_with_tree(format_tour, catalog, runs=2000, seed=0)


@pytest.fixture(scope="module")
def gamed(catalog):
    scenario, diagnostics = load_scenario(GAMED, catalog)
    assert scenario is not None, diagnostics
    analysis, tree = analyse_with_tree(scenario, catalog, runs=2000, seed=0)
    return scenario, analysis, tree, judge(scenario, analysis, tree, diagnostics=diagnostics)


def _by_gate(results):
    return {r.gate: r for r in results}


# ----------------------------------------------------------------------------- the analyser's gates


def test_every_analyser_gate_is_judged_in_order(tour):
    assert [r.gate for r in gate_results(tour)] == list(ANALYSER_GATES)


def test_judge_gives_every_gate_once_in_order(gamed):
    *_, report = gamed
    assert [r.gate for r in report.results] == list(GATES)
    assert len(set(GATES)) == len(GATES)
    assert len(SURFACE_GATES) == len(STRATEGIES) == 15


def test_the_format_tour_fails_exactly_the_analyser_gates_it_should(tour):
    results = _by_gate(gate_results(tour))
    # `manager` needs the escalate threshold, which no play-through of the tour reaches
    assert not results[EVERY_ENDING].ok and "manager" in results[EVERY_ENDING].detail
    # the tour never offers a calm choice
    assert not results[SKILLS_SCORABLE].ok and "calm 0" in results[SKILLS_SCORABLE].detail
    for gate in (EVERY_NODE, NO_DEAD_ENDS, BEST_IS_TOP, WORST_IS_BOTTOM, RANDOM_FAILS):
        assert results[gate].ok, results[gate].detail


def test_failures_name_the_scenario_and_the_gate(tour):
    # the analyser's gates alone, in the lines every gate report prints
    failures = GateReport(tour.scenario_id, tour.path, gate_results(tour)).failure_lines()
    assert len(failures) == 2
    assert all(line.startswith("format-tour (") for line in failures)
    assert any(f'gate "{EVERY_ENDING}" failed' in line for line in failures)
    assert any(f'gate "{SKILLS_SCORABLE}" failed' in line and "--choices" in line for line in failures)


def test_the_skill_threshold_is_a_parameter(tour):
    assert _by_gate(gate_results(tour, min_skill_chances=0))[SKILLS_SCORABLE].ok
    most = max(c.most for c in tour.skill_chances)
    strict = _by_gate(gate_results(tour, min_skill_chances=most + 1))[SKILLS_SCORABLE]
    assert not strict.ok and all(skill in strict.detail for skill in ("listening", "empathy", "solutions"))


def _screen_chance(session: Session, skill: str, catalog) -> bool:
    node = session.scenario.nodes[session.node_id]
    sets = [reply_skill_sets(node.replies[o.reply_index], catalog) for o in session.options]
    return bool(skill_chances(sets)[SKILLS.index(skill)])


def test_a_failing_skill_gate_names_the_nodes_on_the_path_without_a_chance(catalog, format_tour, tour_tree):
    analysis, tree = tour_tree
    result = _by_gate(gate_results(analysis, tree=tree))[SKILLS_SCORABLE]
    calm = next(c for c in analysis.skill_chances if c.skill == "calm")
    assert not result.ok and calm.fewest == 0
    # what Session shows along the weakest path: the nodes whose screen offers no calm chance
    session, expected = Session(format_tour, catalog), []
    for choice in calm.weakest:
        if not _screen_chance(session, "calm", catalog) and session.node_id not in expected:
            expected.append(session.node_id)
        session.choose(choice - 1)
    assert expected and nodes_without_chance(tree, calm.weakest, "calm") == expected
    assert f"no calm chance at {', '.join(expected)}" in result.detail
    assert any(f"--choices {','.join(map(str, calm.weakest))}" in command for command in result.replay)


def _flat_scenario() -> Scenario:
    """Both replies score the same middling grade: neither an A nor an F exists."""
    acts = ("acknowledge", "validate", "invite", "paraphrase", "take-ownership", "summarize", "check-remaining")
    node = Node("a", (LineVariant("default", "..."),), (Reply("ok", acts, "done"), Reply("also ok", acts, "done")))
    return Scenario(schema_version=1, id="flat", title="Flat", summary="", difficulty=1, briefing="",
                    learning_goals=(), customer=Customer("Kim", "reasonable"), start="a", nodes={"a": node},
                    endings={"done": Ending("done", "resolved", "ok")})


def test_best_and_worst_gates_fail_on_a_flat_scenario(catalog):
    a = analyse(_flat_scenario(), catalog, runs=100)
    results = _by_gate(gate_results(a))
    assert a.best.overall == a.worst.overall and a.best.grade not in ("A", "F")
    assert not results[BEST_IS_TOP].ok and f"best is {a.best.grade}" in results[BEST_IS_TOP].detail
    assert results[BEST_IS_TOP].replay == (f"customer-sim run {a.path} --choices {a.best.choices_text}",)
    assert a.worst.grade != "F" and not results[WORST_IS_BOTTOM].ok


def test_random_gate_fails_when_random_play_passes(catalog):
    perfect = ("acknowledge", "validate", "invite", "paraphrase", "take-ownership", "offer-options", "summarize",
               "check-remaining", "thank")
    node = Node("a", (LineVariant("default", "..."),), (Reply("great", perfect, "done"),))
    generous = Scenario(schema_version=1, id="generous", title="G", summary="", difficulty=1, briefing="",
                        learning_goals=(), customer=Customer("Kim", "reasonable"), start="a", nodes={"a": node},
                        endings={"done": Ending("done", "resolved", "ok")})
    a = analyse(generous, catalog, runs=50)
    assert a.random.median_grade in a.grades[:a.grades.index(a.pass_grade) + 1]  # clicking anything passes
    result = _by_gate(gate_results(a))[RANDOM_FAILS]
    assert not result.ok and f"({a.random.median_grade})" in result.detail
    assert not _by_gate(gate_results(analyse(generous, catalog, runs=0)))[RANDOM_FAILS].ok  # not measured


def test_a_cut_short_sweep_cannot_prove_the_path_gates(catalog, format_tour):
    beam = analyse(format_tour, catalog, runs=100, tree_limit=5, sweep_limit=10, beam_width=2)
    results = _by_gate(gate_results(beam, min_skill_chances=0))
    for gate in (EVERY_NODE, NO_DEAD_ENDS, SKILLS_SCORABLE):
        assert not results[gate].ok and "unproven" in results[gate].detail


# ----------------------------------------------------------------------------- the guide's gates


def test_the_guide_gates_pass_on_a_library_shaped_scenario(gamed):
    *_, report = gamed
    results = _by_gate(report.results)
    for gate in (VALIDATES_CLEAN, NODE_COUNT, ENDING_SHAPE, EVERY_NOTE, REAL_CHOICES, MOOD_LINES, BAIL_TRIGGERS):
        assert results[gate].ok, (gate, results[gate].detail)


def test_the_guide_gates_name_what_is_missing(catalog):
    scenario = _flat_scenario()
    results = _by_gate(guide_results(scenario, analyse(scenario, catalog, runs=200)))
    assert not results[NODE_COUNT].ok and results[NODE_COUNT].detail == "1 nodes"
    assert not results[ENDING_SHAPE].ok and "a delighted ending" in results[ENDING_SHAPE].detail
    assert not results[EVERY_NOTE].ok and "a reply 1, a reply 2" in results[EVERY_NOTE].detail
    assert results[REAL_CHOICES].ok
    assert not results[MOOD_LINES].ok and "one line only: a" in results[MOOD_LINES].detail
    assert not results[BAIL_TRIGGERS].ok and "walk_out and escalate" in results[BAIL_TRIGGERS].detail
    assert results[VALIDATES_CLEAN].ok  # no diagnostics were given


def test_difficulty_and_warnings_gates(catalog, format_tour):
    from simulator.scenario.diagnostics import Diagnostic

    analysis = analyse(format_tour, catalog, runs=500)
    warning = Diagnostic(format_tour.path, 3, 1, "warning", "S301", "node 'x' can never be reached")
    elsewhere = Diagnostic("other.yaml", 3, 1, "warning", "S301", "not this file")
    results = _by_gate(guide_results(format_tour, analysis, [warning, elsewhere]))
    assert not results[VALIDATES_CLEAN].ok and "S301" in results[VALIDATES_CLEAN].detail
    assert "not this file" not in results[VALIDATES_CLEAN].detail
    declared, measured = format_tour.difficulty, analysis.measured_difficulty
    assert results["difficulty matches analyse"].ok == (declared == measured)
    assert f"declares {declared}, measured {measured}" in results["difficulty matches analyse"].detail
    unmeasured = _by_gate(guide_results(format_tour, analyse(format_tour, catalog, runs=0)))
    assert not unmeasured["difficulty matches analyse"].ok


# ----------------------------------------------------------------------------- surface strategies


def _session_play(scenario, catalog, compiled, strategy, seed):
    """The strategy played through Session with the attempt seed: (shown choices, result)."""
    session = Session(scenario, catalog, compiled=compiled, seed=seed)
    shown = []
    while session.phase is not Phase.ENDED:
        position = strategy.pick([o.text for o in session.options])
        shown.append(position + 1)
        session.choose(position)
    return tuple(shown), session.result


@pytest.mark.parametrize("strategy", STRATEGIES, ids=[s.name for s in STRATEGIES])
def test_each_strategy_plays_exactly_as_the_session_shows_it(catalog, gamed, strategy):
    scenario, analysis, tree, _ = gamed
    # a fresh tree, grown only where it goes
    (result,) = play_strategies(PlayTree(scenario, catalog), SEEDS, (strategy,))
    assert [p.seed for p in result.plays] == list(SEEDS) and len(SEEDS) >= 50
    for play in result.plays[:12]:
        shown, played = _session_play(scenario, catalog, tree.compiled, strategy, play.seed)
        assert play.choices == shown
        assert (play.overall, play.grade, play.outcome) == (played.overall, played.grade, played.outcome)
    overall = [p.overall for p in result.plays]
    assert result.median == round(float(np.median(overall)), 2)


def test_positions_are_positions_on_screen(gamed):
    *_, report = gamed
    first = next(r for r in report.surface if r.name == "always first")
    assert all(set(p.choices) == {1} for p in first.plays)
    # ... and the shuffle means "1" is a different authored reply for different seeds
    assert len({p.authored for p in first.plays}) > 1


def test_pressing_1_in_authored_order_scores_a_on_the_gamed_fixture(catalog, gamed):
    """Why the order is shuffled: in file order, the first reply is the right one every turn."""
    scenario, analysis, tree, _ = gamed
    session = Session(scenario, catalog, compiled=tree.compiled)
    while session.phase is not Phase.ENDED:
        session.choose(0)
    assert session.result.grade == "A" and session.result.passed


def test_the_surface_gate_fails_on_the_gamed_fixture_with_a_replay(catalog, gamed):
    scenario, analysis, tree, report = gamed
    results = _by_gate(report.results)
    longest = results[SURFACE_PREFIX + "always longest"]
    assert not longest.ok and "over 50 seeds" in longest.detail
    (command,) = longest.replay
    strategy = next(r for r in report.surface if r.name == "always longest")
    e = strategy.example
    assert command == f"customer-sim run {scenario.path} --seed {e.seed} --choices {e.choices_text}"
    # the replay, played as the game would show it for that seed, passes: the gate is right to fail
    replayed = Session.replay(scenario, catalog, [c - 1 for c in e.choices], seed=e.seed, compiled=tree.compiled)
    assert replayed.result.passed and replayed.result.grade == e.grade
    lines = report.failure_lines()
    assert any(f'gate "{SURFACE_PREFIX}always longest" failed' in line and f"replay: {command}" in line
               for line in lines)


def test_a_strategy_that_fails_gives_no_replay(gamed):
    *_, report = gamed
    for gate in SURFACE_GATES:
        result = _by_gate(report.results)[gate]
        assert result.ok == (not result.replay)


# ----------------------------------------------------------------------------- play warnings


def test_the_gamed_fixture_is_led_by_the_longest_reply(gamed):
    scenario, analysis, tree, report = gamed
    result = _by_gate(report.results)[NOT_LONGEST]
    assert not result.ok and "S401" in {d.code for d in report.warnings}
    assert result.replay == (f"customer-sim run {scenario.path} --choices {analysis.best.choices_text}",)


def test_the_gamed_fixture_walks_out_while_pleased(gamed):
    *_, report = gamed
    traps = [d for d in report.warnings if d.code == "S403"]
    assert traps and "walk_out" in traps[0].message
    assert not _by_gate(report.results)[NO_TRIGGER_TRAPS].ok


def test_the_tour_is_not_led_by_the_longest_reply(catalog, format_tour, tour_tree):
    from simulator.engine.play_lints import longest_turns

    analysis, tree = tour_tree
    longest, turns = longest_turns(tree, analysis.best.choices)
    report = judge(format_tour, analysis, tree)
    assert (2 * len(longest) > turns) == ("S401" in {d.code for d in report.warnings})


# ----------------------------------------------------------------------------- moods per node


def test_moods_per_node_match_what_the_session_shows(catalog, format_tour, tour_tree):
    analysis, tree = tour_tree
    moods = node_moods(tree)
    assert set(moods) == set(format_tour.nodes)
    rng = np.random.default_rng(7)
    seen = set()
    for _ in range(40):
        session = Session(format_tour, catalog, compiled=tree.compiled)
        while session.phase is not Phase.ENDED:
            node = format_tour.nodes[session.node_id]
            reach = {r.expression: r for r in moods[session.node_id]}
            assert session.expression in reach, (session.node_id, session.expression)
            label = reach[session.expression].line
            assert {v.expression: v.text for v in node.say}[label] == session.customer_line
            seen.add((session.node_id, session.expression))
            session.choose(int(rng.integers(len(session.options))))
    assert len(seen) > len(format_tour.nodes)  # some node was met in more than one mood
    assert all(r.prefixes > 0 for reaches in moods.values() for r in reaches)


# ----------------------------------------------------------------------------- one function for everyone


def test_check_library_gates_is_the_same_judgement(catalog, gamed):
    scenario, analysis, tree, report = gamed
    lines = check_library_gates(scenario, catalog, runs=2000, seed=0)
    assert lines == report.failure_lines()
    assert lines and all(line.startswith(f"double-charge ({scenario.path}): gate ") for line in lines)


def test_the_line_label_follows_pick_line():
    from simulator.engine.node_moods import shown_label

    scale = ("furious", "angry", "annoyed", "neutral", "pleased", "delighted")
    with_default = Node("n", (LineVariant("angry", "Grr."), LineVariant("default", "Hello.")), ())
    assert shown_label(with_default, "angry", scale) == "angry"
    assert shown_label(with_default, "pleased", scale) == "default"  # default before nearest
    nearest = Node("n", (LineVariant("furious", "GRR."), LineVariant("pleased", "Thanks.")), ())
    assert shown_label(nearest, "delighted", scale) == "pleased"
    assert shown_label(nearest, "annoyed", scale) == "furious"  # a tie goes to the angrier side


def test_a_tree_at_its_memory_budget_still_gets_every_gate(catalog, gamed):
    """The analysis tree may be full (analyse's --memory-limit); the strategies, the weakest
    path and the best path then walk a fresh tree, with the same answers."""
    scenario, analysis, tree, report = gamed
    full = PlayTree(scenario, catalog, tree.compiled)
    full.max_bytes = 1  # no room for a single prefix more
    with pytest.raises(Exception, match="memory budget"):
        full.follow([0])
    again = judge(scenario, analysis, full, diagnostics=())
    assert [(r.name, r.median, r.example) for r in again.surface] == \
        [(r.name, r.median, r.example) for r in report.surface]
    assert {d.code for d in again.warnings if d.code == "S401"} == {"S401"}


def test_the_length_strategies_rank_the_replies_on_screen():
    picks = {s.name: s.pick for s in STRATEGIES}
    texts = ["aaaa", "a", "aaaaaa", "aa", "aaaaa"]  # lengths 4, 1, 6, 2, 5: longest first 2, 4, 0, 3, 1
    assert picks["always longest"](texts) == 2 and picks["always shortest"](texts) == 1
    assert picks["second longest"](texts) == 4
    assert picks["second shortest"](texts) == 3
    assert picks["middle length"](texts) == 0  # rank 5 // 2 = 2 of the five, longest first
    tied = ["bb", "cc", "a", "dd"]  # three of length 2: the first shown ranks first among them
    assert [picks[n](tied) for n in ("second longest", "second shortest", "middle length")] == [1, 3, 3]
    for name in ("second longest", "second shortest", "middle length"):
        assert picks[name](["only"]) == 0  # one reply shown: that one
    assert picks["second longest"](["x", "yy"]) == 0 and picks["second shortest"](["x", "yy"]) == 1
    assert picks["second longest, longer of two"](["x", "yy"]) == 1  # of two: the longer
    assert picks["second shortest, shorter of two"](["x", "yy"]) == 0
    assert picks["second longest, longer of two"](texts) == picks["second longest"](texts) == 4
    assert picks["second shortest, shorter of two"](texts) == picks["second shortest"](texts) == 3


def test_the_wording_strategies_count_what_the_screen_says():
    picks = {s.name: s.pick for s in STRATEGIES}
    timed = ["I can help with that.", "It ships today: by 5 on Thursday.", "Two days, I think."]
    assert picks["most numbers and times"](timed) == 1  # today, 5, Thursday
    assert picks["most numbers and times"](["No time.", "None here."]) == 0  # ties: the first shown
    negative = ["I can't, and I won't.", "No, not now.", "Sure, let's do it."]
    assert picks["fewest negatives"](negative) == 2
    assert picks["fewest negatives"](["Nothing.", "Never."]) == 0
    assert picks["most sentences"](["One. Two.", "One. Two. Three!", "Well?"]) == 1
    assert picks["most sentences"](["Hm", "Ah"]) == 0
