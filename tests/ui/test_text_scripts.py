"""Arabic, Hebrew and Indic runs are handed to SDL_ttf's shaper with their script and
direction (the bundled DejaVu Sans has Arabic and Hebrew, so these run on any machine)."""

from __future__ import annotations

import numpy as np
import pygame
import pytest

from simulator.ui.text import FONTS_DIR, TextRenderer
from simulator.ui.text_scripts import is_neutral, shaping_script
from simulator.ui.theme import load_theme

MUHAMMAD, ALI = "محمد", "علي"


@pytest.fixture
def renderer(display):
    return TextRenderer(load_theme())


def _alpha(surface: pygame.Surface) -> np.ndarray:
    return pygame.surfarray.array_alpha(surface).astype(int)


@pytest.mark.parametrize("char, script", [("ع", "Arab"), ("ש", "Hebr"), ("न", "Deva"), ("ก", "Thai"),
                                          ("a", None), ("é", None), ("Ж", None), ("王", None), ("١", None)])
def test_each_character_names_the_script_it_must_be_shaped_as(char, script):
    assert shaping_script(char) == script


def test_spaces_and_commas_are_neutral_letters_and_digits_are_not():
    assert is_neutral(" ") and is_neutral(", ")
    assert not is_neutral(" a") and not is_neutral("ع") and not is_neutral("1")


def test_arabic_letters_are_joined_not_drawn_one_by_one(renderer):
    shaped = renderer.render_px(ALI, 32, (0, 0, 0))
    unshaped = pygame.font.Font(FONTS_DIR / "DejaVuSans.ttf", 32).render(ALI, True, (0, 0, 0))
    # joined forms are narrower than the three isolated letters side by side
    assert shaped.get_width() < unshaped.get_width()
    assert renderer.measure(ALI, 32) == shaped.get_width()


def test_a_two_word_arabic_name_reads_right_to_left_inside_a_left_to_right_line(renderer):
    runs = renderer._runs(f"Hi {MUHAMMAD} {ALI}!", "regular")
    assert runs == [("regular", "Hi "), ("fallback@Arab", f"{MUHAMMAD} {ALI}"), ("regular", "!")]
    whole = _alpha(renderer.render_px(f"{MUHAMMAD} {ALI}", 32, (0, 0, 0)))
    first, second = (_alpha(renderer.render_px(word, 32, (0, 0, 0))) for word in (MUHAMMAD, ALI))
    # the first word written is the rightmost one drawn, the second the leftmost
    assert np.array_equal(whole[-first.shape[0]:], first)
    assert np.array_equal(whole[:second.shape[0]], second)


def test_left_to_right_runs_are_never_joined_across_a_space(renderer):
    assert [w for w, _ in renderer._runs("Жанна ★ Жанна", "regular")] == ["fallback", "regular", "fallback",
                                                                         "regular", "fallback"]
