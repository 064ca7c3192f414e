"""Every turn of the replay-from-turn list can be picked by typing its number.

A 16-turn attempt of double_charge.yaml: turns past 9 are typed as two digits in a row
(simulator/ui/typed_number.py), driven through the real scene with key events; time passes
only as the frames' dt (app.advance), never by the clock.
"""

from __future__ import annotations

import pygame
import pytest

from simulator.ui.scene_registry import make_scene
from simulator.ui.scene_result import ReplayFrom
from simulator.ui.typed_number import NUMBER_WAIT_S, TypedNumber
from tools.game_driver import press, scene_name
from tools.layout_check import draw_logged, layout_problems, visible_texts
from ui_helpers import SCENARIOS

# 0-based shown positions (shuffling off) that keep double_charge going for 16 turns
LONG_PLAY = [1, 4, 4, 0, 0, 0, 1, 0, 1, 2, 1, 0, 1, 2, 0, 0]


@pytest.fixture
def picker(make_app):
    """An app showing the turn picker over a finished 16-turn attempt; returns (app, results)."""
    def open_picker(size=(1280, 720), text_size="medium"):
        app = make_app(SCENARIOS / "double_charge.yaml", size=size)
        if text_size != "medium":
            settings = app.settings.copy()
            settings.text_size = text_size
            app.apply_settings(settings, save=False)
        entry = next(e for e in app.ensure_library().entries if e.ok)
        session = app.new_session(entry, LONG_PLAY, seed=None)
        assert session.result is not None and len(session.transcript) == 16
        results: list = []
        app.stack.push(make_scene("turn_picker", app, session), on_result=results.append)
        app.settle()
        assert scene_name(app) == "turn_picker"
        return app, results

    return open_picker


def _picked(results) -> int | None:
    return results[0].turn if results and isinstance(results[0], ReplayFrom) else None


@pytest.mark.parametrize("keys, turn", [((pygame.K_1, pygame.K_2), 12), ((pygame.K_1, pygame.K_0), 10),
                                        ((pygame.K_KP1, pygame.K_KP6), 16), ((pygame.K_5,), 5),
                                        ((pygame.K_9,), 9)])
def test_typing_a_turns_number_picks_it(picker, keys, turn):
    app, results = picker()
    for key in keys:
        press(app, key)
    assert _picked(results) == turn
    assert scene_name(app) != "turn_picker"


def test_a_digit_that_could_start_a_longer_number_waits_then_picks_its_own_turn(picker):
    app, results = picker()
    press(app, pygame.K_1)
    scene = app.top
    assert scene_name(app) == "turn_picker" and results == []
    assert scene.focus.focused is scene.buttons[0], "the turn Enter would pick is focused while it waits"
    assert scene.is_animating(), "the wait needs frames (the idle loop would sleep through it)"
    log, _ = draw_logged(app)
    assert "Turn 1, or type its second digit" in {m.text for m in visible_texts(log)}
    app.advance(NUMBER_WAIT_S / 2)
    assert results == [], "picked before the wait ran out"
    app.advance(NUMBER_WAIT_S / 2 + 0.1)
    assert _picked(results) == 1


def test_enter_picks_the_waiting_turn_at_once(picker):
    app, results = picker()
    press(app, pygame.K_1)
    press(app, pygame.K_RETURN)
    assert _picked(results) == 1


def test_a_number_with_no_turn_picks_nothing_and_the_next_number_starts_afresh(picker):
    app, results = picker()
    press(app, pygame.K_1)
    press(app, pygame.K_7)  # there is no turn 17
    app.advance(NUMBER_WAIT_S + 0.2)
    assert results == [] and scene_name(app) == "turn_picker"
    press(app, pygame.K_0)  # no turn 0 either
    assert results == []
    press(app, pygame.K_1)
    press(app, pygame.K_3)
    assert _picked(results) == 13


def test_another_key_between_the_digits_drops_the_first(picker):
    app, results = picker()
    press(app, pygame.K_1)
    press(app, pygame.K_DOWN)  # moving on: "1" no longer waits
    app.advance(NUMBER_WAIT_S + 0.2)
    assert results == []
    press(app, pygame.K_2)  # now a fresh "2": no turn 20 or more, so turn 2 at once
    assert _picked(results) == 2


def test_the_footer_names_every_turn_number_and_fits_at_the_smallest_size(picker):
    app, results = picker(size=(1024, 640), text_size="x-large")
    log, surface = draw_logged(app)
    assert "1–16" in {m.text for m in visible_texts(log)}
    assert layout_problems(log, surface.get_rect()) == []
    press(app, pygame.K_1)
    log, surface = draw_logged(app)
    assert layout_problems(log, surface.get_rect()) == []


def test_typed_number_rules():
    typed = TypedNumber(wait=0.5)
    assert typed.press(3, 9) == 3  # a short list: every digit picks at once, as the replies do
    assert typed.press(1, 12) is None and typed.pending == 1
    assert typed.update(0.4) is None
    assert typed.update(0.2) == 1 and typed.pending is None
    assert typed.press(1, 10) is None and typed.press(0, 10) == 10
    assert typed.press(0, 12) is None and typed.pending is None
