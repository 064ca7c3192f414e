"""Conditions: every part, inclusive bounds, logical AND."""

from __future__ import annotations

import numpy as np
import pytest

from condition_facts import ConversationFacts, evaluate, holds
from engine_builders import when
from simulator.engine import mood
from simulator.engine.conditions import compile_condition


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


def _mixed_table(model):
    from simulator.engine.conditions import ConditionTable

    conditions = [when(mood={"trust": (0.2, None)}, acts_not_used=["hide-behind-policy"]),
                  when(expression=["angry", "furious"], visited=["story"]),
                  when(threshold="walk_out"),
                  when(not_visited=["options"], acts_used=["acknowledge"], mood={"pleasure": (None, 0.1)}),
                  when(visited=["nowhere"]),  # names a node the table does not have: never holds
                  when()]
    return ConditionTable([compile_condition(c, model) for c in conditions], model,
                          {"story": 0, "options": 1})


def test_first_holding_is_the_first_condition_holds_accepts(model):
    table = _mixed_table(model)
    rng = np.random.default_rng(3)
    rows = 500
    moods = model.lower + rng.random((rows, len(model.dimensions))) * (model.upper - model.lower)
    moods[::4, model.dimensions.index("patience")] = 0.0  # the walk-out threshold's edge, inclusive
    expression = mood.expression_index(model, moods)
    visited = np.where(rng.random((rows, 2)) < 0.5, -1, 3).astype(np.int16)
    uses = (rng.random((rows, len(model.acts) + 1)) < 0.3).astype(np.int16)
    uses[:, -1] = 0
    features = table.features(moods, expression, visited, uses)
    every = table.holds(features[:, None, :], slice(0, len(table)))
    for start, stop in [(0, len(table)), (0, 4), (1, 3)]:
        part = every[:, start:stop]
        expected = np.where(part.any(axis=1), start + part.argmax(axis=1), -1)
        assert (table.first_holding(features, start, stop) == expected).all()  # many rows: condition by condition
        alone = [int(table.first_holding(features[k:k + 1], start, stop)[0]) for k in range(rows)]
        assert alone == expected.tolist()  # one row: Python floats
        for size in (2, 5, 8, 9):  # a few rows on Python floats (up to 8), then side by side again
            chunks = [table.first_holding(features[k:k + size], start, stop) for k in range(0, rows, size)]
            assert np.concatenate(chunks).tolist() == expected.tolist()
            assert all(chunk.dtype == np.int16 for chunk in chunks)
    for k in range(0, rows, 5):  # a session's screen: each condition judged on the row's Python floats
        row = features[k].tolist()
        assert [table.row_holds(row, c) for c in range(len(table))] == every[k].tolist()
    picked = np.array([3, 0, 5, 1])
    for k in range(0, rows, 25):  # one row against a list of conditions: Python floats, same answers
        assert table.holds(features[k:k + 1], picked).tolist() == every[k, picked].tolist()
    assert not every[:, 4].any() and every[:, 5].all()
    assert 0 < every[:, :4].sum() < every[:, :4].size  # the cases are mixed, not all one way


def test_the_table_keeps_only_the_features_some_condition_bounds(model):
    table = _mixed_table(model)
    low, high = model.thresholds["walk_out"]
    walk_out = {d for i, d in enumerate(model.dimensions) if np.isfinite(low[i]) or np.isfinite(high[i])}
    # the node no table column stands for is "never": a lower bound of +inf on the first dimension
    expected = {"trust", "pleasure", model.dimensions[0]} | walk_out
    assert {model.dimensions[d] for d in table.mood_columns.tolist()} == expected
    assert len(table.label_ids) == len(model.expressions) - 2  # labels outside ["angry", "furious"] are capped
    assert table.visit_columns.tolist() == [0, 1]
    assert table.lower.shape[1] == len(expected) + len(model.expressions) - 2 + 2 + 2  # two acts named
