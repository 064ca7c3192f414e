"""Developer tooling that drives the real game headless: not part of the shipped package.

* `game_driver` - synthetic key presses, clicks and scrolls through the game's own input
  adapter (used by tests/ui, tests/records and bench/).
* `layout_check` - judges the layout log a frame recorded (clipped, hidden, crowded text) for
  tests/ui/test_layout_clipping.py.
* `screenshots` - every screen at each size and theme: `python -m tools.screenshots`.
* `debrief_screenshots` - the debrief after a poor and a good play-through:
  `python -m tools.debrief_screenshots`.

The wheel packs only `simulator/` (pyproject.toml) and the PyInstaller spec collects only
`simulator` submodules, so nothing here ships. Run from the repository root (pytest adds the
root to sys.path through `pythonpath` in pyproject.toml; `python -m` adds the working folder).
"""
