"""Evaluate scenario `Condition`s against conversation states: one evaluator, any number of rows.

A condition is a logical AND of its parts; an empty condition always holds. `ConditionTable`
turns a scenario's conditions into bound arrays over one feature vector per conversation, so
the session (one row) and the analyser (many) judge every reply's `when` and every trigger
with the same `within` call (bounds are inclusive on both sides).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from simulator.engine.mood import MoodModel, bound_arrays, first_within, row_within, within
from simulator.scenario.model import Condition


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

    Only the features some condition bounds are kept (a mood side at -inf/+inf, a 1/0 feature
    bounded by [0, 1], always holds): a scenario's conditions name a few dimensions, labels
    and nodes, and the analyser judges them for millions of rows.
    """

    def __init__(self, conditions: Sequence[CompiledCondition], model: MoodModel,
                 visit_column: Mapping[str, int]) -> None:
        """`visit_column`: node id -> its column in the state's `visited` array (nodes not in it
        do not exist, so `visited` of them never holds and `not_visited` always does)."""
        named_nodes = sorted({node for c in conditions for node in (*c.visited, *c.not_visited)
                              if node in visit_column}, key=lambda node: visit_column[node])
        named_acts = sorted({act for c in conditions for act in (*c.acts_used, *c.acts_not_used)
                             if act in model.act_index}, key=lambda act: model.act_index[act])
        labels = len(model.expressions) if any(c.expression for c in conditions) else 0
        dims = len(model.dimensions)
        node_at = {node: dims + labels + i for i, node in enumerate(named_nodes)}
        act_at = {act: dims + labels + len(named_nodes) + i for i, act in enumerate(named_acts)}
        width = dims + labels + len(named_nodes) + len(named_acts)
        lower = np.zeros((len(conditions), width))
        upper = np.ones((len(conditions), width))
        for c, condition in enumerate(conditions):
            low, high = condition.lower.copy(), condition.upper.copy()
            if condition.threshold is not None:
                t_lower, t_upper = model.thresholds[condition.threshold]
                low, high = np.maximum(low, t_lower), np.minimum(high, t_upper)
            lower[c, :dims], upper[c, :dims] = low, high
            if condition.expression:
                for i, label in enumerate(model.expressions):
                    if label not in condition.expression:
                        upper[c, dims + i] = 0.0
            never = False
            # `visited` / `acts_used`: at least 1 (one the scenario lacks never holds);
            # `not_visited` / `acts_not_used`: at most 0 (one it lacks always holds)
            for must, must_not, column in ((condition.visited, condition.not_visited, node_at),
                                           (condition.acts_used, condition.acts_not_used, act_at)):
                for key in must:
                    never |= key not in column
                    if key in column:
                        lower[c, column[key]] = 1.0
                for key in must_not:
                    if key in column:
                        upper[c, column[key]] = 0.0
            if never:
                lower[c, 0] = np.inf
        # the features worth computing: those some condition bounds on a side that can fail
        trivial_low = np.concatenate([np.full(dims, -np.inf), np.zeros(width - dims)])
        trivial_high = np.concatenate([np.full(dims, np.inf), np.ones(width - dims)])
        low_sides, high_sides = lower > trivial_low, upper < trivial_high
        kept = np.flatnonzero((low_sides | high_sides).any(axis=0))
        self.mood_columns = kept[kept < dims]
        self.label_ids = kept[(kept >= dims) & (kept < dims + labels)] - dims
        self.visit_columns = np.array([visit_column[named_nodes[j - dims - labels]] for j in kept.tolist()
                                       if dims + labels <= j < dims + labels + len(named_nodes)], dtype=np.intp)
        self.act_rows = np.array([model.act_index[named_acts[j - dims - labels - len(named_nodes)]]
                                  for j in kept.tolist() if j >= dims + labels + len(named_nodes)], dtype=np.intp)
        # the label features of each expression, one row per label index: (expression == label)
        # as 1/0, gathered per row (one take, not a broadcast comparison per call)
        self._label_rows = (np.arange(len(model.expressions))[:, None] == self.label_ids[None, :]).astype(np.float64)
        self.lower, self.upper = lower[:, kept], upper[:, kept]
        # per condition, the sides that can fail: (feature, bound) pairs, for `first_holding`
        self._sides = [(tuple(np.flatnonzero(low_sides[c, kept]).tolist()),
                        tuple(self.lower[c, low_sides[c, kept]].tolist()),
                        tuple(np.flatnonzero(high_sides[c, kept]).tolist()),
                        tuple(self.upper[c, high_sides[c, kept]].tolist())) for c in range(len(conditions))]

    def __len__(self) -> int:
        return len(self.lower)

    def features(self, moods: np.ndarray, expression: np.ndarray, visited: np.ndarray,
                 uses: np.ndarray, *, like: np.ndarray | None = None) -> np.ndarray:
        """(n, kept features): moods (n, dims), expression (n,) label indices, visited (n, columns)
        first-entry turns (< 0: not entered), uses (n, acts + 1) counts. `like`: features of
        the same rows, moods, expressions and uses with other `visited` (a step's, before the
        rows entered their node): only the visited part is worked out again."""
        # built feature by feature and handed back transposed: each feature's column is
        # contiguous, which is what `first_holding` reads (the values are the same either way)
        at = self.mood_columns.size + self.label_ids.size
        if like is not None:
            out = like.T.copy()
        else:
            out = np.empty((self.lower.shape[1], len(moods)))
            if self.mood_columns.size:
                out[:self.mood_columns.size] = moods.take(self.mood_columns, axis=1).T
            if self.label_ids.size:
                out[self.mood_columns.size:at] = self._label_rows.take(expression, axis=0).T
        if self.visit_columns.size:
            np.greater_equal(visited.take(self.visit_columns, axis=1).T, 0, out=out[at:at + self.visit_columns.size])
            at += self.visit_columns.size
        if self.act_rows.size and like is None:
            np.greater(uses.take(self.act_rows, axis=1).T, 0, out=out[at:])
        return out.T

    def holds(self, features: np.ndarray, conditions) -> np.ndarray:
        """Whether condition `conditions[k]` holds for `features[k]` (numpy broadcasting: pass
        features[:, None, :] and a slice of conditions for every row against each)."""
        if isinstance(conditions, slice):
            return within(features, self.lower[conditions], self.upper[conditions])
        return within(features, self.lower.take(conditions, axis=0), self.upper.take(conditions, axis=0))

    def row_holds(self, row: list[float], condition: int) -> bool:
        """`holds` for one row of features as Python floats (`features(...)[0].tolist()`):
        the same bounds, only the sides that can fail compared (see `first_holding`)."""
        return row_within(row, self._sides[condition])

    def first_holding(self, features: np.ndarray, start: int, stop: int) -> np.ndarray:
        """Per row, the first of conditions start..stop-1 that holds (-1: none): `first_within`
        over their sides that can fail (a side it skips, at -inf/+inf or a 0/1 feature's 0/1,
        holds for every row, so it agrees with `holds`)."""
        return first_within(features, self._sides[start:stop], -1, start, np.int16)

