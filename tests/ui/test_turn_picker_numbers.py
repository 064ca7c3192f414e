"""Every turn of the replay-from-turn list can be picked by typing its number, and each card
shows that number in a badge, as a reply card shows its key.

A 16-turn attempt of double_charge.yaml: turns past 9 are typed as two digits in a row
(simulator/ui/typed_number.py), driven through the real scene with key events; time passes
only as the frames' dt (app.advance), never by the clock.
"""

from __future__ import annotations

import numpy as np
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


def _badge_fill_share(surface: pygame.Surface, badge: pygame.Rect, colour) -> float:
    """The share of the badge's square painted in `colour` (a full disc is about 0.79 of it)."""
    pixels = pygame.surfarray.pixels3d(surface)[badge.x:badge.right, badge.y:badge.bottom]
    return float((pixels == np.array(colour[:3])).all(axis=2).mean())


def test_each_card_shows_its_turn_number_in_a_badge(picker):
    app, _ = picker()
    scene = app.top
    seen = set()
    for turn, card in enumerate(scene.buttons, start=1):
        if turn > 1:
            press(app, pygame.K_DOWN)  # focus (and scroll to) the next card
        assert scene.focus.focused is card
        log, surface = draw_logged(app)
        badge = card.badge_rect(app.ui)
        assert scene.view.rect.contains(badge), f"turn {turn}: its badge is not in view"
        inside = [m.text for m in visible_texts(log) if badge.contains(m.ink)]
        assert inside == [str(turn)], f"turn {turn}: the badge reads {inside}"
        # drawn as the focused reply card's badge: an accent disc
        assert _badge_fill_share(surface, badge, app.style.color("accent")) > 0.5, f"turn {turn}: no badge disc"
        seen.add(turn)
        if turn > 1:  # the card above, no longer focused, keeps its number on a sunken disc
            above = scene.buttons[turn - 2].badge_rect(app.ui)
            if scene.view.rect.contains(above):
                assert _badge_fill_share(surface, above, app.style.color("surface_sunken")) > 0.5
    assert seen == set(range(1, 17))


@pytest.mark.parametrize("size, text_size", [((1024, 640), "x-large"), ((1920, 1080), "small")])
def test_the_badged_cards_fit_with_nothing_cut_or_overlapping(picker, size, text_size):
    """Every card in turn, scrolled into view, at the smallest window with the largest text
    and the largest window with the smallest: the layout check finds nothing, and the badge
    sits inside its card clear of the card's words."""
    app, _ = picker(size=size, text_size=text_size)
    scene = app.top
    for turn, card in enumerate(scene.buttons, start=1):
        if turn > 1:
            press(app, pygame.K_DOWN)
        log, surface = draw_logged(app)
        assert layout_problems(log, surface.get_rect()) == [], f"turn {turn}"
        badge = card.badge_rect(app.ui)
        assert card.rect.contains(badge), f"turn {turn}: the badge leaves its card"
        words = [m for m in visible_texts(log) if card.rect.contains(m.ink) and m.text != str(turn)]
        assert words, f"turn {turn}: the card's rows were not drawn"
        assert not [m.text for m in words if m.ink.colliderect(badge)], f"turn {turn}: words under the badge"


def test_typed_number_rules():
    typed = TypedNumber(wait=0.5)
    assert typed.press(3, 9) == 3  # a short list: every digit picks at once, as the replies do
    assert typed.press(1, 12) is None and typed.pending == 1
    assert typed.update(0.4) is None
    assert typed.update(0.2) == 1 and typed.pending is None
    assert typed.press(1, 10) is None and typed.press(0, 10) == 10
    assert typed.press(0, 12) is None and typed.pending is None
