"""Screenshots of the debrief after a poor and after a good play-through (docs/screenshots/).

    python -m tools.debrief_screenshots [OUT_DIR] [--scenario FILE] [--size 1280x720]

Plays the real game headless, with the game's shuffled reply order from a seeded Generator,
pressing the number keys a trainee would press:

* poor: at every turn the reply with the most negative acts (the first shown on a tie);
* good: at every turn the reply with the best final score still within reach (the same
  look-ahead the debrief uses to suggest a better reply).

Then saves `debrief-poor-WxH.png` and `debrief-good-WxH.png`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import numpy as np  # noqa: E402
import pygame  # noqa: E402

from simulator.paths import ROOT, SCENARIOS_DIR  # noqa: E402

DEFAULT_SCENARIO = SCENARIOS_DIR / "personal_attack.yaml"  # a provoking customer: scene-aware coaching
SEED = 5  # the Generator the attempt seed is drawn from


def poor_pick(session) -> int:
    """0-based shown position of the reply with the most negative acts."""
    acts = session.catalog.acts
    counts = [sum(1 for a in option.acts if a in acts and acts[a].polarity == "negative")
              for option in session.options]
    return max(range(len(counts)), key=lambda i: (counts[i], -i))


def good_pick(session) -> int:
    """0-based shown position of the reply with the best final score still within reach."""
    from simulator.engine.debrief import Lookahead, _authored_choices

    look = Lookahead(session)
    here = look.node_after(_authored_choices(session.transcript))
    best, best_position = None, 0
    for position, option in enumerate(session.options):
        index = look.option_of(here, option.reply_index)
        child = int(look.tree.children[here, index])
        if child < 0:
            child = int(look.tree.grow(np.array([here]), np.array([index]))[0])
        key = look.best(child)
        if best is None or key > best:
            best, best_position = key, position
    return best_position


def play_to_debrief(scenario: Path, size: tuple[int, int], pick) -> object:
    """An opened App showing the debrief after playing `scenario` with `pick(session)`."""
    from simulator.ui.app import App
    from simulator.ui.profiles import MemoryProfileStore
    from tools.game_driver import DIGIT_KEYS, finish_line, press, scene_name

    store = MemoryProfileStore()
    store.create_profile("Priya Shah")
    app = App(scenario, store=store, size=size, profile="Priya Shah", rng=np.random.default_rng(SEED))
    app.open()
    app.settle()
    press(app, pygame.K_RETURN)  # picker -> briefing
    press(app, pygame.K_RETURN)  # briefing -> conversation
    if scene_name(app) != "conversation":
        raise SystemExit(f"could not start {scenario}: the game shows {scene_name(app)!r}")
    conversation = app.top
    for _ in range(60):
        if conversation.ended:
            break
        finish_line(app)
        press(app, DIGIT_KEYS[pick(conversation.session)])
    finish_line(app)
    press(app, pygame.K_RETURN)
    app.settle()
    if scene_name(app) != "debrief":
        raise SystemExit(f"expected the debrief, the game shows {scene_name(app)!r}")
    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.debrief_screenshots", description=__doc__.split("\n")[0])
    parser.add_argument("out_dir", nargs="?", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--scenario", default=str(DEFAULT_SCENARIO))
    parser.add_argument("--size", default="1280x720")
    args = parser.parse_args(argv)
    width, height = (int(part) for part in args.size.lower().split("x"))
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, pick in (("poor", poor_pick), ("good", good_pick)):
        app = play_to_debrief(Path(args.scenario), (width, height), pick)
        result = app.top.session.result
        path = out / f"debrief-{name}-{width}x{height}.png"
        app.screenshot(path)
        app.close()
        print(f"{path}: {result.grade} {result.overall:.1f} {result.outcome}")
    pygame.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
