"""The words the screens show for outcomes, skills and the skill to practise come from the data
folder's rubric.yaml: the game opened on a copy with other words shows those words."""

from __future__ import annotations

import shutil

import pygame
import pytest

from simulator.paths import DATA_DIR
from simulator.records.profile_store import RecordsProfileStore
from simulator.records.store import open_store
from simulator.scenario.model import OUTCOMES
from simulator.scenario.rubric_terms import rubric_terms
from simulator.ui.profiles import ProfileError
from simulator.ui.records_link import attach_records
from tools.game_driver import DIGIT_KEYS, finish_line, press, scene_name
from tools.layout_check import draw_logged, visible_texts
from ui_helpers import FORMAT_TOUR, SCENARIOS

# every outcome gets new words, so whichever ending the play-through reaches shows them
WORDS = {outcome: (f"Ended as {outcome} here", chr(ord("A") + i)) for i, outcome in enumerate(OUTCOMES)}
ADVICE = "Offer two roads and say when each one happens."
SHIPPED_LABEL, RENAMED = "Solutions", "Ways forward"  # the solutions skill's label, shipped and renamed


@pytest.fixture
def data_dir(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    rubric = folder / "rubric.yaml"
    text = rubric.read_text(encoding="utf-8")
    head = text[:text.index("\noutcomes:\n")]
    shipped_advice = "advice: Own the problem and offer two real options with a next step and a time."
    assert shipped_advice in head
    head = head.replace(shipped_advice, f"advice: {ADVICE}")
    assert head.count(f"label: {SHIPPED_LABEL}\n") == 1
    head = head.replace(f"label: {SHIPPED_LABEL}\n", f"label: {RENAMED}\n")
    rubric.write_text(head + "\noutcomes:\n" + "".join(f"  {o}: {{label: {label}, symbol: {symbol}}}\n"
                                                      for o, (label, symbol) in WORDS.items()), encoding="utf-8")
    return folder


def _on_screen(app) -> str:
    log, _ = draw_logged(app)
    return " ".join(mark.text for mark in visible_texts(log))


def _texts(app) -> set[str]:
    """Each text drawn on its own (a skill label is a text of its own beside its bar)."""
    log, _ = draw_logged(app)
    return {mark.text for mark in visible_texts(log)}


def test_the_outcome_is_worded_by_the_data_folder_at_the_end_and_in_the_debrief(make_app, data_dir):
    app = make_app(FORMAT_TOUR, data_dir=data_dir)
    press(app, pygame.K_RETURN)  # picker -> briefing
    press(app, pygame.K_RETURN)  # briefing -> conversation
    scene = app.top
    assert scene_name(app) == "conversation"
    while not scene.ended:
        finish_line(app)
        press(app, DIGIT_KEYS[0])
    finish_line(app)
    label, symbol = WORDS[scene.session.result.outcome]
    assert f"{symbol} {label}" in _on_screen(app)  # the name over the customer's last line
    press(app, pygame.K_RETURN)
    assert scene_name(app) == "debrief"
    shown = _on_screen(app)
    assert f"{symbol} {label}" in shown  # beside the grade
    shipped = rubric_terms()  # the shipped words are nowhere (a mood may still read "Delighted")
    assert not any(f"{shipped.outcome_symbol(o)} {shipped.outcome_label(o)}" in shown for o in OUTCOMES)
    texts = _texts(app)  # the skill bars name the skill as the data folder does
    assert RENAMED in texts and SHIPPED_LABEL not in texts


@pytest.fixture
def progress_app(data_dir, tmp_path):
    """The game on `data_dir`, records attached, showing Kim's progress after one attempt."""
    store = open_store(tmp_path / "records")
    scenario = type("S", (), {"id": "wrong-size", "title": "Wrong size", "source_sha256": "a" * 64})
    catalog = type("C", (), {"sha256": "c" * 64})
    attempt = store.start_attempt("Kim", scenario, catalog, {"choices": []})
    # solutions lost its points to a rule (two roads), not an act: the advice is the skill's own
    store.finish_attempt(attempt, {
        "grade": "C", "overall": 70.0, "outcome": "resolved", "passed": False,
        "skills": {"calm": 90, "listening": 85, "empathy": 80, "solutions": 40, "follow_up": 85},
        "evidence": [{"turn": 2, "skill": "solutions", "points": -20, "rule": "two_roads"}]})
    from simulator.ui.app import App

    # attached before it opens, as the game does (make_app only for its pygame clean-up)
    app = App(SCENARIOS, data_dir=data_dir, store=RecordsProfileStore(store, error=ProfileError),
              size=(1024, 640), profile="Kim", shuffle_replies=False)
    attach_records(app, store)
    try:
        app.open()
        app.settle()
        press(app, pygame.K_p)
        assert scene_name(app) == "progress"
        yield app
    finally:
        app.close()
        store.close()


def test_the_progress_screen_advises_in_the_data_folders_words(make_app, progress_app):
    assert progress_app.top._advice_text().endswith(" " + ADVICE)
    assert ADVICE in _on_screen(progress_app)


def test_the_progress_screens_skill_trends_use_the_data_folders_labels(make_app, progress_app):
    texts = _texts(progress_app)
    assert RENAMED in texts and SHIPPED_LABEL not in texts
    assert f"Focus on {RENAMED.lower()}" in _on_screen(progress_app)  # the advice names it the same way


def test_the_rubric_words_are_read_when_a_screen_is_built_not_every_frame(make_app, data_dir, monkeypatch):
    """Reading a catalog's words walks its rubric (tens of microseconds): the conversation's
    ending, the debrief and the picker read them once, so drawing reads none."""
    from simulator.scenario import rubric_terms as terms_module

    reads = []
    real = terms_module._terms
    monkeypatch.setattr(terms_module, "_terms", lambda data: reads.append(1) or real(data))

    def drawn_reads(app) -> int:
        reads.clear()
        for _ in range(3):
            app.draw()  # the game's own frame: window fill, the scene stack, flip
        return len(reads)

    app = make_app(FORMAT_TOUR, data_dir=data_dir)
    press(app, pygame.K_RETURN)
    press(app, pygame.K_RETURN)
    scene = app.top
    while not scene.ended:
        finish_line(app)
        press(app, DIGIT_KEYS[0])
    finish_line(app)
    label, symbol = WORDS[scene.session.result.outcome]
    assert drawn_reads(app) == 0, "the ending's words were read per frame"
    assert f"{symbol} {label}" in _on_screen(app)  # still the data folder's words
    press(app, pygame.K_RETURN)
    assert scene_name(app) == "debrief"
    assert drawn_reads(app) == 0, "the debrief's words were read per frame"
    assert f"{symbol} {label}" in _on_screen(app) and RENAMED in _texts(app)
    press(app, pygame.K_ESCAPE)  # back to the picker, where the card now has a grade and its caption
    assert scene_name(app) == "picker"
    assert {"Best", "Tried"} & _texts(app)
    assert drawn_reads(app) == 0, "the picker's Best/Tried caption read the rubric per frame"


def test_the_picker_calls_a_grade_best_by_the_data_folders_pass_grade(make_app, edited_data):
    """A B is "Best" under the shipped pass grade (B) and "Tried" under a folder's pass grade A."""
    from simulator.ui.profiles import MemoryProfileStore

    strict = edited_data("strict", ("\npass_grade: B\n", "\npass_grade: A\n"))
    captions = {}
    for name, folder in (("shipped", DATA_DIR), ("strict", strict)):
        store = MemoryProfileStore()
        store.create_profile("Tester")
        app = make_app(FORMAT_TOUR, data_dir=folder, store=store)
        assert app.library.catalog is not None, app.library.catalog_diagnostics
        store.record_result("Tester", app.library.entries[0].scenario_id, "B", 84.0)
        app.top.refresh()  # as after a conversation: the picker reads the grades again
        captions[name] = {"Best", "Tried"} & _texts(app)
    assert captions == {"shipped": {"Best"}, "strict": {"Tried"}}
