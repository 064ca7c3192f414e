"""The attempt store's everyday behaviour: what goes in comes back out."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from simulator.records.location import DB_FILENAME, ENV_VAR, data_dir, database_path
from simulator.records.store import RecordsError, clean_profile_name, open_store


class FakeScenario:
    id = "wrong-size"
    title = "The Wrong Size Shoes"
    source_sha256 = "a" * 64


class FakeCatalog:
    sha256 = "b" * 64


def ticking_clock():
    """Deterministic timestamps one second apart."""
    counter = itertools.count()

    def now() -> str:
        n = next(counter)
        return f"2025-01-01T10:{n // 60:02d}:{n % 60:02d}.000Z"
    return now


def turn(n: int, node: str = "n", pleasure: float = 0.0, evidence=()):
    """Some of a turn's JSON (TurnRecord.to_json() key names), as a client without the
    engine's classes would hand it to the store."""
    return {"turn": n, "node": f"{node}{n}", "choice": 0, "reply_text": f"reply {n}", "acts": ["invite"],
            "mood_after": {"pleasure": pleasure}, "expression_after": "neutral", "next": f"{node}{n + 1}",
            "evidence": list(evidence)}


def play(store, profile="Ana", turns=3, result=None, scenario=FakeScenario):
    attempt_id = store.start_attempt(profile, scenario, FakeCatalog, {"choices": []})
    for n in range(1, turns + 1):
        store.save_turn(attempt_id, {"choices": [0] * n}, turn(n, pleasure=n / 10))
    if result is not None:
        store.finish_attempt(attempt_id, result)
    return attempt_id


def result(grade="B", overall=82.5, outcome="resolved", **skills):
    return {"grade": grade, "overall": overall, "outcome": outcome, "passed": grade in "AB",
            "skills": {"calm": 90, "listening": 80, "empathy": 70, "solutions": 85, "follow_up": 60, **skills},
            "evidence": [{"turn": 1, "skill": "empathy", "points": -20, "rule": "feel_before_fix"}],
            "ending_id": "happy", "ending_text": "Smiles."}


def test_a_folder_gets_records_sqlite3_and_a_db_suffix_names_the_file(tmp_path):
    assert database_path(tmp_path) == tmp_path / DB_FILENAME
    assert database_path(tmp_path / "mine.db") == tmp_path / "mine.db"


def test_flag_beats_environment_beats_platform_folder(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "from-env"))
    assert data_dir() == tmp_path / "from-env"
    assert data_dir(tmp_path / "flag") == tmp_path / "flag"
    monkeypatch.delenv(ENV_VAR)
    assert data_dir().name == "customer-sim"  # platformdirs' user data folder


def test_open_store_uses_the_environment_variable(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env-dir"))
    with open_store() as store:
        assert store.path == tmp_path / "env-dir" / DB_FILENAME
        assert store.saving and store.warnings == ()
    assert (tmp_path / "env-dir" / DB_FILENAME).is_file()


def test_new_database_is_wal_and_at_the_current_schema(data_dir):
    from simulator.records.schema import SCHEMA_VERSION

    with open_store(data_dir) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        versions = [row[0] for row in store._conn.execute("SELECT version FROM migrations ORDER BY version")]
        assert versions == list(range(1, SCHEMA_VERSION + 1))


def test_a_played_attempt_comes_back_complete(data_dir):
    with open_store(data_dir) as store:
        attempt_id = play(store, turns=3, result=result())
        attempt = store.attempt(attempt_id)
    assert attempt.status == "finished" and attempt.finished
    assert attempt.choices == (0, 0, 0) and attempt.turn_count == 3
    assert [m["pleasure"] for m in attempt.moods] == [0.1, 0.2, 0.3]
    assert [t["node"] for t in attempt.turns] == ["n1", "n2", "n3"]
    assert (attempt.grade, attempt.overall, attempt.outcome) == ("B", 82.5, "resolved")
    assert attempt.skills["follow_up"] == 60
    assert attempt.evidence[0]["rule"] == "feel_before_fix"  # the result's full evidence list
    assert attempt.result == {"ending_id": "happy", "ending_text": "Smiles.", "passed": True}
    assert attempt.scenario_sha256 == "a" * 64 and attempt.catalog_sha256 == "b" * 64
    assert attempt.scenario_title == "The Wrong Size Shoes"
    assert attempt.snapshot is None  # dropped once finished: the choices replay it exactly
    assert attempt.started_at <= attempt.finished_at


def test_turn_evidence_is_collected_while_playing(data_dir):
    with open_store(data_dir) as store:
        attempt_id = store.start_attempt("Ana", FakeScenario, FakeCatalog)
        store.save_turn(attempt_id, {"choices": [0]}, turn(1, evidence=[{"skill": "calm", "points": -35}]))
        store.save_turn(attempt_id, {"choices": [0, 1]}, turn(2, evidence=[{"skill": "listening", "points": 10}]))
        attempt = store.attempt(attempt_id)
    assert [(e["skill"], e["turn"]) for e in attempt.evidence] == [("calm", 1), ("listening", 2)]


def test_saving_the_same_turn_twice_does_not_duplicate(data_dir):
    with open_store(data_dir) as store:
        attempt_id = store.start_attempt("Ana", FakeScenario, FakeCatalog)
        for _ in range(2):
            store.save_turn(attempt_id, {"choices": [1]}, turn(1, evidence=[{"skill": "calm", "points": 5}]))
        attempt = store.attempt(attempt_id)
    assert len(attempt.moods) == len(attempt.turns) == len(attempt.evidence) == 1


def test_rewinding_cuts_later_turns_and_the_evidence_they_produced(data_dir):
    with open_store(data_dir) as store:
        attempt_id = store.start_attempt("Ana", FakeScenario, FakeCatalog)
        for n in (1, 2, 3):
            # turn 3's evidence names turn 1 (an order rule looking back): it must go with turn 3
            evidence = [{"skill": "solutions", "points": -20, "turn": 1}] if n == 3 else []
            store.save_turn(attempt_id, {"choices": [0] * n}, turn(n, evidence=evidence))
        store.save_turn(attempt_id, {"choices": [0, 1]}, turn(2, node="m"))  # replayed turn 2 differently
        attempt = store.attempt(attempt_id)
    assert attempt.choices == (0, 1)
    assert [t["node"] for t in attempt.turns] == ["n1", "m2"]
    assert attempt.evidence == ()


def test_unfinished_attempt_is_the_latest_in_progress_one(data_dir):
    with open_store(data_dir) as store:
        play(store, result=result())
        older = play(store, turns=1)
        assert store.attempt(older).snapshot == {"choices": [0]}
        newer = play(store, turns=2)
        play(store, profile="Ben", turns=1)
        assert store.unfinished_attempt("Ana").id == newer
        assert store.unfinished_attempt("Ana", scenario_id="other") is None
        store.abandon(newer)
        assert store.unfinished_attempt("Ana").id == older
        assert store.attempt(newer).status == "abandoned"
        assert store.unfinished_attempt("Nobody") is None


def test_abandon_does_not_touch_a_finished_attempt(data_dir):
    with open_store(data_dir) as store:
        attempt_id = play(store, result=result())
        store.abandon(attempt_id)
        assert store.attempt(attempt_id).status == "finished"


def test_saving_into_a_finished_or_missing_attempt_is_a_clear_error(data_dir):
    with open_store(data_dir) as store:
        attempt_id = play(store, result=result())
        with pytest.raises(RecordsError, match="already finished"):
            store.save_turn(attempt_id, {"choices": [0]}, turn(1))
        with pytest.raises(RecordsError, match="no attempt #999"):
            store.save_turn(999, {"choices": [0]}, turn(1))
        with pytest.raises(RecordsError, match="no attempt #999"):
            store.finish_attempt(999, result())


def test_finishing_twice_keeps_the_first_result(data_dir):
    with open_store(data_dir) as store:
        attempt_id = play(store, result=result(grade="A", overall=95))
        store.finish_attempt(attempt_id, result(grade="F", overall=10))
        assert store.attempt(attempt_id).grade == "A"


def test_history_filters_and_orders(data_dir):
    class Other(FakeScenario):
        id = "other"

    with open_store(data_dir) as store:
        first = play(store, result=result())
        second = play(store, result=result(), scenario=Other)
        third = play(store, turns=1)
        play(store, profile="Ben", result=result())
        assert [a.id for a in store.history("Ana")] == [third, second, first]
        assert [a.id for a in store.history("Ana", newest_first=False)] == [first, second, third]
        assert [a.id for a in store.history("Ana", scenario_id="other")] == [second]
        assert [a.id for a in store.history("Ana", status="finished", limit=1)] == [second]
        summary = store.history("Ana")[0]
        assert summary.snapshot is None and summary.moods is None  # summaries stay light
        assert store.history("Ana", full=True)[0].moods is not None
        assert store.count() == 4 and store.count("Ben") == 1
        with pytest.raises(RecordsError, match="unknown attempt status"):
            store.history("Ana", status="done")


def test_best_and_latest_grade_per_scenario(data_dir):
    with open_store(data_dir) as store:
        play(store, result=result(grade="C", overall=72, outcome="unresolved"))
        play(store, result=result(grade="A", overall=93, outcome="delighted"))
        play(store, result=result(grade="B", overall=84, outcome="resolved"))
        play(store, turns=2)  # unfinished: counts as an attempt, not as a grade
        grades = store.grades("Ana")["wrong-size"]
    assert (grades.attempts, grades.finished) == (4, 3)
    assert (grades.best_grade, grades.best_overall) == ("A", 93)
    assert (grades.latest_grade, grades.latest_overall, grades.latest_outcome) == ("B", 84, "resolved")
    assert grades.scenario_title == "The Wrong Size Shoes"


def test_profiles_and_settings(data_dir):
    with open_store(data_dir) as store:
        assert store.settings("Ana") == {}
        store.set_settings("Ana", {"text_size": "large", "mood_indicator": False})
        merged = store.update_settings("Ana", text_speed="instant")
        assert merged == {"text_size": "large", "mood_indicator": False, "text_speed": "instant"}
        store.ensure_profile("  Ben   Lee ")
        assert store.profiles() == ["Ana", "Ben Lee"]
    with open_store(data_dir) as again:  # settings persist across sessions
        assert again.settings("Ana")["text_speed"] == "instant"


@pytest.mark.parametrize("bad, message", [("", "empty"), ("   ", "empty"), ("x" * 65, "limit"),
                                          ("a\x00b", "control")])
def test_bad_profile_names_are_refused_with_a_reason(bad, message):
    with pytest.raises(RecordsError, match=message):
        clean_profile_name(bad)


def test_import_attempt_skips_an_attempt_already_present(data_dir, tmp_path):
    with open_store(data_dir) as source:
        attempt = source.attempt(play(source, result=result()))
    with open_store(tmp_path / "other.sqlite3") as target:
        assert target.import_attempt(attempt) is not None
        assert target.import_attempt(attempt) is None
        copied = target.history(full=True)[0]
        assert (copied.uid, copied.moods, copied.grade) == (attempt.uid, attempt.moods, attempt.grade)


def test_every_attempt_gets_a_distinct_uid(data_dir):
    with open_store(data_dir) as store:
        ids = [play(store, turns=0) for _ in range(5)]
        uids = {store.attempt(i).uid for i in ids}
    assert len(uids) == 5


def test_batch_writes_all_or_nothing(data_dir):
    with open_store(data_dir) as store:
        with pytest.raises(RuntimeError):
            with store.batch():
                play(store, result=result())
                raise RuntimeError("stop half way")
        assert store.count() == 0
        with store.batch():
            play(store, result=result())
            play(store, result=result())
        assert store.count() == 2


def test_a_clock_can_be_injected_for_reproducible_times(data_dir: Path):
    with open_store(data_dir, clock=ticking_clock()) as store:
        attempt = store.attempt(play(store, turns=1, result=result()))
    assert (attempt.started_at, attempt.finished_at) == ("2025-01-01T10:00:00.000Z", "2025-01-01T10:00:02.000Z")
