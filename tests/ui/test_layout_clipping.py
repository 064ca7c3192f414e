"""Every screen, at three window sizes, four text sizes and both themes: no text is clipped.

One walk through the game (start, settings, picker, diagnostics, briefing, conversation,
transcript, pause, ended, debrief, replay-from-turn, progress); on each screen the window is
resized and restyled through every combination and one frame is drawn onto a logged surface
(simulator/ui/layout_log.py records, tools/layout_check.py judges). The log says where every
text line's ink landed; the test asserts it is inside the window, its clip and the panel it
sits on, not hidden under a panel drawn later, never cut with an ellipsis, and that the
focused widget has a visible ring (checked in the pixels with numpy) while a modal shows
only its own ring.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pygame
import pytest

from simulator.ui.app import App
from tools.game_driver import resize
from tools.layout_check import draw_logged, layout_problems, visible_focus_rings, visible_texts
from tools.screenshots import copy_library, make_store, walk

SIZES = ((1024, 640), (1280, 720), (1920, 1080))
TEXT_SIZES = ("small", "medium", "large", "x-large")
THEMES = (False, True)
MODALS = ("08-transcript", "09-pause", "12-replay-from-turn")


def _restyle(app: App, size, text_size: str, high_contrast: bool) -> None:
    if app.size != size:
        resize(app, size)
    settings = app.settings.copy()
    settings.text_size, settings.high_contrast = text_size, high_contrast
    app.apply_settings(settings, save=False)


def _ring_pixels(surface: pygame.Surface, rect: pygame.Rect, color) -> int:
    """Pixels of the focus colour in the band just outside `rect` (where the ring is drawn)."""
    band = rect.inflate(rect.width // 8 + 24, 24).clip(surface.get_rect())
    pixels = pygame.surfarray.array3d(surface.subsurface(band)).astype(int)
    inner = rect.move(-band.x, -band.y)
    mask = np.ones(pixels.shape[:2], dtype=bool)
    mask[max(0, inner.x + 4):max(0, inner.right - 4), max(0, inner.y + 4):max(0, inner.bottom - 4)] = False
    close = np.abs(pixels - np.array(color)).sum(axis=2) <= 6
    return int((close & mask).sum())


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scenarios")
    copy_library(folder)
    return folder


def test_no_text_is_clipped_and_focus_is_visible_on_every_screen(library):
    app = App(library, store=make_store(), size=SIZES[1], rng=np.random.default_rng(1))
    app.open()
    app.settle()
    problems: list[str] = []
    screens: list[str] = []
    checked_rings = 0
    try:
        for screen in walk(app):
            app.settle()
            screens.append(screen)
            home = (app.size, app.settings.text_size, app.settings.high_contrast)
            for size in SIZES:
                for text_size in TEXT_SIZES:
                    for high_contrast in THEMES:
                        _restyle(app, size, text_size, high_contrast)
                        log, surface = draw_logged(app)
                        where = f"{screen} {size[0]}x{size[1]} {text_size}{' contrast' if high_contrast else ''}"
                        problems += [f"{where}: {p}" for p in layout_problems(log, surface.get_rect())]
                        assert visible_texts(log), f"{where}: no text drawn at all"
                        rings = visible_focus_rings(log)
                        if screen in MODALS:
                            assert len(rings) == 1, f"{where}: {len(rings)} focus rings visible over a modal"
                        focus = getattr(app.top, "focus", None)
                        focused = focus.focused if focus is not None else None
                        if focused is not None and screen != "06-conversation-typing":
                            assert any(r == focused.rect for r in rings), f"{where}: the focused widget has no ring"
                            count = _ring_pixels(surface, focused.rect, app.style.color("focus"))
                            assert count > focused.rect.width, f"{where}: focus ring not in the pixels ({count})"
                            checked_rings += 1
            _restyle(app, *home)
            app.settle()
    finally:
        app.close()
        pygame.display.quit()
    assert {"01-start", "03-picker", "07-conversation", "11-debrief", "12-replay-from-turn"} <= set(screens)
    assert checked_rings > 100
    assert not problems, f"{len(problems)} layout problems:\n" + "\n".join(problems[:60])


def _check_every_style(app, where: str) -> list[str]:
    problems = []
    for size in SIZES:
        for text_size in TEXT_SIZES:
            for high_contrast in THEMES:
                _restyle(app, size, text_size, high_contrast)
                log, surface = draw_logged(app)
                label = f"{where} {size[0]}x{size[1]} {text_size}{' contrast' if high_contrast else ''}"
                problems += [f"{label}: {p}" for p in layout_problems(log, surface.get_rect())]
    return problems


@pytest.mark.parametrize("name, pick", [("birthday_order.yaml", "first"), ("tablet_setup.yaml", "last"),
                                        ("tutorial.yaml", "last")])
def test_the_debrief_of_other_endings_fits_at_every_size(make_app, name, pick):
    # escalated, walked out and resolved endings have the longest outcome words and notes
    from tools.game_driver import DIGIT_KEYS, finish_line, press, scene_name
    from ui_helpers import SCENARIOS

    app = make_app(SCENARIOS / name)
    press(app, pygame.K_RETURN)
    press(app, pygame.K_RETURN)
    scene = app.top
    assert scene_name(app) == "conversation"
    while not scene.ended:
        finish_line(app)
        press(app, DIGIT_KEYS[0 if pick == "first" else len(scene.replies) - 1])
    finish_line(app)
    press(app, pygame.K_RETURN)
    assert scene_name(app) == "debrief"
    outcome = scene.session.result.outcome
    problems = _check_every_style(app, f"debrief {name} ({outcome})")
    assert not problems, f"{len(problems)} layout problems:\n" + "\n".join(problems[:40])


def test_the_progress_screen_fits_at_every_size(tmp_path):
    from simulator.records.game_bridge import open_store
    from simulator.records.profile_store import RecordsProfileStore
    from simulator.ui.profiles import ProfileError
    from simulator.ui.records_link import attach_records
    from tools.game_driver import DIGIT_KEYS, finish_line, press, scene_name
    from ui_helpers import FORMAT_TOUR

    store = open_store(tmp_path / "data")
    try:
        app = App(FORMAT_TOUR, store=RecordsProfileStore(store, error=ProfileError), size=SIZES[1], profile="Kim",
                  shuffle_replies=False)
        attach_records(app, store)  # as `play` builds it: before the first screen
        app.open()
        app.settle()
        for pick in (0, 1):  # two finished attempts, so the trend charts have lines
            press(app, pygame.K_RETURN)
            press(app, pygame.K_RETURN)
            scene = app.top
            while not scene.ended:
                finish_line(app)
                press(app, DIGIT_KEYS[min(pick, len(scene.replies) - 1)])
            finish_line(app)
            press(app, pygame.K_RETURN)
            press(app, pygame.K_ESCAPE)
        press(app, pygame.K_p)
        assert scene_name(app) == "progress"
        problems = _check_every_style(app, "progress")
        assert not problems, f"{len(problems)} layout problems:\n" + "\n".join(problems[:40])
    finally:
        app.close()
        store.close()
        pygame.display.quit()


@pytest.mark.parametrize("path", sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml")),
                         ids=lambda p: p.stem)
def test_every_shipped_scenarios_briefing_and_first_turn_fit(make_app, path):
    # each scenario's own words: the longest briefings, opening lines and replies
    from tools.game_driver import finish_line, press, scene_name

    app = make_app(path)
    press(app, pygame.K_RETURN)
    assert scene_name(app) == "briefing"
    problems = _check_every_style(app, f"briefing {path.stem}")
    press(app, pygame.K_RETURN)
    assert scene_name(app) == "conversation"
    finish_line(app)
    problems += _check_every_style(app, f"conversation {path.stem}")
    assert not problems, f"{len(problems)} layout problems:\n" + "\n".join(problems[:40])
