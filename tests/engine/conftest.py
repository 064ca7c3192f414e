"""Fixtures for the engine tests: the real catalog, the format tour, hand-built scenarios,
and the `start` fixture that runs every session test twice — once directly and once
through a snapshot -> json.dumps -> json.loads -> restore round trip after every turn
(ink's trick: if saving loses anything, some session test notices). The round trip also
writes the session's `ConversationState` as JSON and loads it back field for field.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from simulator.engine.session import Session
from simulator.engine.state import STATE_FIELDS
from simulator.scenario.model import Scenario

ROOT = Path(__file__).resolve().parents[2]
FORMAT_TOUR = ROOT / "tests" / "fixtures" / "scenarios" / "format_tour.yaml"


@pytest.fixture(scope="session")
def catalog():
    from simulator.scenario.catalog import load_catalog

    loaded, diagnostics = load_catalog()
    assert loaded is not None, [d.message for d in diagnostics]
    return loaded


@pytest.fixture(scope="session")
def format_tour(catalog):
    from simulator.scenario.loader import load_scenario

    scenario, diagnostics = load_scenario(FORMAT_TOUR, catalog)
    assert scenario is not None, [d.message for d in diagnostics]
    return scenario


class RoundTripSession:
    """Looks like a Session; after every choose() it continues on a restored JSON copy."""

    def __init__(self, session: Session) -> None:
        self.session = self._cycle(session)

    @staticmethod
    def _cycle(session: Session) -> Session:
        text = json.dumps(session.snapshot(), sort_keys=True)
        restored = Session.restore(session.scenario, session.catalog, json.loads(text))
        assert json.dumps(restored.snapshot(), sort_keys=True) == text, "snapshot did not survive a round trip"
        assert restored.options == session.options and restored.customer_line == session.customer_line
        assert restored.result == session.result
        # the conversation state's own JSON names nodes and acts by id and loads back the same
        stepper = session.stepper
        loaded = stepper.load(json.loads(json.dumps(session.conversation.to_json(stepper.layout))))
        mine = session.conversation
        screen = {"n_options", "option_reply", "screen_chances"}  # only rows still going have a screen
        for name in STATE_FIELDS:
            if not (name in screen and mine.ended[0]):
                assert np.array_equal(getattr(loaded, name), getattr(mine, name)), name
        return restored

    def choose(self, i):
        record = self.session.choose(i)
        self.session = self._cycle(self.session)
        return record

    def __getattr__(self, name):
        return getattr(self.session, name)


@pytest.fixture(params=["direct", "roundtrip"])
def start(request, catalog):
    """start(scenario) -> a session (or its round-tripping twin); start(scenario, choices) plays them."""

    def make(scenario: Scenario, choices=()):
        session = Session(scenario, catalog)
        driver = RoundTripSession(session) if request.param == "roundtrip" else session
        for i in choices:
            driver.choose(i)
        return driver

    return make
