"""Evaluate scenario `Condition`s against conversation states: one evaluator, any number of rows.

A condition is a logical AND of its parts; an empty condition always holds. `ConditionTable`
turns a scenario's conditions into bound arrays over one feature vector per conversation, so
the session (one row) and the analyser (many) judge every reply's `when` and every trigger
with the same `within` call (bounds are inclusive on both sides).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import AbstractSet, Mapping, Sequence

import numpy as np

from simulator.engine.mood import MoodModel, bound_arrays, within
from simulator.scenario.model import Condition


@dataclass(frozen=True, slots=True)
class ConversationFacts:
    """What a condition may look at. `visited` includes the node on screen now."""

    mood: np.ndarray  # (dims,)
    expression: str
    visited: AbstractSet[str]
    acts_used: AbstractSet[str]


@dataclass(frozen=True, slots=True, eq=False)
class CompiledCondition:
    """A condition with its mood bounds turned into arrays once."""

    lower: np.ndarray
    upper: np.ndarray
    has_mood: bool
    expression: frozenset[str]
    visited: tuple[str, ...]
    not_visited: tuple[str, ...]
    acts_used: tuple[str, ...]
    acts_not_used: tuple[str, ...]
    threshold: str | None


def compile_condition(condition: Condition, model: MoodModel) -> CompiledCondition:
    """Precompute a condition's bound arrays (raises ValueError on unknown dimensions/thresholds)."""
    lower, upper = bound_arrays(condition.mood, model.dimensions)
    if condition.threshold is not None and condition.threshold not in model.thresholds:
        raise ValueError(f"unknown threshold {condition.threshold!r}; known: {', '.join(sorted(model.thresholds))}")
    return CompiledCondition(
        lower=lower,
        upper=upper,
        has_mood=bool(condition.mood),
        expression=frozenset(condition.expression),
        visited=condition.visited,
        not_visited=condition.not_visited,
        acts_used=condition.acts_used,
        acts_not_used=condition.acts_not_used,
        threshold=condition.threshold,
    )


class ConditionTable:
    """Conditions as bounds on one feature vector per conversation: the one evaluator.

    A conversation's features are its mood, then (when some condition asks) a one-hot of its
    expression label, a 1/0 per node some condition names (entered yet?) and a 1/0 per act
    some condition names (used yet?). Every part of a condition is then an inclusive bound:
    mood bounds and thresholds intersect (both must hold), `visited` is "at least 1",
    `not_visited` "at most 0", an expression list caps the labels it does not name at 0, and
    a part that can never hold (a node or act the scenario does not have) is a lower bound of
    +inf. So `holds` is one `within` over arrays, whatever mix of parts and however many rows.
    """

    def __init__(self, conditions: Sequence[CompiledCondition], model: MoodModel,
                 visit_column: Mapping[str, int]) -> None:
        """`visit_column`: node id -> its column in the state's `visited` array (nodes not in it
        do not exist, so `visited` of them never holds and `not_visited` always does)."""
        named_nodes = sorted({node for c in conditions for node in (*c.visited, *c.not_visited)
                              if node in visit_column}, key=lambda node: visit_column[node])
        named_acts = sorted({act for c in conditions for act in (*c.acts_used, *c.acts_not_used)
                             if act in model.act_index}, key=lambda act: model.act_index[act])
        self.labels = len(model.expressions) if any(c.expression for c in conditions) else 0
        self.visit_columns = np.array([visit_column[node] for node in named_nodes], dtype=np.intp)
        self.act_rows = np.array([model.act_index[act] for act in named_acts], dtype=np.intp)
        dims = len(model.dimensions)
        node_at = {node: dims + self.labels + i for i, node in enumerate(named_nodes)}
        act_at = {act: dims + self.labels + len(named_nodes) + i for i, act in enumerate(named_acts)}
        width = dims + self.labels + len(named_nodes) + len(named_acts)
        self.lower = np.zeros((len(conditions), width))
        self.upper = np.ones((len(conditions), width))
        for c, condition in enumerate(conditions):
            lower, upper = condition.lower.copy(), condition.upper.copy()
            if condition.threshold is not None:
                t_lower, t_upper = model.thresholds[condition.threshold]
                lower, upper = np.maximum(lower, t_lower), np.minimum(upper, t_upper)
            self.lower[c, :dims], self.upper[c, :dims] = lower, upper
            if condition.expression:
                for i, label in enumerate(model.expressions):
                    if label not in condition.expression:
                        self.upper[c, dims + i] = 0.0
            never = False
            for node in condition.visited:
                never |= node not in node_at
                if node in node_at:
                    self.lower[c, node_at[node]] = 1.0
            for node in condition.not_visited:
                if node in node_at:
                    self.upper[c, node_at[node]] = 0.0
            for act in condition.acts_used:
                never |= act not in act_at
                if act in act_at:
                    self.lower[c, act_at[act]] = 1.0
            for act in condition.acts_not_used:
                if act in act_at:
                    self.upper[c, act_at[act]] = 0.0
            if never:
                self.lower[c, 0] = np.inf

    def __len__(self) -> int:
        return len(self.lower)

    def features(self, moods: np.ndarray, expression: np.ndarray, visited: np.ndarray,
                 uses: np.ndarray) -> np.ndarray:
        """(n, width) features: moods (n, dims), expression (n,) label indices, visited (n, columns)
        first-entry turns (< 0: not entered), uses (n, acts + 1) counts."""
        parts = [moods]
        if self.labels:
            parts.append(expression[:, None] == np.arange(self.labels))
        if self.visit_columns.size:
            parts.append(visited[:, self.visit_columns] >= 0)
        if self.act_rows.size:
            parts.append(uses[:, self.act_rows] > 0)
        return np.concatenate(parts, axis=1) if len(parts) > 1 else moods

    def holds(self, features: np.ndarray, conditions) -> np.ndarray:
        """Whether condition `conditions[k]` holds for `features[k]` (numpy broadcasting: pass
        features[:, None, :] and a slice of conditions for every row against each)."""
        return within(features, self.lower[conditions], self.upper[conditions])


def holds(condition: CompiledCondition, model: MoodModel, facts: ConversationFacts) -> bool:
    """True when every part of the condition holds for these facts: `ConditionTable` for one
    conversation and one condition (the analyser and the session evaluate through the table)."""
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
    """Convenience: compile and check in one go (None means 'always')."""
    if condition is None:
        return True
    return holds(compile_condition(condition, model), model, facts)
