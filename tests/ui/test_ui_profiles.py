"""Profile stores: the protocol, in memory and over the records database."""

from __future__ import annotations

import pytest

from simulator.records.profile_store import RecordsProfileStore
from simulator.records.store import open_store
from simulator.ui.profiles import MemoryProfileStore, ProfileError, ProfileStore, name_key
from simulator.ui.settings import Settings


@pytest.fixture
def store():
    return MemoryProfileStore()


@pytest.fixture(params=["memory", "records"])
def any_store(request, tmp_path):
    """Every ProfileStore the game can run on, the records database's included."""
    if request.param == "memory":
        return MemoryProfileStore()
    records = open_store(tmp_path / "records")
    request.addfinalizer(records.close)
    return RecordsProfileStore(records, error=ProfileError)


def test_every_store_satisfies_the_protocol(any_store):
    assert isinstance(any_store, ProfileStore)


def test_profiles_are_created_once_case_insensitively(store):
    assert store.create_profile("  Ana   Lima ") == "Ana Lima"
    assert store.create_profile("ana lima") == "Ana Lima"
    assert store.list_profiles() == ["Ana Lima"]
    with pytest.raises(ProfileError, match="Type a name"):
        store.create_profile("   ")
    assert store.create_profile("x" * 40) == "x" * 40  # the records' limit (64), not the old 32
    with pytest.raises(ProfileError, match="at most 64"):
        store.create_profile("x" * 65)


@pytest.mark.parametrize("typed", ["sam rivera", "SAM RIVERA", "  Sam   Rivera ", "samrivera", "Sam\tRivera"])
def test_a_name_typed_another_way_is_the_same_trainee(any_store, typed):
    assert any_store.create_profile("Sam Rivera") == "Sam Rivera"
    assert any_store.create_profile(typed) == "Sam Rivera"
    assert any_store.list_profiles() == ["Sam Rivera"]
    assert name_key(typed) == name_key("Sam Rivera")
    assert name_key("Sam Rivers") != name_key("Sam Rivera")


def test_a_profile_can_be_renamed_and_keeps_its_settings(any_store):
    any_store.create_profile("sam rivera")
    any_store.save_settings("sam rivera", {"text_size": "large"})
    any_store.remember_last("sam rivera")
    assert any_store.rename_profile("sam rivera", " Sam  Rivera") == "Sam Rivera"  # fixing the case is allowed
    assert any_store.list_profiles() == ["Sam Rivera"]
    assert any_store.load_settings("Sam Rivera") == {"text_size": "large"}
    assert any_store.last_profile() == "Sam Rivera"


def test_a_rename_onto_another_trainee_is_refused(any_store):
    any_store.create_profile("Ana")
    any_store.create_profile("Bo")
    with pytest.raises(ProfileError, match="already a trainee called Ana"):
        any_store.rename_profile("Bo", " ANA ")
    with pytest.raises(ProfileError):
        any_store.rename_profile("Bo", "   ")
    assert sorted(any_store.list_profiles()) == ["Ana", "Bo"]


def test_a_deleted_profile_is_gone_and_the_others_stay(any_store):
    any_store.create_profile("Ana")
    any_store.create_profile("Bo")
    any_store.remember_last("Bo")
    any_store.delete_profile("Bo", keep_history=False)
    assert any_store.list_profiles() == ["Ana"]
    assert any_store.last_profile() != "Bo"


def test_settings_round_trip_and_bad_values_are_ignored(store):
    name = store.create_profile("Bo")
    settings = Settings(text_size="x-large", text_speed="instant", high_contrast=True, show_mood=False)
    store.save_settings(name, settings.to_dict())
    assert Settings.from_dict(store.load_settings(name)) == settings
    assert Settings.from_dict({"text_size": "gigantic", "high_contrast": "yes"}) == Settings()


def test_best_grade_only_improves(store):
    name = store.create_profile("Cy")
    store.record_result(name, "shoes", "C", 71.0)
    store.record_result(name, "shoes", "D", 62.0)
    assert store.best_grades(name) == {"shoes": "C"}
    store.record_result(name, "shoes", "A", 93.5)
    assert store.best_grades(name) == {"shoes": "A"}


def test_last_profile_is_remembered(store):
    store.create_profile("One")
    store.create_profile("Two")
    store.remember_last("One")
    assert store.last_profile() == "One"
    assert store.list_profiles()[0] == "One"


class _Scenario:  # just what the records store reads from a scenario
    id = "wrong-size"
    title = "The Wrong Size Shoes"
    source_sha256 = "a" * 64


class _Catalog:
    sha256 = "b" * 64


def _records_with_attempts(tmp_path, names=("Sam Rivera", "Ana")):
    records = open_store(tmp_path / "records")
    for name in names:
        attempt = records.start_attempt(name, _Scenario, _Catalog, {"choices": []})
        records.finish_attempt(attempt, {"grade": "C", "overall": 71.0, "outcome": "resolved", "passed": False,
                                         "skills": {}, "evidence": []})
    return records


def test_a_renamed_trainee_keeps_their_attempts(tmp_path):
    records = _records_with_attempts(tmp_path)
    try:
        profiles = RecordsProfileStore(records, error=ProfileError)
        profiles.rename_profile("Sam Rivera", "Samantha Rivera")
        assert records.count("Samantha Rivera") == 1 and records.count("Sam Rivera") == 0
        assert profiles.best_grades("Samantha Rivera") == {"wrong-size": "C"}
        assert records.count("Ana") == 1
    finally:
        records.close()


@pytest.mark.parametrize("keep", [True, False])
def test_deleting_a_trainee_keeps_or_removes_their_history_as_chosen(tmp_path, keep):
    records = _records_with_attempts(tmp_path)
    try:
        profiles = RecordsProfileStore(records, error=ProfileError)
        profiles.delete_profile("Sam Rivera", keep_history=keep)
        assert profiles.list_profiles() == ["Ana"]
        assert records.count("Sam Rivera") == (1 if keep else 0)
        assert records.count("Ana") == 1  # nobody else's history is touched
        assert profiles.problem is None
    finally:
        records.close()
