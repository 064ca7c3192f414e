"""Where the program's own content lives, and where the user's scenarios live.

The shipped scenarios, the shared data files (acts, personas, mood, rubric), the fonts
and the theme are found by one function, `shipped_dir()`, in one of two layouts:

* an installed wheel, `pipx`/`uv tool` install or the PyInstaller build: package data
  under `simulator/_shipped/` (pyproject.toml's `force-include` and the PyInstaller spec
  copy `scenarios/` and `assets/` there), beside the package's own modules;
* a checkout (the editable install `uv sync` makes): the repository root, where the
  trainers and developers edit `scenarios/` and `assets/` in place.

Nothing else in the program computes content paths: use the functions (or the constants
computed from them) below. The starter template is package data beside the code.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

APP_NAME = "customer-sim"
SHIPPED_PACKAGE_DIR = "_shipped"  # inside the simulator package, in a wheel or a frozen build
USER_SCENARIOS_ENV = "CUSTOMER_SIM_SCENARIOS"  # extra scenario folders, os.pathsep-separated
DATA_DIR_ENV = "CUSTOMER_SIM_DATA_DIR"  # the user's data folder (records and own scenarios)
USER_SCENARIOS_FOLDER = "scenarios"  # inside the user's data folder


class ContentMissing(RuntimeError):
    """The program's shipped content cannot be found (a broken install)."""


def _package_dir() -> Path:
    # A regular install (site-packages, a checkout, PyInstaller's folder) is a real folder,
    # the one this module is in: what importlib.resources would name, without importing it
    # (a tenth of the engine's start-up). A zip import is not supported because pygame
    # needs real font files anyway.
    return Path(__file__).parent


@functools.cache
def _find_shipped() -> Path | None:
    package = _package_dir()
    bundled = package / SHIPPED_PACKAGE_DIR
    if (bundled / "scenarios" / "data").is_dir():
        return bundled
    checkout = package.parent
    if (checkout / "scenarios" / "data").is_dir() and (checkout / "assets").is_dir():
        return checkout
    return None


def shipped_dir() -> Path:
    """The folder that holds `scenarios/` (with `scenarios/data/`) and `assets/`.

    Package data wins over a checkout, so an installed wheel never reads a stray
    checkout; raises ContentMissing (with both places named) when neither exists.
    """
    found = _find_shipped()
    if found is None:
        package = _package_dir()
        raise ContentMissing(f"the shipped scenarios are missing: looked in {package / SHIPPED_PACKAGE_DIR} "
                             f"and {package.parent}; reinstall customer-sim")
    return found


def shipped_scenarios_dir() -> Path:
    """The shipped scenario library (its top-level *.yaml files)."""
    return shipped_dir() / "scenarios"


def shipped_data_dir() -> Path:
    """The shipped acts.yaml, personas.yaml, mood.yaml and rubric.yaml."""
    return shipped_scenarios_dir() / "data"


def assets_dir() -> Path:
    """Fonts (with their licences), the theme and optional portrait images."""
    return shipped_dir() / "assets"


def template_path(name: str) -> Path:
    """A file from simulator/templates/ (e.g. the starter scenario `customer-sim new` writes)."""
    return _package_dir() / "templates" / name


def is_checkout() -> bool:
    """True when running from a source checkout rather than an installed package."""
    return _find_shipped() == _package_dir().parent


def user_data_dir() -> Path:
    """$CUSTOMER_SIM_DATA_DIR, else the platform's user data folder (nothing is created).

    The same rule as the trainee records (simulator.records.location), so a shared computer
    or a USB stick keeps records and the trainer's own scenarios together.
    """
    from_env = os.environ.get(DATA_DIR_ENV, "").strip()
    if from_env:
        return Path(from_env).expanduser()
    import platformdirs  # imported late: only needed when no override is given

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def portrait_dirs(scenario_path: str | Path | None) -> tuple[Path, ...]:
    """Where a scenario's portraits are looked up, in order: an `assets/` folder beside the
    scenario file (a trainer's own images, next to their own scenarios), then the shipped
    assets. A scenario read from memory (no file) has only the shipped ones."""
    if scenario_path is None or str(scenario_path).startswith("<"):
        return (ASSETS_DIR,)
    beside = Path(scenario_path).parent / "assets"
    return (ASSETS_DIR,) if beside == ASSETS_DIR else (beside, ASSETS_DIR)


def user_scenarios_dir() -> Path:
    """The user's own scenario folder (created on first run by simulator.scenario.sources)."""
    return user_data_dir() / USER_SCENARIOS_FOLDER


def env_scenario_dirs() -> list[Path]:
    """The folders named in $CUSTOMER_SIM_SCENARIOS (os.pathsep-separated), in order."""
    raw = os.environ.get(USER_SCENARIOS_ENV, "")
    return [Path(part).expanduser() for part in raw.split(os.pathsep) if part.strip()]


# Kept for the many modules that read them at import time; all come from shipped_dir(). A broken
# install must not fail every import with a traceback: the constants then name the expected
# place, and the commands say it is missing (`customer-sim doctor`, `play`).
_SHIPPED = _find_shipped() or _package_dir() / SHIPPED_PACKAGE_DIR
SCENARIOS_DIR = _SHIPPED / "scenarios"
DATA_DIR = SCENARIOS_DIR / "data"
ASSETS_DIR = _SHIPPED / "assets"
# The source checkout's root: only meaningful for development tools and tests.
ROOT = _package_dir().parent
