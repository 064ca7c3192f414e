"""Conditions: every part, inclusive bounds, logical AND."""

from __future__ import annotations

import numpy as np
import pytest

from engine_builders import when
from simulator.engine import mood
from simulator.engine.conditions import ConversationFacts, compile_condition, evaluate, holds


@pytest.fixture(scope="module")
def model(catalog):
    return mood.compile_mood(catalog, "reasonable")


def facts(model, visited=("a",), acts=(), **dims):
    vector = model.start.copy()
    for dim, value in dims.items():
        vector[model.dimensions.index(dim)] = value
    return ConversationFacts(mood=vector, expression=mood.expression(model, vector), visited=frozenset(visited),
                             acts_used=frozenset(acts))


def test_empty_and_missing_conditions_hold(model):
    assert evaluate(None, model, facts(model))
    assert evaluate(when(), model, facts(model))


def test_mood_bounds_are_inclusive(model):
    condition = compile_condition(when(mood={"trust": (0.3, 0.5)}), model)
    assert holds(condition, model, facts(model, trust=0.3))
    assert holds(condition, model, facts(model, trust=0.5))
    assert not holds(condition, model, facts(model, trust=0.29))
    assert not holds(condition, model, facts(model, trust=0.51))


def test_open_sided_bounds(model):
    at_least = compile_condition(when(mood={"pleasure": (0.0, None)}), model)
    at_most = compile_condition(when(mood={"pleasure": (None, 0.0)}), model)
    assert holds(at_least, model, facts(model, pleasure=0.9)) and not holds(at_most, model, facts(model, pleasure=0.9))


def test_expression_visited_and_acts(model):
    angry = facts(model, visited=("opening", "story"), acts=("acknowledge",), pleasure=-0.5, arousal=0.0)
    assert angry.expression == "angry"
    assert evaluate(when(expression=["angry", "furious"]), model, angry)
    assert not evaluate(when(expression=["pleased"]), model, angry)
    assert evaluate(when(visited=["story"]), model, angry)
    assert not evaluate(when(visited=["story", "options"]), model, angry)
    assert evaluate(when(not_visited=["options"]), model, angry)
    assert not evaluate(when(not_visited=["story"]), model, angry)
    assert evaluate(when(acts_used=["acknowledge"]), model, angry)
    assert not evaluate(when(acts_used=["apologize"]), model, angry)
    assert evaluate(when(acts_not_used=["insult"]), model, angry)
    assert not evaluate(when(acts_not_used=["acknowledge"]), model, angry)


def test_threshold_part(model):
    assert evaluate(when(threshold="walk_out"), model, facts(model, patience=0.0))
    assert not evaluate(when(threshold="walk_out"), model, facts(model, patience=3.0))
    assert evaluate(when(threshold="escalate"), model, facts(model, pleasure=-0.9, arousal=0.95))
    with pytest.raises(ValueError, match="unknown threshold 'nap'"):
        compile_condition(when(threshold="nap"), model)


def test_all_parts_must_hold(model):
    condition = when(mood={"trust": (0.2, None)}, acts_not_used=["hide-behind-policy"])
    assert evaluate(condition, model, facts(model, trust=0.3))
    assert not evaluate(condition, model, facts(model, trust=0.3, acts=("hide-behind-policy",)))
    assert not evaluate(condition, model, facts(model, trust=0.1))


def test_unknown_dimension_is_a_clear_error(model):
    with pytest.raises(ValueError, match="unknown mood dimension 'happiness'"):
        compile_condition(when(mood={"happiness": (0.1, None)}), model)


def test_conditions_read_a_copy_free_vector(model):
    # the facts hold the live vector; checking must not modify it
    f = facts(model, trust=0.4)
    before = f.mood.copy()
    evaluate(when(mood={"trust": (0.1, 0.9)}, threshold="walk_out"), model, f)
    np.testing.assert_array_equal(f.mood, before)
