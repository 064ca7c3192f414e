"""The mood chart's key-moment badges stay inside the plot, the last turn's included.

The last turn's point sits on the plot's right border, so a badge centred on it used to poke
half its width out of the chart. The badges' squares are taken from `draw_badge` itself (a
spy that returns what the real one drew), first for the chart widget alone over many
lengths, widths, moods and every text size, then for the real debrief at the smallest and
largest windows.
"""

from __future__ import annotations

import pygame
import pytest

from simulator.ui.scene_registry import make_scene
from simulator.ui.theme import Style
from simulator.ui.widgets import charts
from simulator.ui.widgets.context import WidgetContext
from tools.game_driver import resize
from ui_helpers import SCENARIOS

BANDS = [("furious", -1.0, -0.6), ("angry", -0.6, -0.2), ("neutral", -0.2, 0.3), ("pleased", 0.3, 1.0)]
TEXT_SIZES = ("small", "medium", "large", "x-large")
# double_charge.yaml, shuffling off: a walk-out in 3 turns whose last turn is a key moment
LAST_TURN_MOMENT = [3, 2, 1]


@pytest.fixture
def badges(monkeypatch):
    """The squares of the badges the chart draws (cleared by the test between frames)."""
    drawn: list[pygame.Rect] = []
    real = charts.draw_badge

    def spy(*args, **kwargs):
        rect = real(*args, **kwargs)
        drawn.append(rect)
        return rect

    monkeypatch.setattr(charts, "draw_badge", spy)
    return drawn


def _outside(found: list[pygame.Rect], plot: pygame.Rect) -> list[str]:
    return [f"badge {tuple(b)} leaves plot {tuple(plot)}" for b in found if not plot.contains(b)]


@pytest.mark.parametrize("text_size", TEXT_SIZES)
@pytest.mark.parametrize("scale", [0.78, 1.0, 1.6])
def test_every_badge_lies_inside_the_plot_for_any_length_width_mood_and_text_size(kit, badges, text_size,
                                                                                  scale):
    theme, text = kit
    style = Style(theme, "normal", scale, theme.text_sizes[text_size])
    ui = WidgetContext(text, style)
    surface = pygame.Surface((1000, 300))
    problems, drawn = [], 0
    # 90 (scaled): as flat as the debrief's chart gets in the smallest window at the largest text
    for width, height in ((260, style.px(90)), (420, style.px(120)), (640, style.px(90)), (900, style.px(150))):
        rect = pygame.Rect(20, 20, width, height)
        plot = charts.mood_plot_rect(ui, rect, BANDS)
        for turns in (1, 2, 3, 8, 16):
            # moods at the top and the bottom of the scale too, where a badge must flip or stop
            for mood in (-1.0, -0.3, 0.0, 0.4, 1.0):
                values = [mood if t % 2 else -mood for t in range(turns + 1)]
                marks = [(t, str(t)) for t in range(turns + 1)]  # the start (left edge) to the last turn
                badges.clear()
                charts.draw_mood_chart(surface, ui, rect, values, ["neutral"] * len(values), BANDS, marks)
                drawn += len(badges)
                problems += [f"{width}px, {turns} turns, mood {mood}: {p}"
                             for p in _outside(badges, plot) + _outside(badges, rect)]
    assert drawn > 0, "no badge was drawn: the check checked nothing"
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("size", [(1024, 640), (1920, 1080)])
def test_the_debriefs_last_turn_badge_stays_inside_the_chart(make_app, badges, size):
    app = make_app(SCENARIOS / "double_charge.yaml", size=size)
    entry = next(e for e in app.ensure_library().entries if e.ok)
    session = app.new_session(entry, LAST_TURN_MOMENT, seed=None)
    assert session.result is not None
    app.stack.push(make_scene("debrief", app, entry, session))
    app.settle()
    resize(app, size)
    scene = app.top
    assert any(m.turn == len(session.transcript) for m in scene.moments), "no key moment on the last turn"
    problems = []
    for text_size in TEXT_SIZES:
        settings = app.settings.copy()
        settings.text_size = text_size
        app.apply_settings(settings, save=False)
        badges.clear()
        app.draw()
        assert len(badges) == len(scene.moments), f"{text_size}: {len(badges)} badges drawn"
        plot = charts.mood_plot_rect(app.ui, scene.chart, scene.bands)
        problems += [f"{text_size}: {p}" for p in _outside(badges, scene.chart) + _outside(badges, plot)]
    assert not problems, "\n".join(problems)
