"""The reply-order seed travels with the attempt: stored, resumed, replayed and re-scored in
exactly the order the trainee saw."""

from __future__ import annotations

import dataclasses

from records_helpers import changed_catalog
from simulator.engine.session import Session
from simulator.records.game_bridge import AttemptRecorder, resume, resume_offer
from simulator.records.rescore import rescore_attempt
from simulator.records.store import open_store


def _seed_that_reorders(scenario, catalog) -> int:
    """A seed whose first two turns are not both in authored order (so a lost seed shows)."""
    for seed in range(200):
        play = Session(scenario, catalog, seed=seed)
        first = [o.reply_index for o in play.options]
        play.choose(first.index(0))
        if first != [0, 1] or [o.reply_index for o in play.options] != [0, 1]:
            return seed
    raise AssertionError("no seed reorders the first turns")


def _positions_of_good(scenario, catalog, seed):
    """The shown positions of every first-authored reply (the A path) under `seed`."""
    session, positions = Session(scenario, catalog, seed=seed), []
    while session.options:
        positions.append([o.reply_index for o in session.options].index(0))
        session.choose(positions[-1])
    return positions


def test_the_seed_is_stored_with_the_attempt(data_dir, scenario, catalog):
    seed = _seed_that_reorders(scenario, catalog)
    with open_store(data_dir) as store:
        play = AttemptRecorder.start(store, "Ana", scenario, catalog, seed=seed)
        play.feed.play(play.session, 0)
        assert store.unfinished_attempt("Ana").seed == seed
        assert store.history("Ana")[0].seed == seed  # summaries carry it too (re-scoring reads those)
        plain = AttemptRecorder.start(store, "Bo", scenario, catalog)
        assert store.attempt(plain.attempt_id).seed is None


def test_resume_without_a_snapshot_replays_in_the_order_shown(data_dir, scenario, catalog):
    seed = _seed_that_reorders(scenario, catalog)
    with open_store(data_dir) as store:
        play = AttemptRecorder.start(store, "Ana", scenario, catalog, seed=seed)
        play.feed.play(play.session, 1)
        play.feed.play(play.session, 0)
        attempt = dataclasses.replace(store.unfinished_attempt("Ana"), snapshot=None)  # forces the replay path
        resumed = resume(store, attempt, scenario, catalog)
        assert resumed.session.seed == seed and resumed.session.options == play.session.options
        assert [r.reply_index for r in resumed.session.transcript] == [r.reply_index for r in play.session.transcript]
        again = resume(store, resume_offer(store, "Ana"), scenario, catalog)  # the snapshot path
        assert again.session.seed == seed and again.session.options == play.session.options


def test_replay_from_a_turn_keeps_the_seed(data_dir, scenario, catalog):
    seed = _seed_that_reorders(scenario, catalog)
    with open_store(data_dir) as store:
        play = AttemptRecorder.start(store, "Ana", scenario, catalog, seed=seed)
        for position in _positions_of_good(scenario, catalog, seed):
            play.feed.play(play.session, position)
        again = play.replay_from(1)
        assert again.session.seed == seed and again.session.turn == 1
        assert again.session.options == Session.replay(scenario, catalog, [play.session.choices[0]], seed=seed).options
        assert store.attempt(again.attempt_id).seed == seed


def test_rescoring_replays_in_the_order_shown(data_dir, scenario, catalog):
    seed = _seed_that_reorders(scenario, catalog)
    with open_store(data_dir) as store:
        play = AttemptRecorder.start(store, "Ana", scenario, catalog, seed=seed)
        for position in _positions_of_good(scenario, catalog, seed):
            play.feed.play(play.session, position)
        attempt = store.history("Ana", status="finished")[0]
    assert attempt.grade == "A"
    rescored = rescore_attempt(attempt, scenario, changed_catalog(catalog))
    assert rescored.today is not None and rescored.today.grade == "A" and rescored.differences == ()
    # the same positions read in authored order would be a different path: the seed matters here
    unseeded = rescore_attempt(dataclasses.replace(attempt, seed=None), scenario, changed_catalog(catalog))
    assert unseeded.today is None or unseeded.differences != ()


def test_an_imported_attempt_keeps_its_seed(tmp_path, scenario, catalog):
    with open_store(tmp_path / "a") as one, open_store(tmp_path / "b") as two:
        attempt_id = AttemptRecorder.start(one, "Ana", scenario, catalog, seed=77).attempt_id
        copied = two.import_attempt(one.attempt(attempt_id))
        assert two.attempt(copied).seed == 77
