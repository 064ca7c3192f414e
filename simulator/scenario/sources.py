"""Where scenarios come from: the shipped library, the user's own folder, and extra folders.

The game and the command line look in, and list separately:

1. the shipped library (package data, see simulator.paths);
2. the user's own scenario folder (`<user data folder>/scenarios`, created on first run
   with a short README so a trainer who opens it knows what to put there);
3. folders given with `--scenarios DIR` (repeatable), then those in
   `$CUSTOMER_SIM_SCENARIOS` (a path list, separated like PATH).

A folder appears once, under its first source. No pygame here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from simulator import paths

SHIPPED, USER, EXTRA, GIVEN = "shipped", "user", "extra", "given"

USER_README = """\
Your own customer-sim scenarios
===============================

Put scenario files (*.yaml) in this folder: the game lists them under "Your scenarios",
next to the shipped library. Start one with

    customer-sim new "Late refund"

(it is written here), check it with `customer-sim validate`, and press F5 in the game to
reload after editing.

To add a persona, an act or a rubric setting for these scenarios, create data/ here with
a personas.yaml (or acts.yaml, rubric.yaml) in the same format as the shipped files,
holding only what is new. `customer-sim doctor` shows where the shipped files are.

Portraits (`customer: portraits: {angry: portraits/pat_angry.png}`) are looked up in an
assets/ folder here first (assets/portraits/pat_angry.png), then in the shipped assets.
"""


@dataclass(frozen=True, slots=True)
class ScenarioSource:
    """One folder (or file) of scenarios and why it is in the list."""

    kind: str  # SHIPPED | USER | EXTRA | GIVEN
    path: Path
    origin: str  # how it was chosen, for people: "--scenarios", "CUSTOMER_SIM_SCENARIOS", ...

    @property
    def label(self) -> str:
        """The heading the picker and `customer-sim list` show."""
        if self.kind == SHIPPED:
            return "Shipped library"
        if self.kind == USER:
            return "Your scenarios"
        name = self.path.name or self.path.absolute().name or str(self.path)  # "." has no name of its own
        if self.kind == GIVEN:
            return name if self.path.is_file() else f"{name}/"
        return f"{name}/ (from {self.origin})"

    @property
    def exists(self) -> bool:
        return self.path.exists()


def ensure_user_folder(folder: Path | None = None) -> tuple[Path, str]:
    """Create the user's scenario folder (and its README) if missing.

    Returns (folder, problem): problem is '' or why it could not be created (a read-only
    home, a file in the way); the game still starts and says so.
    """
    folder = folder or paths.user_scenarios_dir()
    if folder.is_dir():
        return folder, ""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "README.txt").write_text(USER_README, encoding="utf-8")
    except OSError as error:
        return folder, f"cannot create {folder}: {error.strerror or error}"
    return folder, ""


def scenario_sources(extra: Iterable[str | Path] = (), *, user: bool = True, environment: bool = True,
                     user_folder: Path | None = None) -> list[ScenarioSource]:
    """The sources in order: shipped, the user's folder (`user_folder`, default
    paths.user_scenarios_dir()), `extra` (--scenarios), then $CUSTOMER_SIM_SCENARIOS.
    Nothing is created here (see ensure_user_folder)."""
    found: list[ScenarioSource] = [ScenarioSource(SHIPPED, paths.shipped_scenarios_dir(), "shipped")]
    if user:
        found.append(ScenarioSource(USER, user_folder or paths.user_scenarios_dir(), "your data folder"))
    found.extend(ScenarioSource(EXTRA, Path(p).expanduser(), "--scenarios") for p in extra)
    if environment:
        found.extend(ScenarioSource(EXTRA, p, paths.USER_SCENARIOS_ENV) for p in paths.env_scenario_dirs())
    unique: list[ScenarioSource] = []
    seen: set[str] = set()
    for source in found:
        key = _key(source.path)
        if key not in seen:
            seen.add(key)
            unique.append(source)
    return unique


def missing_sources(sources: Iterable[ScenarioSource]) -> list[ScenarioSource]:
    """Sources a person named (--scenarios, the environment) that do not exist: a fatal
    error for the command line, since a typo would otherwise silently show nothing."""
    return [s for s in sources if s.kind in (EXTRA, GIVEN) and not s.path.exists()]


def _key(path: Path) -> str:
    try:
        return os.path.normcase(str(path.resolve()))
    except OSError:
        return os.path.normcase(str(path.absolute()))
