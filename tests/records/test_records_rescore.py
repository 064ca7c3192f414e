"""Old attempts re-scored under today's scenario and rules by replaying their choices."""

from __future__ import annotations

from dataclasses import replace

from records_helpers import BAD, GOOD, build_scenario, changed_catalog, record_play
from simulator.records.rescore import changed_files, pending, rescore_attempt, rescore_history
from simulator.records.store import open_store


def _attempt(data_dir, scenario, catalog, choices):
    with open_store(data_dir) as store:
        return store.attempt(record_play(store, scenario, catalog, choices))


def test_nothing_changed_means_nothing_to_rescore(data_dir, scenario, catalog):
    attempt = _attempt(data_dir, scenario, catalog, GOOD)
    assert changed_files(attempt, scenario, catalog) == ()
    assert rescore_attempt(attempt, scenario, catalog) is None
    forced = rescore_attempt(attempt, scenario, catalog, force=True)
    assert forced.today == forced.played and forced.differences == ()
    assert "same score" in forced.message


def test_changed_rules_with_the_same_effect_give_the_same_score(data_dir, scenario, catalog):
    attempt = _attempt(data_dir, scenario, catalog, BAD)
    rescored = rescore_attempt(attempt, scenario, changed_catalog(catalog))
    assert rescored.changed == ("rules",)
    assert rescored.today.overall == attempt.overall and rescored.differences == ()
    assert "the scoring rules changed" in rescored.message


def test_an_edited_scenario_shows_both_scores_and_what_moved(data_dir, scenario, catalog):
    attempt = _attempt(data_dir, scenario, catalog, GOOD)
    edited = build_scenario(sha="sha-v2")
    opening = edited.nodes["opening"]
    # the author re-tagged the first good reply: it now also interrupts the customer
    harsher = replace(opening.replies[0], acts=("acknowledge", "invite", "interrupt"))
    edited = replace(edited, nodes={**edited.nodes, "opening": replace(opening, replies=(harsher, opening.replies[1]))})
    rescored = rescore_attempt(attempt, edited, catalog)
    assert rescored.changed == ("scenario",)
    assert rescored.played.grade == "A" and rescored.played.overall == 100
    assert rescored.today.overall < 100
    assert any(d.startswith("listening 100 → ") for d in rescored.differences)
    assert "the scenario 'wrong-size' changed" in rescored.message and "Today:" in rescored.message


def test_a_removed_node_makes_the_replay_impossible_and_says_so(data_dir, scenario, catalog):
    attempt = _attempt(data_dir, scenario, catalog, GOOD)  # went through "recap"
    rescored = rescore_attempt(attempt, build_scenario(sha="sha-v3", with_recap=False), catalog)
    assert rescored.today is None
    assert "no longer fit" in rescored.problem
    assert "cannot be re-scored" in rescored.message


def test_a_choice_out_of_range_makes_the_replay_impossible(data_dir, scenario, catalog):
    attempt = _attempt(data_dir, scenario, catalog, BAD)  # picked the second reply at "story"
    edited = build_scenario(sha="sha-v4")
    story = edited.nodes["story"]
    edited = replace(edited, nodes={**edited.nodes, "story": replace(story, replies=story.replies[:1])})
    rescored = rescore_attempt(attempt, edited, catalog)
    assert rescored.today is None and "no longer fit" in rescored.problem


def test_choices_that_stop_short_of_an_ending_say_where_they_stopped(data_dir, scenario, catalog):
    attempt = _attempt(data_dir, scenario, catalog, GOOD)
    edited = build_scenario(sha="sha-v5")
    close = edited.nodes["close"]
    longer = replace(close.replies[0], next="recap")  # closing now loops back instead of ending
    edited = replace(edited, nodes={**edited.nodes, "close": replace(close, replies=(longer,))})
    rescored = rescore_attempt(attempt, edited, catalog)
    assert rescored.today is None
    assert "no longer reach an ending" in rescored.problem and "'recap'" in rescored.problem


def test_a_deleted_scenario_is_reported(data_dir, scenario, catalog):
    attempt = _attempt(data_dir, scenario, catalog, GOOD)
    rescored = rescore_attempt(attempt, None, catalog)
    assert rescored.today is None and "no longer among the scenario files" in rescored.problem


def test_history_rescoring_lists_only_changed_attempts(data_dir, scenario, catalog):
    with open_store(data_dir) as store:
        record_play(store, scenario, catalog, GOOD)
        record_play(store, scenario, catalog, BAD)
        record_play(store, scenario, catalog, GOOD[:2])  # unfinished: not re-scored
        assert rescore_history(store, "Ana", {scenario.id: scenario}, catalog) == []
        edited = build_scenario(sha="sha-v2", with_recap=False)
        results = rescore_history(store, "Ana", {scenario.id: edited}, catalog)
    assert len(results) == 2 and all(r.changed == ("scenario",) for r in results)
    assert len(pending(results)) >= 1
