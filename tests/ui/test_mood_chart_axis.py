"""The mood chart's axis labels ("Start", 1, 2, ...) never touch or overlap each other.

Judged on the ink: each label's pixel bounding box comes from the layout log of a logged
surface (simulator/ui/layout_log.py), and neighbours must keep a clear gap. First the chart
widget alone over many turn counts, widths and every text size, then the real debrief of a
16-turn attempt at the smallest and largest windows.
"""

from __future__ import annotations

import pygame
import pytest

from simulator.ui.layout_log import LayoutLog
from simulator.ui.scene_registry import make_scene
from simulator.ui.theme import Style
from simulator.ui.widgets.charts import draw_mood_chart
from simulator.ui.widgets.context import WidgetContext
from tools.game_driver import resize
from tools.layout_check import LoggedSurface, draw_logged, layout_problems, visible_texts
from ui_helpers import SCENARIOS

BANDS = [("furious", -1.0, -0.6), ("angry", -0.6, -0.2), ("neutral", -0.2, 0.3), ("pleased", 0.3, 1.0)]
LONG_PLAY = [1, 4, 4, 0, 0, 0, 1, 0, 1, 2, 1, 0, 1, 2, 0, 0]  # double_charge, shuffling off: 16 turns


def _axis_labels(marks) -> list[pygame.Rect]:
    """The ink of the labels in the axis row: "Start" and the turn numbers level with it
    (the key-moment badges' digits sit higher, inside the plot)."""
    start = next(m for m in marks if m.text == "Start")
    row = [m for m in marks if (m.text == "Start" or m.text.isdigit())
           and abs(m.ink.centery - start.ink.centery) <= start.ink.height // 2]
    return sorted((m.ink for m in row), key=lambda r: r.x)


def _crowded(labels: list[pygame.Rect], ui) -> list[str]:
    """Neighbours closer than one digit's width of background: nearer, "Start 1" reads as one
    crowded word and "8 10" as "810" (the gap a reader needs grows with the text size)."""
    gap = ui.text.measure("0", ui.style.font_px("caption"))
    return [f"{tuple(a)} and {tuple(b)} are {b.x - a.right}px apart (need {gap})"
            for a, b in zip(labels, labels[1:]) if b.x - a.right < gap or a.colliderect(b)]


@pytest.mark.parametrize("text_size", ["small", "medium", "large", "x-large"])
@pytest.mark.parametrize("scale", [0.78, 1.0, 1.6])
def test_axis_labels_keep_apart_for_any_length_width_and_text_size(kit, text_size, scale):
    theme, text = kit
    style = Style(theme, "normal", scale, theme.text_sizes[text_size])
    ui = WidgetContext(text, style)
    problems = []
    for width in (160, 260, 420, 640, 900):
        for turns in (1, 2, 3, 5, 8, 9, 12, 16, 25, 40):
            log = LayoutLog()
            text.log = log
            surface = LoggedSurface((width + 40, 400))
            surface.layout_log = log
            values = [(-1) ** t * 0.3 for t in range(turns + 1)]
            rect = pygame.Rect(20, 20, width, max(120, style.px(150)))
            try:
                draw_mood_chart(surface, ui, rect, values, ["neutral"] * len(values), BANDS, [(1, "1")])
            finally:
                text.log = None
            if not any(m.text == "Start" for m in log.texts):
                assert width < 260, f"{turns} turns at {width}px: no chart drawn"
                continue  # big text in a tiny rect: the chart draws nothing rather than a squashed plot
            labels = _axis_labels(log.texts)
            problems += [f"{turns} turns, {width}px: {p}" for p in _crowded(labels, ui)]
            if not all(rect.contains(label) for label in labels):
                problems.append(f"{turns} turns, {width}px: a label leaves the chart")
            numbers = len(labels) - 1
            if width >= 420:  # room for at least a few turn numbers beside "Start"
                assert numbers >= min(turns, 2), f"{turns} turns at {width}px: only {numbers} turn numbers"
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("size", [(1024, 640), (1920, 1080)])
def test_the_debrief_charts_axis_labels_never_touch(make_app, size):
    app = make_app(SCENARIOS / "double_charge.yaml", size=size)
    entry = next(e for e in app.ensure_library().entries if e.ok)
    session = app.new_session(entry, LONG_PLAY, seed=None)
    assert session.result is not None and len(session.transcript) == 16
    app.stack.push(make_scene("debrief", app, entry, session))
    app.settle()
    resize(app, size)
    problems = []
    for text_size in ("small", "medium", "large", "x-large"):
        settings = app.settings.copy()
        settings.text_size = text_size
        app.apply_settings(settings, save=False)
        log, surface = draw_logged(app)
        labels = _axis_labels(visible_texts(log))
        assert len(labels) >= 5, f"{text_size}: {len(labels)} axis labels on a 16-turn chart"
        assert all(app.top.chart.contains(label) for label in labels)
        problems += [f"{text_size}: {p}" for p in _crowded(labels, app.ui) + layout_problems(log, surface.get_rect())]
    assert not problems, "\n".join(problems)
