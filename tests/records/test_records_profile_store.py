"""The game's ProfileStore protocol backed by the records database."""

from __future__ import annotations

import pytest

from records_helpers import BAD, GOOD, build_scenario, record_play
from simulator.records.profile_store import RecordsProfileStore
from simulator.records.store import open_store


def test_it_satisfies_the_games_profile_protocol(data_dir):
    profiles_module = pytest.importorskip("simulator.ui.profiles")
    with open_store(data_dir) as store:
        assert isinstance(RecordsProfileStore(store), profiles_module.ProfileStore)


def test_profiles_settings_and_recent_order(data_dir):
    with open_store(data_dir) as store:
        profiles = RecordsProfileStore(store, error=KeyError)
        assert profiles.create_profile("  Ana  ") == "Ana"
        profiles.create_profile("Ben")
        assert profiles.last_profile() is None
        profiles.remember_last("Ben")
        profiles.remember_last("Ana")
        assert profiles.list_profiles() == ["Ana", "Ben"] and profiles.last_profile() == "Ana"
        profiles.save_settings("Ana", {"text_size": 2})
        assert profiles.load_settings("Ana") == {"text_size": 2} and profiles.load_settings("Ben") == {}
        with pytest.raises(KeyError, match="cannot be empty"):
            profiles.create_profile("   ")
        assert profiles.problem is None


def test_best_grades_come_from_recorded_attempts(data_dir, catalog):
    with open_store(data_dir) as store:
        scenario = build_scenario()
        record_play(store, scenario, catalog, BAD)
        record_play(store, scenario, catalog, GOOD)
        record_play(store, scenario, catalog, BAD)
        profiles = RecordsProfileStore(store)
        profiles.record_result("Ana", scenario.id, "F", 10.0)  # already recorded: changes nothing
        assert profiles.best_grades("Ana") == {scenario.id: "A"}


def test_a_store_that_saves_nothing_reports_it_as_the_problem(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with open_store(blocker / "records") as store:
        profiles = RecordsProfileStore(store)
        assert profiles.problem.startswith("Progress is not being saved")
        assert profiles.create_profile("Ana") == "Ana"  # still usable for this session


def test_names_typed_two_ways_are_one_trainee(data_dir):
    with open_store(data_dir) as store:
        profiles = RecordsProfileStore(store)
        composed, decomposed = "Ren\u00e9e", "Rene\u0301e"
        assert profiles.create_profile(composed) == profiles.create_profile(decomposed)
        assert store.profiles() == ["Ren\u00e9e"]


def test_profiles_used_within_one_millisecond_keep_the_order_they_were_used_in(data_dir):
    with open_store(data_dir, clock=lambda: "2026-12-01T10:00:00.000Z") as store:  # a clock that never moves
        for name in ("Ben", "Ana", "Cy", "Ben"):
            store.touch_profile(name)
        assert store.profiles(recent_first=True) == ["Ben", "Cy", "Ana"]
        assert store.last_profile() == "Ben"
