"""Save a PNG of every screen, at each size and in both themes (docs/screenshots/).

    python -m tools.screenshots [OUT_DIR]      (from the repository root)

Also 1024x640 and 1920x1080 with extra-large text (`*-x-large.png`).

Drives the real game headless with synthetic key presses, exactly as the tests do, on the
shipped scenarios plus one deliberately broken copy (so the picker's error card and the
diagnostics screen are shown too).
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import numpy as np  # noqa: E402
import pygame  # noqa: E402

from simulator.paths import ROOT, SCENARIOS_DIR  # noqa: E402
from simulator.ui.app import App  # noqa: E402
from tools.game_driver import DIGIT_KEYS, finish_line, press, scene_name  # noqa: E402
from simulator.ui.profiles import MemoryProfileStore  # noqa: E402

SIZES = ((1280, 720), (1024, 640))
# Extra-large text at the smallest and the largest supported window (normal palette):
# the combinations where wrapping and scrolling matter most.
XLARGE_SIZES = ((1024, 640), (1920, 1080))
BROKEN_NAME = "zz_broken_example.yaml"
PREFERRED = "double_charge.yaml"  # the scenario shown in conversation shots, when present
# A path with a few mistakes and a few good replies, so the debrief has something to teach.
CHOICES = (1, 2, 1, 3, 1, 2, 1, 1, 1, 1, 1, 1)


def copy_library(folder: Path) -> None:
    """The shipped scenarios plus one deliberately broken copy of the format tour, into `folder`."""
    for path in sorted(SCENARIOS_DIR.glob("*.yaml")):
        shutil.copy(path, folder / path.name)
    tour = ROOT / "tests" / "fixtures" / "scenarios" / "format_tour.yaml"
    if tour.is_file():
        text = tour.read_text(encoding="utf-8").replace("next: story\n", "next: storyy\n", 1)
        (folder / BROKEN_NAME).write_text(text, encoding="utf-8")


def make_store() -> MemoryProfileStore:
    """Three trainees, one with a past result, so the start and progress screens have rows."""
    store = MemoryProfileStore()
    for name in ("Priya Shah", "Alex Morgan", "Jordan Lee"):
        store.create_profile(name)
    store.record_result("Jordan Lee", "birthday-order", "B", 83.0)
    return store


def walk(app: App) -> Iterator[str]:
    """Drive an opened app through every screen, yielding each screen's name on arrival."""
    yield "01-start"
    app.top.focus.focus(app.top.settings)
    press(app, pygame.K_RETURN)
    yield "02-settings"
    press(app, pygame.K_ESCAPE)
    start = app.top
    start.focus.focus(next(b for b in start.profile_buttons if b.label == "Jordan Lee"))  # has a best grade
    press(app, pygame.K_RETURN)
    yield "03-picker"
    picker = app.top
    broken = next((c for c in picker.cards if not c.entry.ok), None)
    if broken is not None:
        picker.focus.focus(broken)
        press(app, pygame.K_RETURN)
        yield "04-diagnostics"
        press(app, pygame.K_ESCAPE)
    card = next((c for c in picker.cards if c.entry.path.name == PREFERRED),
                next(c for c in picker.cards if c.entry.ok))
    picker.focus.focus(card)
    picker._place()
    press(app, pygame.K_RETURN)
    yield "05-briefing"
    press(app, pygame.K_RETURN)
    app.advance(0.5)
    yield "06-conversation-typing"
    conversation = app.top
    turn = 0
    while not conversation.ended and turn < 40:
        finish_line(app)  # completes the line and waits out the short pick guard
        if turn == 2:
            yield "07-conversation"
            press(app, pygame.K_t)
            yield "08-transcript"
            press(app, pygame.K_ESCAPE)
            press(app, pygame.K_ESCAPE)
            yield "09-pause"
            press(app, pygame.K_ESCAPE)
        choice = min(CHOICES[turn % len(CHOICES)], len(conversation.replies))
        press(app, DIGIT_KEYS[choice - 1])
        turn += 1
    finish_line(app)
    yield "10-conversation-ended"
    press(app, pygame.K_RETURN)
    yield "11-debrief"
    app.top.pick_turn()
    app.settle()
    yield "12-replay-from-turn"
    press(app, pygame.K_ESCAPE)
    press(app, pygame.K_ESCAPE)
    app.settle()
    if scene_name(app) == "picker":
        press(app, pygame.K_p)
        app.settle()
        if scene_name(app) == "progress":
            yield "13-progress"


def capture(out_dir: Path, size: tuple[int, int], high_contrast: bool, source: Path,
            text_size: str = "medium") -> list[Path]:
    """Every screen at one size, theme and text size; returns the files written."""
    suffix = f"{size[0]}x{size[1]}" + ("" if text_size == "medium" else f"-{text_size}") + (
        "-contrast" if high_contrast else "")
    written: list[Path] = []
    # a seeded Generator: the game's shuffled reply order, the same in every refresh
    app = App(source, store=make_store(), size=size, high_contrast=high_contrast or None,
              rng=np.random.default_rng(1))
    app.open()
    if text_size != "medium":
        settings = app.settings.copy()
        settings.text_size = text_size
        app.apply_settings(settings, save=False)
    app.settle()
    for name in walk(app):
        if name != "06-conversation-typing":
            app.settle()
        path = out_dir / f"{name}-{suffix}.png"
        app.screenshot(path)
        written.append(path)
    app.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.screenshots", description=__doc__.split("\n")[0])
    parser.add_argument("out_dir", nargs="?", default=str(ROOT / "docs" / "screenshots"),
                        help="where the PNGs go (default: docs/screenshots/)")
    out_dir = Path(parser.parse_args(argv).out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="customer-sim-shots-") as temp:
        folder = Path(temp) / "scenarios"
        folder.mkdir()
        copy_library(folder)
        runs = [(size, high_contrast, "medium") for size in SIZES for high_contrast in (False, True)]
        runs += [(size, False, "x-large") for size in XLARGE_SIZES]
        for size, high_contrast, text_size in runs:
            for path in capture(out_dir, size, high_contrast, folder, text_size):
                print(path.relative_to(out_dir.parent) if out_dir.parent in path.parents else path)
    pygame.quit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
