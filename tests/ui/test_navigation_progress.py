"""The progress screen: every scenario reachable, advice in words, charts with axes and dates."""

from __future__ import annotations

import numpy as np
import pygame
import pytest

from simulator.records.profile_store import RecordsProfileStore
from simulator.records.store import open_store
from simulator.ui.profiles import ProfileError
from simulator.ui.records_link import attach_records
from simulator.ui.widgets.charts import draw_trend_chart, short_date
from tools.game_driver import press, scene_name
from ui_helpers import SCENARIOS


class _Catalog:
    sha256 = "c" * 64


def _scenario(n: int):
    return type("S", (), {"id": f"scenario-{n:02d}", "title": f"Scenario number {n}", "source_sha256": "a" * 64})


def _clock():
    ticks = iter(range(10_000))
    return lambda: f"2026-11-{1 + next(ticks) // 4:02d}T10:00:00.000Z"  # a new day every 4 writes


@pytest.fixture
def progress_app(make_app, tmp_path):
    store = open_store(tmp_path / "data", clock=_clock())
    for n in range(14):  # more scenarios than fit in the table
        attempt = store.start_attempt("Kim", _scenario(n), _Catalog, {"choices": []})
        store.finish_attempt(attempt, {
            "grade": "C", "overall": 70.0 + n, "outcome": "resolved", "passed": False,
            "skills": {"calm": 90, "listening": 85, "empathy": 80, "solutions": 40 + n, "follow_up": 85},
            "evidence": [{"turn": 2, "skill": "solutions", "points": -20, "rule": "two_roads"}]})
    from simulator.ui.app import App

    app = App(SCENARIOS, store=RecordsProfileStore(store, error=ProfileError), size=(1024, 640), profile="Kim",
              shuffle_replies=False)
    attach_records(app, store)
    app.open()
    app.settle()
    press(app, pygame.K_p)
    assert scene_name(app) == "progress"
    yield app
    app.close()
    store.close()
    pygame.display.quit()


def test_every_played_scenario_can_be_scrolled_into_view(progress_app):
    scene = progress_app.top
    rows = scene.grade_rows()
    assert len(rows) == 14
    view = scene.rows_view
    assert view.scrollable and view.content_height == len(rows) * scene._row_height()
    press(progress_app, pygame.K_END)
    assert view.offset == view.max_offset > 0
    last_top = view.rect.y - view.offset + (len(rows) - 1) * scene._row_height()
    assert view.rect.y <= last_top and last_top + scene._row_height() <= view.rect.bottom + 1
    press(progress_app, pygame.K_HOME)
    assert view.offset == 0


def test_the_advice_names_the_rule_in_words_not_its_id(progress_app):
    message = progress_app.top._advice_text()
    assert "solutions" in message.lower()
    assert "two roads" not in message and "two_roads" not in message
    assert "Said no without offering another road" in message and "(10×)" in message  # the last 10 attempts


def test_short_dates():
    assert short_date("2026-12-01T13:20:00.000Z") == "1 Dec"
    assert short_date("not a date") == ""


def _ink(surface: pygame.Surface, rect: pygame.Rect, background) -> int:
    pixels = pygame.surfarray.array3d(surface.subsurface(rect)).astype(int)
    return int((np.abs(pixels - np.array(background)).sum(axis=2) > 60).sum())


def test_trend_charts_label_the_score_axis_and_the_dates(progress_app):
    app = progress_app
    style = app.style
    background = style.color("surface")
    rect = pygame.Rect(20, 20, 360, 120)
    caption_h = app.text.line_height(style, "caption")
    axis_w = app.text.measure("100", style.font_px("caption"))
    plain, dated = (pygame.Surface((400, 160)) for _ in range(2))
    for surface, dates in ((plain, ()), (dated, ["2026-11-02T10:00:00Z", "2026-11-20T10:00:00Z"])):
        surface.fill(background)
        draw_trend_chart(surface, app.ui, rect, [40, 55, 70], dates=dates)
    axis = pygame.Rect(rect.x, rect.y, axis_w, rect.height)
    assert _ink(plain, axis, background) > 0  # 0 / 50 / 100 at the left of the plot
    under = pygame.Rect(rect.x + axis_w, rect.bottom - caption_h, rect.width - axis_w, caption_h)
    # with dates the strip under the plot is the card's background with "2 Nov" … "20 Nov" on it;
    # without, the plot fills it
    assert 0 < _ink(dated, under, background) < under.width * under.height // 3
    assert _ink(plain, under, background) > under.width * under.height // 2
