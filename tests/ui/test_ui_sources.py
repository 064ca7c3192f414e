"""The picker with several sources: a heading per source, the user's folder always shown with
its path and an Open folder button (O), every card reachable by keyboard across sections,
and a trainer folder's own persona playable in the game."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pygame
import pytest

from simulator import paths
from simulator.scenario.sources import USER, ensure_user_folder, scenario_sources
from simulator.ui.app import App
from simulator.ui.profiles import MemoryProfileStore
from tools.game_driver import click, press, scene_name

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "scenarios"


@pytest.fixture
def sourced_app(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "data"))
    monkeypatch.delenv(paths.USER_SCENARIOS_ENV, raising=False)
    trainer = tmp_path / "trainer"
    (trainer / "data").mkdir(parents=True)
    (trainer / "data" / "personas.yaml").write_text(
        "schema_version: 1\npersonas:\n  night-shift:\n    label: Night shift\n"
        "    start: {pleasure: -0.4, arousal: 0.2, dominance: 0.1, heard: 0.0, trust: 0.2, patience: 6}\n",
        encoding="utf-8")
    text = (FIXTURES / "format_tour.yaml").read_text(encoding="utf-8")
    (trainer / "night.yaml").write_text(text.replace("persona: reasonable", "persona: night-shift", 1),
                                        encoding="utf-8")
    sources = scenario_sources([trainer])
    ensure_user_folder(sources[1].path)
    app = App(sources, store=MemoryProfileStore(), size=(1280, 720), profile="Kim", shuffle_replies=False)
    app.open()
    app.settle()
    yield app, trainer
    app.close()
    pygame.display.quit()


def test_each_source_has_a_heading_and_the_user_folder_is_shown(sourced_app):
    app, trainer = sourced_app
    assert scene_name(app) == "picker"
    picker = app.stack.top
    headings = [section.source.kind for section, _ in picker._headings]
    assert headings == ["shipped", "user", "extra"]
    user = next(section for section, _ in picker._headings if section.source.kind == USER)
    assert str(user.source.path) in picker._heading_lines(user)[0]
    assert "No scenarios here yet" in picker._heading_lines(user)[1]
    wrapped = picker._wrapped_heading_lines(user)
    assert " ".join(wrapped).replace("  ", " ").count("press F5") == 1
    button = picker.folder_button
    assert button is not None and button.rect.width > 0
    assert app.window.get_rect().contains(button.rect)
    # the button is drawn: its area differs from the plain background around it
    pixels = pygame.surfarray.array3d(app.window)
    area = pixels[button.rect.left:button.rect.right, button.rect.top:button.rect.bottom]
    assert np.ptp(area.reshape(-1, 3), axis=0).max() > 60


def test_o_and_a_click_show_the_users_folder(sourced_app):
    app, _ = sourced_app
    picker = app.stack.top
    press(app, pygame.K_o)
    folder = str(next(s for s in app.library.sections if s.source.kind == USER).source.path)
    assert app.notice is not None and folder in app.notice[0]
    app.clear_notice()
    app.settle()
    click(app, picker.folder_button.rect.center)
    assert app.notice is not None and folder in app.notice[0]


def test_down_reaches_every_card_across_sections_and_the_trainers_persona_plays(sourced_app):
    app, trainer = sourced_app
    picker = app.stack.top
    for _ in range(len(picker.cards) + 2):
        press(app, pygame.K_DOWN)
    focused = picker.focus.focused
    assert focused is picker.cards[-1] and focused.entry.path == trainer / "night.yaml"
    assert focused.entry.ok, focused.entry.diagnostics
    from simulator.ui.scenes.picker import persona_label

    assert persona_label(app, focused.entry.scenario, focused.entry.catalog) == "Night shift"
    press(app, pygame.K_RETURN)
    assert scene_name(app) == "briefing"
    assert app.stack.top._persona().label == "Night shift"
    press(app, pygame.K_RETURN)
    assert scene_name(app) == "conversation"


def test_a_single_folder_game_keeps_the_plain_picker(tmp_path):
    shutil.copy(FIXTURES / "format_tour.yaml", tmp_path / "one.yaml")
    app = App(tmp_path, store=MemoryProfileStore(), size=(1280, 720), profile="Kim")
    app.open()
    app.settle()
    try:
        picker = app.stack.top
        assert picker._headings == [] and picker.folder_button is None and len(picker.cards) == 1
    finally:
        app.close()
        pygame.display.quit()
