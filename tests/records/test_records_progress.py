"""The progress screen's data: grades per scenario, skill trends, what to practise next."""

from __future__ import annotations

import shutil

import pytest

from records_helpers import BAD, GOOD, record_play
from simulator.paths import DATA_DIR
from simulator.records.progress import focus_from_evidence, load_progress, trend_direction
from simulator.records.store import open_store
from simulator.scenario.catalog import load_catalog


def test_best_and_latest_grade_and_counts(data_dir, scenario, catalog):
    with open_store(data_dir) as store:
        record_play(store, scenario, catalog, GOOD)
        record_play(store, scenario, catalog, BAD)
        record_play(store, scenario, catalog, GOOD[:2])  # unfinished
        progress = load_progress(store, "Ana", catalog=catalog)
    (grades,) = progress.scenarios
    assert (progress.attempts, progress.finished) == (3, 2)
    assert (grades.best_grade, grades.latest_grade) == ("A", "F")
    assert grades.best_overall == 100.0 and grades.latest_overall < 60


def test_skill_trends_follow_the_attempts_in_order(data_dir, scenario, catalog):
    with open_store(data_dir) as store:
        for choices in (BAD, BAD, GOOD, GOOD):
            record_play(store, scenario, catalog, choices)
        progress = load_progress(store, "Ana")
    empathy = progress.trends["empathy"]
    assert [p.score for p in empathy.points] == [0, 0, 100, 100]
    assert empathy.direction == "improving" and empathy.latest == 100
    assert list(progress.trends) == ["calm", "listening", "empathy", "solutions", "follow_up"]


def test_the_trend_shows_only_the_latest_attempts(data_dir, scenario, catalog):
    with open_store(data_dir) as store:
        ids = [record_play(store, scenario, catalog, GOOD if n % 2 else BAD) for n in range(6)]
        progress = load_progress(store, "Ana", trend_length=4)
    assert [p.attempt_id for p in progress.trends["calm"].points] == ids[-4:]


def test_focus_names_the_weakest_skill_and_the_habit_behind_it(data_dir, scenario, catalog):
    with open_store(data_dir) as store:
        record_play(store, scenario, catalog, GOOD)
        record_play(store, scenario, catalog, BAD)
        record_play(store, scenario, catalog, BAD)
        focus = load_progress(store, "Ana", catalog=catalog).focus
    # listening, empathy and solutions are equally short; solutions lost the most to mistakes
    # (a flat refusal and the "two roads" rule each time), and the refusal cost more
    assert focus.skill == "solutions" and focus.label == "Solutions"
    assert (focus.rule, focus.rule_count) == ("refuse-flat", 2)
    assert focus.lesson == catalog.acts["refuse-flat"].lesson
    assert focus.attempts_considered == 3
    assert "Focus on solutions" in focus.message and catalog.acts["refuse-flat"].label in focus.message


def test_no_focus_before_anything_is_finished(data_dir, scenario, catalog):
    with open_store(data_dir) as store:
        record_play(store, scenario, catalog, GOOD[:1])
        progress = load_progress(store, "Ana")
    assert progress.focus is None and progress.trends["calm"].direction == "new"


def test_focus_from_evidence_uses_rules_and_generic_advice():
    attempts = [({"calm": 100, "listening": 50, "empathy": 90, "solutions": 90, "follow_up": 90},
                 [{"skill": "listening", "points": -20, "rule": "listen_before_solve"},
                  {"skill": "listening", "points": 10, "rule": "credit:invite"}]),
                ({"calm": 100, "listening": 70, "empathy": 95, "solutions": 90, "follow_up": 90},
                 [{"skill": "listening", "points": -20, "rule": "listen_before_solve"},
                  {"skill": "listening", "points": -25, "rule": "penalty:repeat-question"}])]
    focus = focus_from_evidence(attempts)
    assert focus.skill == "listening" and focus.average_shortfall == pytest.approx(40)
    assert (focus.rule, focus.rule_count, focus.rule_label) == ("listen_before_solve", 2, "listen before solve")
    assert "paraphrase" in focus.lesson
    assert focus_from_evidence([]) is None


@pytest.mark.parametrize("scores, expected", [([], "new"), ([50], "new"), ([50, 70], "improving"),
                                              ([80, 78], "steady"), ([90, 90, 90, 60, 60, 60], "slipping"),
                                              ([90, 91, 89, 92], "steady"), ([10, 90, 90, 92], "improving")])
def test_trend_direction(scores, expected):
    assert trend_direction(scores) == expected


def _data_folder(tmp_path, *edits):
    """A copy of the shipped data folder with `edits` ((old, new) in rubric.yaml) made."""
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    rubric = folder / "rubric.yaml"
    text = rubric.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    rubric.write_text(text, encoding="utf-8")
    catalog, diagnostics = load_catalog(folder)
    assert catalog is not None, [d.message for d in diagnostics]
    return catalog


def test_the_advice_and_the_rules_general_words_come_from_the_data_folder(tmp_path):
    catalog = _data_folder(tmp_path, ("advice: Name the feeling early and apologise once, specifically.",
                                      "advice: Say what they feel before anything else."),
                           ("  act: a good move\n", "  act: a kind word\n"))
    # empathy lost points to a mixed reply (a rule, not an act): the skill's advice is the lesson
    attempts = [({"calm": 100, "listening": 100, "empathy": 40, "solutions": 100, "follow_up": 100},
                 [{"skill": "empathy", "points": -30, "rule": "mixed_reply"}])]
    focus = focus_from_evidence(attempts, catalog=catalog)
    assert focus.lesson == "Say what they feel before anything else."
    assert focus.rule_label == 'No credit for "a kind word": the same reply also did "something negative"'
    assert focus.message.endswith(" Say what they feel before anything else.")
    shipped = focus_from_evidence(attempts, catalog=load_catalog()[0])
    assert shipped.lesson == "Name the feeling early and apologise once, specifically."
    assert shipped.rule_label.startswith('No credit for "a good move"')
