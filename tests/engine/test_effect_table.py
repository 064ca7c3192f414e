"""The effect table gives exactly `mood.reply_effect`'s float for every reply and use count,
and a step that looks effects up gives the state a step working them out gives."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulator.engine import batch_step, effect_table, mood
from simulator.engine.batch_step import Stepper
from simulator.engine.compiled import compile_scenario
from simulator.engine.effect_table import EffectTable
from simulator.engine.state import STATE_FIELDS

ROOT = Path(__file__).resolve().parents[2]


def _stepper(name, catalog):
    from simulator.scenario.loader import load_scenario

    scenario, _ = load_scenario(ROOT / "scenarios" / f"{name}.yaml", catalog)
    return Stepper(scenario, catalog, compile_scenario(scenario, catalog))


def _worked_out(stepper, key, counts):
    act_rows = stepper._flat_rows.take(key, axis=0)[:, :counts.shape[0]]
    return mood.reply_effect(stepper.model, stepper._flat_base.take(key, axis=0), act_rows, counts.T)


@pytest.mark.parametrize("name", ["double_charge", "personal_attack"])
def test_every_looked_up_effect_is_the_worked_out_float(name, catalog):
    stepper = _stepper(name, catalog)
    table = EffectTable(stepper.model, stepper._flat_rows, stepper._flat_acts, stepper._flat_base)
    rng = np.random.default_rng(7)
    width = int(stepper._flat_acts.max())
    key = np.repeat(np.arange(len(stepper._flat_acts)), 300)
    # use counts of 0-20 (past MAX_COUNTED_USES and past every shortened table), 0 in padding slots
    counts = rng.integers(0, 21, size=(width, len(key))).astype(np.int16)
    counts[np.arange(width)[:, None] >= stepper._flat_acts[key][None, :]] = 0
    effects, found = table.look_up(key, counts)
    expected = _worked_out(stepper, key, counts)
    assert found.any() and not found.all()  # both kinds of rows are in the sample
    assert effects[found].tobytes() == expected[found].tobytes()
    # a row is left out only when its reply has no table or a count is past that reply's table
    small = (np.minimum(counts, mood.MAX_COUNTED_USES) < table.cap[key][None, :]).all(axis=0)
    assert (found == (small & (table.cap[key] > 0))).all()


def test_replies_with_one_or_two_acts_are_looked_up_whatever_their_counts(catalog):
    stepper = _stepper("double_charge", catalog)
    table = EffectTable(stepper.model, stepper._flat_rows, stepper._flat_acts, stepper._flat_base)
    few = np.flatnonzero(stepper._flat_acts <= 2)
    assert few.size and (table.cap[few] == mood.MAX_COUNTED_USES + 1).all()
    assert (table.cap[stepper._flat_acts >= 3] < mood.MAX_COUNTED_USES + 1).all()
    assert table.nbytes <= effect_table.TABLE_BYTES


def test_a_table_past_its_byte_budget_leaves_the_rest_to_be_worked_out(catalog):
    stepper = _stepper("double_charge", catalog)
    dims = stepper._flat_base.shape[1]
    table = EffectTable(stepper.model, stepper._flat_rows, stepper._flat_acts, stepper._flat_base,
                        budget=40 * dims * 8)  # room for 40 effects: some one-act replies, no more
    assert 0 < int((table.cap > 0).sum()) < len(table.cap)
    assert len(table.effects) <= 40


@pytest.mark.parametrize("budget", [effect_table.TABLE_BYTES, 0])
def test_a_sweep_depth_stepped_with_the_table_equals_one_worked_out(catalog, monkeypatch, budget):
    stepper = _stepper("third_call", catalog)
    monkeypatch.setattr(effect_table, "TABLE_BYTES", budget)  # 0: no reply has a table at all
    monkeypatch.setattr(EffectTable.__init__, "__defaults__", (budget,))
    frontier = stepper.root()
    for _ in range(9):
        counts = frontier.n_options.astype(np.int64)
        rows = np.repeat(np.arange(len(frontier)), counts)
        choices = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        looked_up = stepper.step_from(frontier, rows, choices)
        with monkeypatch.context() as worked:
            worked.setattr(batch_step, "_TABLE_ROWS", 1 << 62)  # every step works its effects out
            plain = stepper.step_from(frontier, rows, choices)
        for name in STATE_FIELDS:
            assert getattr(looked_up, name).tobytes() == getattr(plain, name).tobytes(), name
        frontier = looked_up.take(np.flatnonzero(~looked_up.ended))
    assert len(frontier) > 1_000 and stepper._effect_table is not None
