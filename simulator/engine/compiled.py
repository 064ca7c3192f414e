"""A scenario compiled against a catalog once, so sessions and the analyser share the work.

Compiling turns every reply into act rows + an effect vector, every `when` and trigger into
bound arrays, and rubric.yaml into a `Rubric`. Building a `Session` from an existing
`CompiledScenario` costs almost nothing, which matters when the analyser plays thousands.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from simulator.engine.conditions import CompiledCondition, compile_condition
from simulator.engine.mood import CompiledReply, MoodModel, compile_reply, compile_scenario_mood
from simulator.engine.rubric import Rubric, compile_rubric, resolution_reachable
from simulator.scenario.catalog_model import Catalog
from simulator.scenario.model import Scenario


@dataclass(frozen=True, slots=True, eq=False, weakref_slot=True)  # sessions cache their stepper by it
class CompiledScenario:
    scenario_id: str
    mood: MoodModel
    rubric: Rubric
    replies: Mapping[str, tuple[CompiledReply, ...]]  # node id -> one per reply, in file order
    conditions: Mapping[str, tuple[CompiledCondition | None, ...]]  # node id -> each reply's `when`
    triggers: tuple[tuple[CompiledCondition, str], ...]  # (condition, goto), in file order


def compile_scenario(scenario: Scenario, catalog: Catalog) -> CompiledScenario:
    """Compile once; raises ValueError with a clear message if scenario and catalog disagree
    (the loader normally catches all of that first)."""
    model = compile_scenario_mood(scenario, catalog)
    replies = {}
    conditions = {}
    for node_id, node in scenario.nodes.items():
        replies[node_id] = tuple(compile_reply(model, reply) for reply in node.replies)
        conditions[node_id] = tuple(None if reply.when is None else compile_condition(reply.when, model)
                                    for reply in node.replies)
    triggers = tuple((compile_condition(t.when, model), t.goto) for t in scenario.triggers)
    for _, goto in triggers:
        if scenario.target(goto) is None:
            raise ValueError(f"trigger goes to unknown node or ending {goto!r}")
    if scenario.start not in scenario.nodes:
        raise ValueError(f"start node {scenario.start!r} is not a node")
    # the rubric is compiled per scenario: the persona's scoring rules and whether the problem
    # could be resolved at all (an avoidable escalation caps the grade) are the scenario's
    rubric = compile_rubric(catalog, scenario.customer.persona,
                            resolution_reachable=resolution_reachable(scenario))
    return CompiledScenario(scenario_id=scenario.id, mood=model, rubric=rubric,
                            replies=replies, conditions=conditions, triggers=triggers)
