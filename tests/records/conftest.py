"""Fixtures for the records tests: the real catalog, a small real scenario, a data folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from records_helpers import build_scenario  # noqa: E402
from simulator.scenario.catalog import load_catalog  # noqa: E402


@pytest.fixture(scope="session")
def catalog():
    catalog, diagnostics = load_catalog()
    assert catalog is not None, diagnostics
    return catalog


@pytest.fixture()
def scenario():
    return build_scenario()


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "records"
    folder.mkdir()
    return folder
