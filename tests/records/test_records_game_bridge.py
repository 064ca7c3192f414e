"""The game's records entry points with the real session: save every turn, resume after a
kill with the same state, and finish with the same result as an uninterrupted play."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from records_helpers import build_scenario
from simulator.engine.session import ChoiceError, Session
from simulator.records.game_bridge import (AttemptRecorder, ResumeError, decline, resume, resume_offer,
                                           saving_status)
from simulator.records.store import open_store

GOOD = [0, 0, 0, 0, 0]
WORKER = Path(__file__).with_name("game_worker.py")


def test_every_turn_is_saved_as_it_is_played(data_dir, scenario, catalog):
    with open_store(data_dir) as store:
        play = AttemptRecorder.start(store, "Ana", scenario, catalog)
        assert store.unfinished_attempt("Ana").turn_count == 0
        play.feed.play(play.session, 0)
        play.feed.play(play.session, 1)
        saved = store.unfinished_attempt("Ana")
        assert saved.choices == (0, 1)
        assert saved.snapshot == play.session.snapshot()
        assert [t["node"] for t in saved.turns] == ["opening", "story"]
        assert saved.moods[-1] == pytest.approx(play.session.transcript[-1].mood_after, abs=1e-4)
        assert play.save_problem is None and play.saving


def test_finishing_records_the_sessions_result(data_dir, scenario, catalog):
    with open_store(data_dir) as store:
        play = AttemptRecorder.start(store, "Ana", scenario, catalog)
        for choice in GOOD:
            play.feed.play(play.session, choice)
        attempt = store.attempt(play.attempt_id)
    result = play.session.result
    assert attempt.status == "finished"
    assert (attempt.grade, attempt.overall, attempt.outcome) == (result.grade, result.overall, result.outcome)
    assert attempt.skills == dict(result.skills)
    assert len(attempt.evidence) == len(result.evidence)
    assert attempt.result["passed"] is result.passed and attempt.result["ending_id"] == result.ending_id


def test_the_recorder_holds_a_plain_session_and_wraps_nothing(data_dir, scenario, catalog):
    with open_store(data_dir) as store:
        play = AttemptRecorder.start(store, "Ana", scenario, catalog)
        plain = Session(scenario, catalog)
        assert type(play.session) is Session and play.session.snapshot() == plain.snapshot()
        assert not hasattr(play, "customer_line") and not hasattr(play, "choose")  # no attribute fall-through
        with pytest.raises(ChoiceError):
            play.feed.play(play.session, 7)
        assert store.unfinished_attempt("Ana").turn_count == 0  # a refused choice saves nothing


def test_a_turn_of_another_conversation_is_not_saved(data_dir, scenario, catalog):
    from simulator.engine.session_protocol import TurnFeed

    with open_store(data_dir) as store:
        play = AttemptRecorder.start(store, "Ana", scenario, catalog)
        other = Session(scenario, catalog)
        TurnFeed([play.on_turn]).play(other, 0)  # the same feed, a different conversation
        assert store.unfinished_attempt("Ana").turn_count == 0 and other.turn == 1


def test_killed_mid_scenario_resume_gives_the_same_state_and_result(data_dir, scenario, catalog):
    child = subprocess.run([sys.executable, str(WORKER), str(data_dir), "Ana", "0,0"],
                           capture_output=True, text=True, timeout=60)
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert child.stdout.startswith("played 2")

    uninterrupted = Session.replay(scenario, catalog, GOOD[:2])
    with open_store(data_dir) as store:
        offer = resume_offer(store, "Ana", {scenario.id: scenario})
        assert offer is not None and offer.available and offer.turns_played == 2
        assert "Resume" in offer.message and scenario.title in offer.message
        play = resume(store, offer, scenario, catalog)
        # same turn, same state: the snapshot matches a play-through that was never interrupted
        assert play.session.turn == 2 and play.session.snapshot() == uninterrupted.snapshot()
        for choice in GOOD[2:]:
            play.feed.play(play.session, choice)
            uninterrupted.choose(choice)
        assert play.session.result == uninterrupted.result
        stored = store.attempt(offer.attempt.id)
        assert stored.status == "finished" and stored.overall == uninterrupted.result.overall
        assert resume_offer(store, "Ana") is None


def test_declining_keeps_the_attempt_as_abandoned(data_dir, scenario, catalog):
    with open_store(data_dir) as store:
        play = AttemptRecorder.start(store, "Ana", scenario, catalog)
        play.feed.play(play.session, 0)
        offer = resume_offer(store, "Ana")
        decline(store, offer)
        assert resume_offer(store, "Ana") is None
        assert store.attempt(play.attempt_id).status == "abandoned"


def test_resume_after_the_scenario_changed_replays_the_choices(data_dir, scenario, catalog):
    with open_store(data_dir) as store:
        play = AttemptRecorder.start(store, "Ana", scenario, catalog)
        play.feed.play(play.session, 0)
        offer = resume_offer(store, "Ana")
    edited = build_scenario(sha="sha-v2")
    with open_store(data_dir) as store:
        resumed = resume(store, offer, edited, catalog)
        assert resumed.session.turn == 1 and resumed.session.node_id == "story"


def test_resume_when_the_saved_path_no_longer_exists_says_why(data_dir, scenario, catalog):
    with open_store(data_dir) as store:
        play = AttemptRecorder.start(store, "Ana", scenario, catalog)
        for choice in GOOD[:3]:
            play.feed.play(play.session, choice)  # now at "recap", which the edited scenario no longer has
        offer = resume_offer(store, "Ana")
        without_recap = build_scenario(sha="sha-v3", with_recap=False)
        with pytest.raises(ResumeError, match="cannot be resumed because the scenario changed"):
            resume(store, offer, without_recap, catalog)
        assert not resume_offer(store, "Ana", {"other": scenario}).available


def test_resume_with_a_damaged_snapshot_and_transcript_replays_or_says_why(data_dir, scenario, catalog):
    # a transcript line that is not a mapping raised AttributeError out of resume
    import sqlite3

    with open_store(data_dir) as store:
        play = AttemptRecorder.start(store, "Ana", scenario, catalog)
        play.feed.play(play.session, 0)
        db = store.path
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE attempt_details SET snapshot = '{\"format\": 1}', turns = '[1, 2]'")
    with open_store(data_dir) as store:
        offer = resume_offer(store, "Ana")
        resumed = resume(store, offer, scenario, catalog)  # the stored choices replay it
        assert resumed.session.turn == 1 and resumed.session.node_id == "story"


def test_replay_from_a_turn_starts_a_new_attempt_at_that_state(data_dir, scenario, catalog):
    with open_store(data_dir) as store:
        play = AttemptRecorder.start(store, "Ana", scenario, catalog)
        for choice in GOOD:
            play.feed.play(play.session, choice)
        again = play.replay_from(2)
        assert again.attempt_id != play.attempt_id
        assert again.session.snapshot() == Session.replay(scenario, catalog, GOOD[:2]).snapshot()
        assert store.attempt(again.attempt_id).choices == (0, 0)
        retry = again.retry()
        assert retry.session.turn == 0 and store.count("Ana") == 3


def test_a_failing_save_never_stops_play(data_dir, scenario, catalog):
    with open_store(data_dir) as store:
        play = AttemptRecorder.start(store, "Ana", scenario, catalog)
        store._conn.execute("PRAGMA query_only = ON")  # the disk stops accepting writes mid-game
        play.feed.play(play.session, 0)
        assert play.session.turn == 1 and not play.saving
        assert "could not" in play.save_problem
        assert saving_status(store, play).startswith("Saving has stopped: 1 turn is not saved yet")


def test_a_store_that_saves_nothing_says_so_and_play_works(tmp_path, scenario, catalog):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with open_store(blocker / "records") as store:
        play = AttemptRecorder.start(store, "Ana", scenario, catalog)
        for choice in GOOD:
            play.feed.play(play.session, choice)
        assert play.session.result.grade == "A"
        assert saving_status(store).startswith("Progress is not being saved")
