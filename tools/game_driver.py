"""Drive a headless App with synthetic pygame events (tests, screenshots, benchmarks).

Developer tooling, not shipped: the game itself never needs these helpers.

Every helper posts real pygame events through the same input adapter a player's keyboard
and mouse use, so what the tests exercise is what a trainee gets.
"""

from __future__ import annotations

from typing import Iterable

import pygame

from simulator.ui.app import App


def key_event(key: int, mod: int = 0, unicode: str = "") -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode=unicode, scancode=0)


def press(app: App, key: int, mod: int = 0, frames: int = 1) -> None:
    """One key press, then `frames` frames."""
    app.feed([key_event(key, mod), pygame.event.Event(pygame.KEYUP, key=key, mod=mod, unicode="", scancode=0)])
    for _ in range(frames - 1):
        app.feed([])


def finish_line(app: App) -> None:
    """On the conversation screen: complete the customer's line if it is still typing, then let
    the short pick guard pass (see conversation.PICK_GUARD_S), so the next key picks a reply."""
    scene = app.stack.top
    if getattr(scene, "name", "") != "conversation":
        return
    if not scene.typewriter.done:
        press(app, pygame.K_SPACE)
    while scene.pick_guard > 0:
        app.process([], 1 / 60)


def type_text(app: App, text: str) -> None:
    """Typed characters, as SDL delivers them while a text field has focus."""
    app.feed([pygame.event.Event(pygame.TEXTINPUT, text=text)])


def move_mouse(app: App, pos: tuple[int, int]) -> None:
    app.feed([pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0))])


def click(app: App, pos: tuple[int, int]) -> None:
    """Move there, press and release the left button (three frames, like a person)."""
    move_mouse(app, pos)
    app.feed([pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1)])
    app.feed([pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1)])


def wheel(app: App, pos: tuple[int, int], lines: int) -> None:
    """Scroll the wheel over `pos`; positive `lines` scrolls down."""
    move_mouse(app, pos)
    app.feed([pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=-lines, flipped=False, precise_x=0.0,
                                 precise_y=float(-lines))])


def resize(app: App, size: tuple[int, int]) -> None:
    app.feed([pygame.event.Event(pygame.VIDEORESIZE, w=size[0], h=size[1], size=size)])


def scene_name(app: App) -> str:
    top = app.stack.top
    return top.name if top is not None else ""


def keys(app: App, sequence: Iterable[int]) -> None:
    for key in sequence:
        press(app, key)


DIGIT_KEYS = [getattr(pygame, f"K_{n}") for n in range(1, 10)]
