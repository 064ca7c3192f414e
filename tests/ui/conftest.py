"""Helpers for driving the real game headless (SDL dummy driver)."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from ui_helpers import FORMAT_TOUR  # noqa: E402


@pytest.fixture
def display():
    """A 64x64 dummy window: enough for fonts and surfaces, for tests without an App."""
    import pygame

    pygame.display.init()
    pygame.font.init()
    pygame.display.set_mode((64, 64))
    yield
    pygame.display.quit()


@pytest.fixture(scope="module")
def kit():
    """(theme, TextRenderer) on an initialised display, for a module of widget tests."""
    import pygame

    from simulator.ui.text import TextRenderer
    from simulator.ui.theme import load_theme

    pygame.display.init()
    pygame.font.init()
    theme = load_theme()
    yield theme, TextRenderer(theme)
    pygame.display.quit()


@pytest.fixture
def make_app():
    """Factory: an opened App on a source; closed (and pygame quit) after the test."""
    import pygame

    from simulator.ui.app import App
    from simulator.ui.profiles import MemoryProfileStore

    apps = []

    def factory(source=FORMAT_TOUR, size=(1280, 720), store=None, profile="Tester", **kwargs):
        # Most screen tests press reply numbers by their authored meaning; the shuffled game
        # is tested on its own (test_ui_reply_order.py) with a seeded Generator.
        kwargs.setdefault("shuffle_replies", False)
        app = App(Path(source), store=store if store is not None else MemoryProfileStore(), size=size,
                  profile=profile, **kwargs)
        app.open()
        app.settle()
        apps.append(app)
        return app

    yield factory
    for app in apps:
        app.close()
    pygame.display.quit()
