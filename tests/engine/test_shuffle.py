"""Reply order: shuffled per attempt from a seed, stored in the snapshot, restored exactly."""

from __future__ import annotations

import json

import numpy as np
import pytest

from simulator.engine.session import Session
from simulator.engine.shuffle import SEED_LIMIT, check_seed, display_order, new_seed


def test_seed_none_is_authored_order():
    assert display_order(None, 1, 4) == (0, 1, 2, 3)
    assert display_order(None, 9, 0) == ()


def test_the_order_follows_the_contract_formula():
    for seed, turn, count in [(1, 1, 3), (42, 7, 5), (2**62, 2, 4)]:
        expected = tuple(int(i) for i in np.random.default_rng([seed, turn]).permutation(count))
        assert display_order(seed, turn, count) == expected


def test_same_seed_same_orders_and_every_order_is_a_permutation():
    first = [display_order(11, turn, 4) for turn in range(1, 30)]
    again = [display_order(11, turn, 4) for turn in range(1, 30)]
    assert first == again
    assert all(sorted(order) == [0, 1, 2, 3] for order in first)
    assert len(set(first)) > 1  # turns of one attempt do not all share one order


def test_different_seeds_give_different_orders():
    orders = {tuple(display_order(seed, turn, 4) for turn in range(1, 6)) for seed in range(20)}
    assert len(orders) > 15


def test_the_global_rng_is_not_touched():
    np.random.seed(3)
    expected = np.random.random()
    np.random.seed(3)
    display_order(5, 1, 6)
    new_seed(np.random.default_rng(1))
    assert np.random.random() == expected


def test_new_seed_comes_from_the_generator_passed_in():
    assert new_seed(np.random.default_rng(8)) == new_seed(np.random.default_rng(8))
    assert 0 <= new_seed(np.random.default_rng(9)) < SEED_LIMIT


@pytest.mark.parametrize("bad", [-1, SEED_LIMIT, True, "3", 1.5])
def test_bad_seeds_are_refused(bad, catalog, format_tour):
    with pytest.raises(ValueError, match="reply-order seed"):
        check_seed(bad)
    with pytest.raises(ValueError, match="reply-order seed"):
        Session(format_tour, catalog, seed=bad)


def _seed_that_reorders(format_tour, catalog) -> int:
    for seed in range(100):
        if [o.reply_index for o in Session(format_tour, catalog, seed=seed).options] != [0, 1]:
            return seed
    raise AssertionError("no seed in 0..99 reorders the first turn")


def test_options_are_in_shown_order_numbered_by_position(catalog, format_tour):
    seed = _seed_that_reorders(format_tour, catalog)
    session = Session(format_tour, catalog, seed=seed)
    assert session.seed == seed
    assert [o.number for o in session.options] == [1, 2]
    assert [o.reply_index for o in session.options] == [1, 0]
    node = format_tour.nodes[format_tour.start]
    assert [o.text for o in session.options] == [node.replies[1].text, node.replies[0].text]
    # choose() takes the shown position; the transcript keeps both numberings
    record = session.choose(1)
    assert record.choice == 1 and record.reply_index == 0 and record.reply_text == node.replies[0].text
    assert record.options[1].reply_index == 0


def test_authored_and_shuffled_play_reach_the_same_state(catalog, format_tour):
    authored = Session.replay(format_tour, catalog, [0, 0, 0, 0, 0])
    seed = 4
    shuffled = Session(format_tour, catalog, seed=seed)
    for record in authored.transcript:
        position = [o.reply_index for o in shuffled.options].index(record.reply_index)
        shuffled.choose(position)
    assert shuffled.result == authored.result
    assert [r.reply_index for r in shuffled.transcript] == [r.reply_index for r in authored.transcript]


def test_restore_and_replay_reproduce_the_shown_order(catalog, format_tour):
    for seed in range(8):
        played = Session.replay(format_tour, catalog, [0, 0], seed=seed)
        snap = json.loads(json.dumps(played.snapshot()))
        assert snap["seed"] == seed
        restored = Session.restore(format_tour, catalog, snap)
        assert restored.seed == seed and restored.options == played.options
        replayed = Session.replay(format_tour, catalog, list(played.choices), seed=seed)
        assert replayed.options == played.options and replayed.transcript == played.transcript
        # every later turn of the restored session shows what the original would have shown
        if played.options:
            played.choose(0)
            restored.choose(0)
            assert restored.options == played.options
