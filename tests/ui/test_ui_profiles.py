"""Profile stores: the protocol the records layer will plug into, in memory and as JSON."""

from __future__ import annotations

import json
import os

import pytest

from simulator.ui.profiles import JsonProfileStore, MemoryProfileStore, ProfileError, ProfileStore
from simulator.ui.settings import Settings


@pytest.fixture(params=["memory", "json"])
def store(request, tmp_path):
    return MemoryProfileStore() if request.param == "memory" else JsonProfileStore(tmp_path / "profiles.json")


def test_both_stores_satisfy_the_protocol(store):
    assert isinstance(store, ProfileStore)


def test_profiles_are_created_once_case_insensitively(store):
    assert store.create_profile("  Ana   Lima ") == "Ana Lima"
    assert store.create_profile("ana lima") == "Ana Lima"
    assert store.list_profiles() == ["Ana Lima"]
    with pytest.raises(ProfileError, match="Type a name"):
        store.create_profile("   ")
    with pytest.raises(ProfileError, match="at most"):
        store.create_profile("x" * 40)


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


def test_json_store_survives_a_restart(tmp_path):
    path = tmp_path / "profiles.json"
    first = JsonProfileStore(path)
    name = first.create_profile("Dee")
    first.save_settings(name, {"text_size": "large"})
    first.record_result(name, "bill", "B", 84.0)
    again = JsonProfileStore(path)
    assert again.list_profiles() == ["Dee"]
    assert again.load_settings("Dee") == {"text_size": "large"}
    assert again.best_grades("Dee") == {"bill": "B"}
    assert not list(tmp_path.glob(".profiles-*"))  # no temp files left behind


def test_a_corrupt_file_is_moved_aside_and_a_fresh_one_started(tmp_path):
    path = tmp_path / "profiles.json"
    path.write_text("{not json", encoding="utf-8")
    store = JsonProfileStore(path)
    assert store.list_profiles() == []
    assert list(tmp_path.glob("profiles.json.corrupt-*"))
    store.create_profile("Eve")
    assert json.loads(path.read_text(encoding="utf-8"))["profiles"]["Eve"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only folders")
def test_a_read_only_folder_keeps_playing_and_says_why(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        store = JsonProfileStore(folder / "profiles.json")
        assert store.create_profile("Fay") == "Fay"
        assert store.problem and "cannot be saved" in store.problem
    finally:
        folder.chmod(0o700)


def test_an_unwritable_location_keeps_playing_and_says_why(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    store = JsonProfileStore(blocker / "sub" / "profiles.json")  # parent is a file: cannot mkdir
    assert store.create_profile("Gus") == "Gus"
    assert store.list_profiles() == ["Gus"]
    assert store.problem and "cannot be saved" in store.problem
