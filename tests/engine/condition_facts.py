"""One condition judged against one conversation described by hand, for the condition tests.

Imported by the engine tests as `condition_facts` (pytest puts this folder on sys.path).
The game and the analyser never judge a condition this way: they build the features from a
conversation's state. This only lays hand-written facts out as those features and asks the
package's one evaluator (`ConditionTable`), so it judges nothing itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import AbstractSet

import numpy as np

from simulator.engine.conditions import CompiledCondition, ConditionTable, compile_condition
from simulator.engine.mood import MoodModel
from simulator.scenario.model import Condition


@dataclass(frozen=True, slots=True)
class ConversationFacts:
    """What a condition may look at. `visited` includes the node on screen now."""

    mood: np.ndarray  # (dims,)
    expression: str
    visited: AbstractSet[str]
    acts_used: AbstractSet[str]


def holds(condition: CompiledCondition, model: MoodModel, facts: ConversationFacts) -> bool:
    """True when every part of the condition holds for these facts: `ConditionTable` for one
    conversation and one condition."""
    nodes = {node: i for i, node in enumerate(sorted(facts.visited | {*condition.visited, *condition.not_visited}))}
    table = ConditionTable([condition], model, nodes)
    visited = np.full((1, max(1, len(nodes))), -1, dtype=np.int16)
    for node in facts.visited:
        visited[0, nodes[node]] = 0
    uses = np.zeros((1, len(model.acts) + 1), dtype=np.int16)
    for act in facts.acts_used:
        if act in model.act_index:
            uses[0, model.act_index[act]] = 1
    label = model.expressions.index(facts.expression) if facts.expression in model.expressions else -1
    features = table.features(facts.mood[None, :], np.array([label]), visited, uses)
    return bool(table.holds(features, [0])[0])


def evaluate(condition: Condition | None, model: MoodModel, facts: ConversationFacts) -> bool:
    """Compile and check in one go (None means 'always', as a reply without `when`)."""
    if condition is None:
        return True
    return holds(compile_condition(condition, model), model, facts)
