"""Characters no bundled font has are drawn with an installed font the theme names.

The machine-independent tests make a "system" font out of a bundled file (DejaVu Sans has
Cyrillic, Atkinson Hyperlegible has not) by answering pygame's font lookup themselves; one
test uses the real lookup and skips where no CJK font is installed.
"""

from __future__ import annotations

import dataclasses
import shutil

import numpy as np
import pygame
import pygame.sysfont
import pytest

from simulator.ui.text import FONTS_DIR, TextRenderer
from simulator.ui.theme import load_theme

ATKINSON = "AtkinsonHyperlegible-Regular.ttf"
NAME = "Жанна"  # Cyrillic: not in Atkinson Hyperlegible


@pytest.fixture
def atkinson_only(tmp_path):
    """A fonts folder and theme whose regular and fallback faces both lack Cyrillic."""
    shutil.copy(FONTS_DIR / ATKINSON, tmp_path / ATKINSON)
    theme = dataclasses.replace(load_theme(), fonts={"regular": ATKINSON, "bold": ATKINSON, "italic": ATKINSON,
                                                     "mono": ATKINSON, "fallback": ATKINSON})
    return theme, tmp_path


def _pixels(surface: pygame.Surface) -> np.ndarray:
    return pygame.surfarray.array_alpha(surface).copy()


def _lookup(monkeypatch, answers: dict[str, str]) -> list[str]:
    asked: list[str] = []

    def match_font(name, *args, **kwargs):
        asked.append(name)
        return answers.get(name)

    monkeypatch.setattr(pygame.sysfont, "match_font", match_font)
    return asked


def test_a_character_no_bundled_font_has_is_drawn_with_the_first_installed_family_that_has_it(
        display, atkinson_only, monkeypatch):
    theme, fonts = atkinson_only
    asked = _lookup(monkeypatch, {"Has Cyrillic": str(FONTS_DIR / "DejaVuSans.ttf")})
    boxes = TextRenderer(dataclasses.replace(theme, system_fonts=()), fonts_dir=fonts)
    found = TextRenderer(dataclasses.replace(theme, system_fonts=("Not Installed", "Has Cyrillic")), fonts_dir=fonts)

    assert [weight for weight, _ in found._runs(f"Hi {NAME}!", "regular")] == ["regular", "system0", "regular"]
    assert asked == ["Not Installed", "Has Cyrillic"]
    drawn, boxed = found.render_px(NAME, 32, (0, 0, 0)), boxes.render_px(NAME, 32, (0, 0, 0))
    # Five box glyphs are five equal rectangles; the real letters are not.
    assert drawn.get_size() != boxed.get_size() or not np.array_equal(_pixels(drawn), _pixels(boxed))
    assert found.measure(NAME, 32) == drawn.get_width()  # wrapping measures what is drawn


def test_fonts_are_looked_up_once_and_only_when_a_character_needs_one(display, atkinson_only, monkeypatch):
    theme, fonts = atkinson_only
    asked = _lookup(monkeypatch, {"Has Cyrillic": str(FONTS_DIR / "DejaVuSans.ttf")})
    renderer = TextRenderer(dataclasses.replace(theme, system_fonts=("Has Cyrillic",)), fonts_dir=fonts)
    renderer.render_px("plain ASCII, é and \U0010fffd\ue000 (unassigned, private)", 24, (0, 0, 0))
    assert asked == []
    renderer.render_px(NAME, 24, (0, 0, 0))
    renderer.render_px("Борис", 24, (0, 0, 0))
    assert asked == ["Has Cyrillic"]


def test_a_broken_font_list_or_a_vanished_file_leaves_boxes_not_an_error(display, atkinson_only, monkeypatch):
    theme, fonts = atkinson_only

    def broken(name, *args, **kwargs):
        raise OSError("fc-list: not found")

    monkeypatch.setattr(pygame.sysfont, "match_font", broken)
    renderer = TextRenderer(dataclasses.replace(theme, system_fonts=("Anything",)), fonts_dir=fonts)
    assert renderer.render_px(NAME, 24, (0, 0, 0)).get_width() > 10
    assert [weight for weight, _ in renderer._runs(NAME, "regular")] == ["regular"]

    _lookup(monkeypatch, {"Gone": str(fonts / "removed.ttf")})
    renderer = TextRenderer(dataclasses.replace(theme, system_fonts=("Gone",)), fonts_dir=fonts)
    assert [weight for weight, _ in renderer._runs(NAME, "regular")] == ["regular"]


def _has(path: str, char: str) -> bool:
    font = pygame.font.Font(path, 24)
    return font.metrics(char) != font.metrics("\U0010fffd")


def test_the_shipped_theme_finds_an_installed_cjk_font_for_a_chinese_name(display):
    theme = load_theme()
    installed = [path for path in map(pygame.sysfont.match_font, theme.system_fonts) if path]
    if not any(_has(path, "王") for path in installed):
        pytest.skip("no font the theme's system_fonts names is installed here with CJK")
    renderer = TextRenderer(theme)
    assert [weight for weight, _ in renderer._runs("王芳", "regular")][0].startswith("system")
    drawn = renderer.render_px("王芳", 32, (0, 0, 0))
    boxed = TextRenderer(dataclasses.replace(theme, system_fonts=())).render_px("王芳", 32, (0, 0, 0))
    assert drawn.get_size() != boxed.get_size() or not np.array_equal(_pixels(drawn), _pixels(boxed))
