"""Shared fixtures for the loader tests: the shipped catalog, loaded once."""

from __future__ import annotations

import pytest

from simulator.scenario.catalog import load_catalog


@pytest.fixture(scope="session")
def catalog():
    loaded, problems = load_catalog()
    assert loaded is not None, problems
    return loaded
