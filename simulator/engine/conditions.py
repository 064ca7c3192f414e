"""Evaluate a scenario `Condition` against the state of one conversation.

A condition is a logical AND of its parts; an empty condition always holds. Mood bounds
and thresholds use the same bound arrays as the mood model, so the session and the batch
analyser agree on every edge (bounds are inclusive on both sides).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import AbstractSet

import numpy as np

from simulator.engine.mood import MoodModel, bound_arrays, threshold_hit, within
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


def holds(condition: CompiledCondition, model: MoodModel, facts: ConversationFacts) -> bool:
    """True when every part of the condition holds for these facts."""
    if condition.has_mood and not bool(within(facts.mood, condition.lower, condition.upper)):
        return False
    if condition.expression and facts.expression not in condition.expression:
        return False
    if any(node not in facts.visited for node in condition.visited):
        return False
    if any(node in facts.visited for node in condition.not_visited):
        return False
    if any(act not in facts.acts_used for act in condition.acts_used):
        return False
    if any(act in facts.acts_used for act in condition.acts_not_used):
        return False
    if condition.threshold is not None and not bool(threshold_hit(model, condition.threshold, facts.mood)):
        return False
    return True


def evaluate(condition: Condition | None, model: MoodModel, facts: ConversationFacts) -> bool:
    """Convenience: compile and check in one go (None means 'always')."""
    if condition is None:
        return True
    return holds(compile_condition(condition, model), model, facts)
