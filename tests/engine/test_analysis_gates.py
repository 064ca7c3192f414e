"""The quality gates content tests call: each failure names the scenario and the gate."""

from __future__ import annotations

import pytest

from simulator.engine.analysis import analyse
from simulator.engine.quality_gates import (BEST_IS_TOP, EVERY_ENDING, EVERY_NODE, GATES, NO_DEAD_ENDS,
                                            RANDOM_FAILS, SKILLS_SCORABLE, WORST_IS_BOTTOM, check_gates,
                                            gate_results)
from simulator.scenario.model import Customer, Ending, LineVariant, Node, Reply, Scenario


@pytest.fixture(scope="module")
def tour(catalog, format_tour):
    return analyse(format_tour, catalog, runs=2000, seed=0)


def _by_gate(results):
    return {r.gate: r for r in results}


def test_every_gate_is_judged_in_order(tour):
    assert [r.gate for r in gate_results(tour)] == list(GATES)


def test_the_format_tour_fails_exactly_the_gates_it_should(tour):
    results = _by_gate(gate_results(tour))
    # `manager` needs the escalate threshold, which no play-through of the tour reaches
    assert not results[EVERY_ENDING].ok and "manager" in results[EVERY_ENDING].detail
    # the tour never offers a calm choice
    assert not results[SKILLS_SCORABLE].ok and "calm 0" in results[SKILLS_SCORABLE].detail
    for gate in (EVERY_NODE, NO_DEAD_ENDS, BEST_IS_TOP, WORST_IS_BOTTOM, RANDOM_FAILS):
        assert results[gate].ok, results[gate].detail


def test_failures_name_the_scenario_and_the_gate(tour):
    failures = check_gates(tour)
    assert len(failures) == 2
    assert all(line.startswith("format-tour (") for line in failures)
    assert any(f'gate "{EVERY_ENDING}" failed' in line for line in failures)
    assert any(f'gate "{SKILLS_SCORABLE}" failed' in line and "--choices" in line for line in failures)


def test_the_skill_threshold_is_a_parameter(tour):
    assert _by_gate(gate_results(tour, min_skill_chances=0))[SKILLS_SCORABLE].ok
    most = max(c.most for c in tour.skill_chances)
    strict = _by_gate(gate_results(tour, min_skill_chances=most + 1))[SKILLS_SCORABLE]
    assert not strict.ok and all(skill in strict.detail for skill in ("listening", "empathy", "solutions"))


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
