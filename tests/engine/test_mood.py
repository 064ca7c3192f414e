"""The mood arithmetic: compile once, step a single state or a batch with identical bytes."""

from __future__ import annotations

import numpy as np
import pytest

from condition_facts import ConversationFacts, evaluate
from engine_builders import when
from simulator.engine import mood
from simulator.scenario.model import Reply


def _reply(*acts, explicit=()):
    return Reply(text="r", acts=tuple(acts), next="x", mood=tuple(explicit))


@pytest.fixture(scope="module")
def reasonable(catalog):
    return mood.compile_mood(catalog, "reasonable")


def test_effect_rows_carry_persona_gains(catalog):
    plain = mood.compile_mood(catalog, "reasonable")
    impatient = mood.compile_mood(catalog, "impatient")
    row = plain.act_index["offer-solution"]
    gain = dict(catalog.personas["impatient"].act_gains)["offer-solution"]
    assert gain != 1.0
    np.testing.assert_array_equal(impatient.effects[row], plain.effects[row] * gain)
    # the padding row is all zeros so short replies can share a batch with long ones
    assert not impatient.effects[impatient.pad_row].any()


def test_dimension_gains_scale_a_whole_dimension(catalog):
    skeptic = mood.compile_mood(catalog, "skeptic")
    trust = skeptic.dimensions.index("trust")
    row = skeptic.act_index["summarize"]
    act_gain = dict(catalog.personas["skeptic"].act_gains)["summarize"]
    dim_gain = dict(catalog.personas["skeptic"].dimension_gains)["trust"]
    raw = dict(catalog.acts["summarize"].effect)["trust"]
    assert skeptic.effects[row, trust] == pytest.approx(raw * act_gain * dim_gain)


def test_start_is_baseline_then_persona_then_customer_overrides(catalog):
    model = mood.compile_mood(catalog, "impatient", {"trust": 0.9})
    persona_start = dict(catalog.personas["impatient"].start)
    assert model.start[model.dimensions.index("pleasure")] == persona_start["pleasure"]
    assert model.start[model.dimensions.index("trust")] == 0.9


def test_unknown_persona_is_a_clear_error(catalog):
    with pytest.raises(ValueError, match="unknown persona 'grumpy'"):
        mood.compile_mood(catalog, "grumpy")


def test_decay_moves_toward_the_grievance_baseline_and_patience_does_not_decay(reasonable, catalog):
    params = catalog.mood
    quiet = mood.compile_reply(reasonable, _reply("stall", explicit=[("pleasure", 0.0)]))
    state = reasonable.start.copy()
    after = mood.step(reasonable, state, quiet, {}, grievance_open=True)
    target = reasonable.baseline + reasonable.grievance
    p = reasonable.dimensions.index("pleasure")
    assert after[p] == pytest.approx(state[p] + params.decay * (target[p] - state[p]))
    patience = reasonable.dimensions.index("patience")
    # stall makes no progress, so patience drains by exactly patience_drain and nothing else
    assert after[patience] == state[patience] - params.patience_drain


def test_grievance_stops_pulling_once_resolved(reasonable):
    quiet = mood.compile_reply(reasonable, _reply("stall", explicit=[("pleasure", 0.0)]))
    state = reasonable.start.copy()
    open_ = mood.step(reasonable, state, quiet, {}, grievance_open=True)
    settled = mood.step(reasonable, state, quiet, {}, grievance_open=False)
    p = reasonable.dimensions.index("pleasure")
    a = reasonable.dimensions.index("arousal")
    assert settled[p] > open_[p] and settled[a] < open_[a]


def test_progress_acts_keep_patience(reasonable):
    patience = reasonable.dimensions.index("patience")
    fix = mood.compile_reply(reasonable, _reply("offer-solution"))
    talk = mood.compile_reply(reasonable, _reply("acknowledge"))
    assert fix.progress and fix.resolves and not talk.progress
    state = reasonable.start.copy()
    assert mood.step(reasonable, state, fix, {}, True)[patience] == state[patience]
    assert mood.step(reasonable, state, talk, {}, True)[patience] < state[patience]


def test_repeated_acts_have_diminishing_returns(reasonable, catalog):
    r = mood.compile_reply(reasonable, _reply("acknowledge"))
    row = reasonable.act_index["acknowledge"]
    state = reasonable.start.copy()
    base = mood.step(reasonable, state, mood.compile_reply(reasonable, _reply("acknowledge", explicit=[("pleasure", 0.0)])), {}, True)
    first = mood.step(reasonable, state, r, {}, True) - base
    second = mood.step(reasonable, state, r, {row: 1}, True) - base
    h = reasonable.dimensions.index("heard")
    assert second[h] == pytest.approx(first[h] * catalog.mood.repeat_falloff)


def test_explicit_mood_replaces_the_acts_effect(reasonable):
    explicit = mood.compile_reply(reasonable, _reply("acknowledge", explicit=[("pleasure", -0.4)]))
    assert explicit.explicit
    state = reasonable.start.copy()
    after = mood.step(reasonable, state, explicit, {}, True)
    h = reasonable.dimensions.index("heard")
    # acknowledge would raise `heard`; the explicit effect does not touch it, so only decay moves it
    assert after[h] == pytest.approx(state[h] + reasonable.decay_rates[h] * (reasonable.baseline[h] - state[h]))


def test_clipping_keeps_every_dimension_in_bounds(reasonable):
    blast = mood.compile_reply(reasonable, _reply("insult", explicit=[("pleasure", -5.0), ("heard", 7.0)]))
    state = reasonable.start.copy()
    for _ in range(3):
        state = mood.step(reasonable, state, blast, {}, True)
    assert np.all(state >= reasonable.lower) and np.all(state <= reasonable.upper)
    assert state[reasonable.dimensions.index("pleasure")] == -1.0


def test_batch_rows_are_byte_identical_to_single_steps(catalog):
    """The analyser steps many play-throughs at once; every row must equal the session's bytes."""
    model = mood.compile_mood(catalog, "confused")
    rng = np.random.default_rng(7)
    acts = list(model.acts)
    n, turns = 200, 12  # over 64 rows, a slot few replies fill is added only where it holds an act
    states = np.repeat(model.start[None, :], n, axis=0)
    singles = [model.start.copy() for _ in range(n)]
    uses = np.zeros((n, len(acts) + 1), dtype=np.intp)
    open_ = np.ones(n, dtype=bool)
    for _ in range(turns):
        width = 3
        rows = np.full((n, width), model.pad_row, dtype=np.intp)
        replies = []
        for i in range(n):
            chosen = list(rng.choice(len(acts), size=int(rng.integers(1, width + 1)), replace=False))
            rows[i, :len(chosen)] = chosen
            replies.append(mood.compile_reply(model, _reply(*[acts[c] for c in chosen])))
        base = np.zeros((n, len(model.dimensions)))
        effect = mood.reply_effect(model, base, rows, np.take_along_axis(uses, rows, axis=1))
        progress = model.progress[rows].any(axis=1)
        new_states = mood.advance(model, states, open_, effect, progress)
        for i in range(n):
            counts = {int(r): int(uses[i, r]) for r in replies[i].rows}
            singles[i] = mood.step(model, singles[i], replies[i], counts, bool(open_[i]))
            assert singles[i].tobytes() == new_states[i].tobytes()
            for r in replies[i].rows:
                uses[i, r] += 1
        open_ &= ~model.resolves[rows].any(axis=1)
        states = new_states


def test_expressions_follow_file_order(reasonable):
    states = np.array([reasonable.start.copy() for _ in range(3)])
    p, a = reasonable.dimensions.index("pleasure"), reasonable.dimensions.index("arousal")
    states[0, [p, a]] = [-0.9, 0.9]  # furious: the first matching label wins over angry
    states[1, [p, a]] = [-0.5, 0.0]
    states[2, [p, a]] = [0.9, 0.0]
    labels = [reasonable.expressions[i] for i in mood.expression_index(reasonable, states)]
    assert labels == ["furious", "angry", "delighted"]
    assert mood.expression(reasonable, states[1]) == "angry"


def test_thresholds_are_inclusive_bounds(reasonable):
    # a threshold is judged as the part of a condition that names it (`when: {threshold: ...}`)
    patience = reasonable.dimensions.index("patience")
    state = reasonable.start.copy()
    state[patience] = 0.0
    assert evaluate(when(threshold="walk_out"), reasonable, _facts(reasonable, state))
    state[patience] = 0.5
    assert not evaluate(when(threshold="walk_out"), reasonable, _facts(reasonable, state))
    with pytest.raises(ValueError, match="unknown threshold"):
        evaluate(when(threshold="nap"), reasonable, _facts(reasonable, state))


def _facts(model, state) -> ConversationFacts:
    return ConversationFacts(mood=state, expression=mood.expression(model, state), visited=frozenset(),
                             acts_used=frozenset())


def test_batched_format_tour_matches_the_session_byte_for_byte(catalog, format_tour):
    """Every format_tour path, stepped as one batch by the recipe in mood.py, equals Session."""
    from simulator.engine.compiled import compile_scenario
    from simulator.engine.session import Session

    compiled = compile_scenario(format_tour, catalog)
    model = compiled.mood
    # paths as reply indices per node (the tour has no conditions on these paths)
    paths = [[0, 0, 0, 0, 0], [1, 1, 1, 1], [0, 2, 0, 1], [1, 0, 1, 0], [0, 1, 1, 1]]
    sessions = [Session.replay(format_tour, catalog, p, compiled=compiled) for p in paths]
    n, width = len(paths), 3
    states = np.repeat(model.start[None, :], n, axis=0)
    uses = np.zeros((n, len(model.acts) + 1), dtype=np.intp)
    open_ = np.ones(n, dtype=bool)
    for turn in range(max(len(s.transcript) for s in sessions)):
        live = [i for i, s in enumerate(sessions) if turn < len(s.transcript)]
        chosen = [compiled.replies[sessions[i].transcript[turn].node_id][sessions[i].transcript[turn].reply_index]
                  for i in live]
        rows = np.full((len(live), width), model.pad_row, dtype=np.intp)
        for k, reply in enumerate(chosen):
            rows[k, :len(reply.effect_rows)] = reply.effect_rows
        base = np.stack([reply.base for reply in chosen])
        effect = mood.reply_effect(model, base, rows, np.take_along_axis(uses[live], rows, axis=1))
        progress = np.array([reply.progress for reply in chosen])
        states[live] = mood.advance(model, states[live], open_[live], effect, progress)
        for k, i in enumerate(live):
            for r in chosen[k].rows:
                uses[i, r] += 1
            open_[i] &= not chosen[k].resolves
            expected = np.array(list(sessions[i].transcript[turn].mood_after.values()))
            assert states[i].tobytes() == expected.tobytes()
    assert any(r.explicit for s in sessions for r in
               [compiled.replies[t.node_id][t.reply_index] for t in s.transcript])  # covers explicit `mood:`


def test_expression_index_agrees_with_checking_every_side_of_every_label(reasonable):
    """The fast path compares only finite sides; on states at, between and past every bound it
    picks what the full (n, labels, dims) comparison picks."""
    model = reasonable
    rng = np.random.default_rng(7)
    states = rng.uniform(model.lower - 0.2, model.upper + 0.2, size=(20_000, len(model.dimensions)))
    finite = np.concatenate([model.expression_lower[np.isfinite(model.expression_lower)],
                             model.expression_upper[np.isfinite(model.expression_upper)]])
    assert finite.size, "the labels have bounds to test"
    states[:5_000] = rng.choice(finite, size=(5_000, len(model.dimensions)))  # exactly on the edges
    full = ((states[:, None, :] >= model.expression_lower) & (states[:, None, :] <= model.expression_upper)).all(axis=2)
    full[:, -1] = True
    assert (mood.expression_index(model, states) == np.argmax(full, axis=1)).all()
    assert len(set(mood.expression_index(model, states).tolist())) == len(model.expressions)
    # one row at a time (a session's turn, judged on Python floats) picks the same label
    one_by_one = [int(mood.expression_index(model, states[k])[0]) for k in range(0, 20_000, 7)]
    assert one_by_one == np.argmax(full, axis=1)[::7].tolist()
    for size in (2, 3, 8, 9):  # a few rows judged on Python floats, then side by side: the same labels
        chunks = [mood.expression_index(model, states[k:min(k + size, 2_000)]) for k in range(0, 2_000, size)]
        assert np.concatenate(chunks).tolist() == np.argmax(full, axis=1)[:2_000].tolist()
