"""The scenario graph: reachability (replies and triggers), finishing, dead ends and traps."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from simulator.scenario import graph
from simulator.scenario.model import Condition, Customer, Ending, LineVariant, Node, Reply, Scenario, Trigger

ROOT = Path(__file__).resolve().parents[2]
WALK_OUT = Trigger(Condition(threshold="walk_out"), "gone")


def _node(node_id: str, *targets: str) -> Node:
    return Node(node_id, (LineVariant("default", "..."),),
                tuple(Reply(f"to {t}", ("clarify",), t) for t in targets))


def _scenario(*nodes: Node, triggers=()) -> Scenario:
    endings = {"done": Ending("done", "resolved", "ok"), "gone": Ending("gone", "walked-out", "bye")}
    return Scenario(schema_version=1, id="g", title="G", summary="", difficulty=1, briefing="",
                    learning_goals=(), customer=Customer("Kim", "reasonable"), start=nodes[0].id,
                    nodes={n.id: n for n in nodes}, endings=endings, triggers=tuple(triggers))


def test_a_trigger_target_is_reachable_after_the_first_reply():
    scenario = _scenario(_node("a", "b"), _node("b", "done"), triggers=[WALK_OUT])
    assert graph.reachable_ids(scenario) == {"a", "b", "done", "gone"}
    assert graph.fewest_turns(scenario) == {"a": 0, "b": 1, "gone": 1, "done": 2}


def test_no_reply_at_start_means_no_trigger_can_fire():
    scenario = _scenario(_node("a"), _node("b", "done"), triggers=[WALK_OUT])
    assert graph.reachable_ids(scenario) == {"a"}
    assert graph.structure(scenario).unreachable == ("b", "done", "gone")


def test_a_trigger_is_no_way_out_of_a_loop():
    # a -> b <-> c; the only way from the loop to an ending is the walk-out trigger
    scenario = _scenario(_node("a", "b", "done"), _node("b", "c"), _node("c", "b"), triggers=[WALK_OUT])
    facts = graph.structure(scenario)
    assert facts.finishing == {"a"}
    assert facts.dead_ends == ("b", "c")
    assert facts.traps == (graph.Trap(("b", "c"), loops=True),)


def test_every_dead_end_drains_into_a_trap_reported_once():
    # hall leads into the loop and into a node without replies; the loop's entry is no trap itself
    scenario = _scenario(_node("a", "hall", "done"), _node("hall", "x", "stuck"), _node("x", "y"),
                         _node("y", "x"), _node("stuck"), _node("orphan", "orphan"))
    facts = graph.structure(scenario)
    assert facts.dead_ends == ("hall", "x", "y", "stuck")
    assert facts.traps == (graph.Trap(("x", "y"), loops=True), graph.Trap(("stuck",), loops=False))
    assert facts.unreachable == ("orphan", "gone")  # a loop nobody enters is unreachable, not a trap


def test_a_node_looping_onto_itself_is_a_loop():
    facts = graph.structure(_scenario(_node("a", "a", "b"), _node("b", "b")))
    assert facts.traps == (graph.Trap(("b",), loops=True),)


def test_reply_reach_ignores_triggers():
    scenario = _scenario(_node("a", "b"), _node("b", "a"), _node("c", "done"), triggers=[Trigger(Condition(), "c")])
    assert graph.reply_reachable_ids(scenario, ["a"]) == {"a", "b"}
    assert "c" in graph.reachable_ids(scenario)


def test_walks_are_iterative_on_long_chains():
    chain = [_node(f"n{i}", f"n{i + 1}") for i in range(20_000)] + [_node("n20000", "n0")]
    facts = graph.structure(_scenario(*chain))
    assert len(facts.dead_ends) == 20_001 and len(facts.traps) == 1 and facts.traps[0].members[0] == "n0"
    assert graph.fewest_turns(_scenario(*chain))["n20000"] == 20_000


def test_the_graph_module_stays_below_the_engine():
    code = ("import sys, simulator.scenario.graph, simulator.scenario.lint, simulator.scenario.lint_turns\n"
            "print(sorted(m for m in sys.modules if m.startswith('simulator.engine')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
