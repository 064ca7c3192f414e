"""Save a PNG of every screen, at each size and in both themes (docs/screenshots/).

    python -m simulator.ui.screenshots [OUT_DIR]

Drives the real game headless with synthetic key presses, exactly as the tests do, on the
shipped scenarios plus one deliberately broken copy (so the picker's error card and the
diagnostics screen are shown too).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import numpy as np  # noqa: E402
import pygame  # noqa: E402

from simulator.paths import ROOT, SCENARIOS_DIR  # noqa: E402
from simulator.ui.app import App  # noqa: E402
from simulator.ui.driver import DIGIT_KEYS, finish_line, press, scene_name  # noqa: E402
from simulator.ui.profiles import MemoryProfileStore  # noqa: E402

SIZES = ((1280, 720), (1024, 640))
BROKEN_NAME = "zz_broken_example.yaml"
PREFERRED = "double_charge.yaml"  # the scenario shown in conversation shots, when present
# A path with a few mistakes and a few good replies, so the debrief has something to teach.
CHOICES = (1, 2, 1, 3, 1, 2, 1, 1, 1, 1, 1, 1)


def _library(folder: Path) -> None:
    for path in sorted(SCENARIOS_DIR.glob("*.yaml")):
        shutil.copy(path, folder / path.name)
    tour = ROOT / "tests" / "fixtures" / "scenarios" / "format_tour.yaml"
    if tour.is_file():
        text = tour.read_text(encoding="utf-8").replace("next: story\n", "next: storyy\n", 1)
        (folder / BROKEN_NAME).write_text(text, encoding="utf-8")


def _finish_line(app: App) -> None:
    finish_line(app)  # completes the line and waits out the short pick guard


def capture(out_dir: Path, size: tuple[int, int], high_contrast: bool, source: Path) -> list[Path]:
    """Every screen at one size and theme; returns the files written."""
    suffix = f"{size[0]}x{size[1]}" + ("-contrast" if high_contrast else "")
    written: list[Path] = []
    store = MemoryProfileStore()
    for name in ("Priya Shah", "Alex Morgan", "Jordan Lee"):
        store.create_profile(name)
    store.record_result("Jordan Lee", "birthday-order", "B", 83.0)
    # a seeded Generator: the game's shuffled reply order, the same in every refresh
    app = App(source, store=store, size=size, high_contrast=high_contrast or None, rng=np.random.default_rng(1))
    app.open()
    app.settle()

    def shot(name: str) -> None:
        app.settle()
        path = out_dir / f"{name}-{suffix}.png"
        app.screenshot(path)
        written.append(path)

    shot("01-start")
    app.top.focus.focus(app.top.settings)
    press(app, pygame.K_RETURN)
    shot("02-settings")
    press(app, pygame.K_ESCAPE)
    start = app.top
    start.focus.focus(next(b for b in start.profile_buttons if b.label == "Jordan Lee"))  # has a best grade
    press(app, pygame.K_RETURN)
    shot("03-picker")
    picker = app.top
    broken = next((c for c in picker.cards if not c.entry.ok), None)
    if broken is not None:
        picker.focus.focus(broken)
        press(app, pygame.K_RETURN)
        shot("04-diagnostics")
        press(app, pygame.K_ESCAPE)
    card = next((c for c in picker.cards if c.entry.path.name == PREFERRED),
                next(c for c in picker.cards if c.entry.ok))
    picker.focus.focus(card)
    picker._place()
    press(app, pygame.K_RETURN)
    shot("05-briefing")
    press(app, pygame.K_RETURN)
    app.advance(0.5)
    path = out_dir / f"06-conversation-typing-{suffix}.png"
    app.screenshot(path)
    written.append(path)
    conversation = app.top
    turn = 0
    while not conversation.ended and turn < 40:
        _finish_line(app)
        if turn == 2:
            shot("07-conversation")
            press(app, pygame.K_t)
            shot("08-transcript")
            press(app, pygame.K_ESCAPE)
            press(app, pygame.K_ESCAPE)
            shot("09-pause")
            press(app, pygame.K_ESCAPE)
        choice = min(CHOICES[turn % len(CHOICES)], len(conversation.replies))
        press(app, DIGIT_KEYS[choice - 1])
        turn += 1
    _finish_line(app)
    shot("10-conversation-ended")
    press(app, pygame.K_RETURN)
    shot("11-debrief")
    app.top.pick_turn()
    shot("12-replay-from-turn")
    app.close()
    return written


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out_dir = Path(argv[0]) if argv else ROOT / "docs" / "screenshots"
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="customer-sim-shots-") as temp:
        folder = Path(temp) / "scenarios"
        folder.mkdir()
        _library(folder)
        for size in SIZES:
            for high_contrast in (False, True):
                for path in capture(out_dir, size, high_contrast, folder):
                    print(path.relative_to(out_dir.parent) if out_dir.parent in path.parents else path)
    pygame.quit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
