"""F5 mid-conversation continues the attempt: one play is one attempt in the records."""

from __future__ import annotations

import shutil

import numpy as np
import pygame
import pytest

from simulator.records.profile_store import RecordsProfileStore
from simulator.records.store import open_store
from simulator.ui.profiles import ProfileError
from simulator.ui.records_link import attach_records
from tools.game_driver import DIGIT_KEYS, finish_line, press, scene_name
from ui_helpers import FORMAT_TOUR


@pytest.fixture
def game(make_app, tmp_path):
    """An App on a copy of the format tour, recording into a fresh store, shuffled replies."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    shutil.copy(FORMAT_TOUR, folder / "shoes.yaml")
    store = open_store(tmp_path / "data")
    from simulator.ui.app import App

    app = App(folder, store=RecordsProfileStore(store, error=ProfileError), size=(1280, 720), profile="Kim",
              rng=np.random.default_rng(7))
    attach_records(app, store)
    app.open()
    app.settle()
    yield app, store, folder / "shoes.yaml"
    app.close()
    store.close()
    pygame.display.quit()


def _start(app):
    press(app, pygame.K_RETURN)  # picker -> briefing
    press(app, pygame.K_RETURN)  # briefing -> conversation
    assert scene_name(app) == "conversation"
    return app.top


def _pick(app, choice: int = 0) -> None:
    finish_line(app)
    press(app, DIGIT_KEYS[choice])


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_reloads_mid_play_leave_one_attempt_with_every_turn(game):
    app, store, path = game
    scene = _start(app)
    _pick(app)
    seed, before = scene.session.seed, list(scene.session.choices)
    _edit(path, "I ordered a 42", "I ordered a forty-two")
    press(app, pygame.K_F5)
    assert scene_name(app) == "conversation" and "carrying on" in app.notice[0]
    assert scene.session.seed == seed and list(scene.session.choices) == before
    press(app, pygame.K_F5)  # a second reload with nothing changed
    turns = 1
    while not scene.ended:
        _pick(app)
        turns += 1
        if turns == 2:
            press(app, pygame.K_F5)  # and one more after a turn played on the reloaded file
        assert turns < 40
    history = store.history("Kim")
    assert len(history) == 1, [a.status for a in history]
    attempt = store.attempt(history[0].id)
    assert attempt.status == "finished" and attempt.seed == seed
    assert list(attempt.choices) == list(scene.session.choices)
    assert len(attempt.choices) == turns
    grades = store.grades("Kim")
    assert grades and all(g.attempts == 1 and g.finished == 1 for g in grades.values())


def test_a_restart_is_still_a_new_attempt(game):
    app, store, path = game
    _start(app)
    _pick(app)
    _edit(path, "story", "account")  # the node the trainee was at is gone: the conversation restarts
    press(app, pygame.K_F5)
    assert "restarted" in app.notice[0]
    statuses = sorted(a.status for a in store.history("Kim"))
    assert statuses == ["abandoned", "in_progress"]
