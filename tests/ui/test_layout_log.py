"""The layout log itself: it must flag clipped, overflowing, hidden, cut and crowded text."""

from __future__ import annotations

import pygame
import pytest

from simulator.ui.layout_log import LayoutLog
from simulator.ui.text import TextRenderer
from simulator.ui.theme import Style, load_theme
from simulator.ui.widgets.base import draw_focus_ring, draw_panel, fit_text
from simulator.ui.widgets.context import WidgetContext
from simulator.ui.widgets.scroll import ScrollView
from tools.layout_check import LoggedSurface, layout_problems, visible_focus_rings


@pytest.fixture
def kit():
    pygame.display.init()
    pygame.font.init()
    theme = load_theme()
    style = Style(theme)
    text = TextRenderer(theme)
    log = LayoutLog()
    text.log = log
    surface = LoggedSurface((400, 300))
    surface.layout_log = log
    yield surface, log, text, style
    pygame.display.quit()


def _problems(surface, log):
    return layout_problems(log, surface.get_rect())


def test_text_inside_its_panel_is_fine(kit):
    surface, log, text, style = kit
    draw_panel(surface, pygame.Rect(10, 10, 300, 60), style)
    surface.blit(text.render("Inside", style, "body", (0, 0, 0)), (20, 20))
    assert log.texts and _problems(surface, log) == []


def test_text_running_out_of_its_panel_is_flagged(kit):
    surface, log, text, style = kit
    draw_panel(surface, pygame.Rect(10, 10, 80, 60), style)
    surface.blit(text.render("A line far too long for this card", style, "body", (0, 0, 0)), (20, 20))
    assert any("runs out of its panel" in p for p in _problems(surface, log))


def test_text_under_a_later_panel_and_past_the_window_is_flagged(kit):
    surface, log, text, style = kit
    surface.blit(text.render("Hidden words", style, "body", (0, 0, 0)), (20, 288))
    log.panel(pygame.Rect(0, 280, 400, 20), "cover")  # e.g. the footer drawn afterwards
    problems = _problems(surface, log)
    assert any("hidden under a cover" in p for p in problems)
    assert any("runs out of the window" in p for p in problems)


def test_cropped_clipped_cut_and_crowded_text_is_flagged(kit):
    surface, log, text, style = kit
    image = text.render("Cropped line", style, "body", (0, 0, 0))
    surface.blit(image, (20, 20), pygame.Rect(0, 0, image.get_width() // 2, image.get_height()))
    surface.set_clip(pygame.Rect(0, 60, 60, 40))
    surface.blit(text.render("Clipped by a clip", style, "body", (0, 0, 0)), (20, 70))
    surface.set_clip(None)
    cut = fit_text(WidgetContext(text, style), "Much too long to fit in forty pixels", "body", 40)
    surface.blit(text.render(cut, style, "body", (0, 0, 0)), (20, 110))
    surface.blit(text.render("One", style, "body", (0, 0, 0)), (20, 150))
    surface.blit(text.render("Two", style, "body", (0, 0, 0)), (24, 152))
    problems = " | ".join(_problems(surface, log))
    for expected in ("drawn cropped", "is clipped by", "cut with an ellipsis", "overlap"):
        assert expected in problems


def test_text_scrolled_partly_out_of_a_scrolling_view_is_fine(kit):
    surface, log, text, style = kit
    view = ScrollView()
    view.rect = pygame.Rect(10, 10, 300, 40)
    view.set_content(400)
    with view.clip(surface):
        surface.blit(text.render("Half out of view", style, "body", (0, 0, 0)), (20, 40))
    assert log.texts and _problems(surface, log) == []


def test_a_scene_under_a_modal_draws_no_focus_ring(kit):
    surface, log, text, style = kit
    style.show_focus = False
    draw_focus_ring(surface, pygame.Rect(20, 20, 100, 30), style)
    style.show_focus = True
    assert log.focus_rings == []
    draw_focus_ring(surface, pygame.Rect(20, 20, 100, 30), style)
    assert len(visible_focus_rings(log)) == 1


def test_a_focus_ring_under_a_scroll_bar_is_flagged(kit):
    surface, log, text, style = kit
    view = ScrollView()
    view.rect = pygame.Rect(10, 10, 200, 100)
    view.set_content(400)
    draw_focus_ring(surface, pygame.Rect(14, 14, 196, 40), style)  # reaches the view's right edge
    view.draw_bar(surface, style)
    assert any("runs under a scroll bar" in p for p in _problems(surface, log))


def test_a_cut_made_at_layout_time_is_flagged_in_the_frame_that_draws_it(kit):
    surface, log, text, style = kit
    text.log = None  # layout runs with no log attached: only drawing is recorded
    cut = text.shorten("Words the layout cut off before any frame was drawn", style.font_px("body"), 80)
    kept = text.wrap_at_most("one two three four five six seven eight nine ten eleven twelve", style, "body", 90, 2)
    text.log = log
    assert log.truncated == []
    surface.blit(text.render(cut, style, "body", (0, 0, 0)), (10, 10))
    for row, line in enumerate(kept):
        surface.blit(text.render(line, style, "body", (0, 0, 0)), (10, 60 + 30 * row))
    assert len(kept) == 2 and kept[-1].endswith("…")
    problems = _problems(surface, log)
    assert any("Words the layout cut off" in p and "shown in full nowhere" in p for p in problems)
    assert any("one two three" in p and "twelve" in p for p in problems), "the whole text is named"


def test_a_cut_that_names_where_the_whole_text_is_shown_is_fine(kit):
    surface, log, text, style = kit
    cut = text.shorten("A trainee name far too long for its chip", style.font_px("body"), 80,
                       whole_at="the start screen")
    surface.blit(text.render(cut, style, "body", (0, 0, 0)), (10, 10))
    assert cut.endswith("…")
    assert _problems(surface, log) == []
    assert log.shortened == [("A trainee name far too long for its chip", "the start screen")]


def test_text_that_fits_is_not_a_cut(kit):
    surface, log, text, style = kit
    line = text.shorten("Short", style.font_px("body"), 300)
    lines = text.wrap_at_most("Short too", style, "body", 300, 1)
    surface.blit(text.render(line, style, "body", (0, 0, 0)), (10, 10))
    surface.blit(text.render(lines[0], style, "body", (0, 0, 0)), (10, 40))
    assert (line, lines) == ("Short", ("Short too",))
    assert log.truncated == [] and log.shortened == []
