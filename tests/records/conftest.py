"""Fixtures for the records tests: a real catalog, small real scenarios, real sessions.

The scenarios are built directly from the frozen model classes so these tests do not
depend on the YAML loader or on the shipped scenario texts; the session, mood model and
rubric are the real engine.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from simulator.scenario.catalog import load_catalog  # noqa: E402
from simulator.scenario.model import Customer, Ending, LineVariant, Node, Reply, Scenario  # noqa: E402

HERE = Path(__file__).resolve().parent


def _node(node_id: str, line: str, *replies: Reply) -> Node:
    return Node(node_id, (LineVariant("default", line),), tuple(replies))


def build_scenario(*, sha: str = "sha-v1", with_recap: bool = True, scenario_id: str = "wrong-size") -> Scenario:
    """A four-turn conversation with a good path (choices 0,0,0,0) and worse ones."""
    good_close = Reply("Thanks for your patience, enjoy the wedding!", ("thank", "close-positive"), "happy")
    recap = _node("recap", "The courier, please.",
                  Reply("So: a 42 by courier on Friday. Anything else?", ("summarize", "check-remaining"), "close"),
                  Reply("Done. Bye.", ("close-early",), "meh"))
    nodes = {
        "opening": _node("opening", "You sent the wrong size!",
                         Reply("That's frustrating. What happened?", ("acknowledge", "invite"), "story"),
                         Reply("Calm down, please.", ("calm-down",), "story")),
        "story": _node("story", "I ordered a 42 and got a 38.",
                       Reply("A 38 instead of a 42 - same model?", ("paraphrase", "clarify"), "options"),
                       Reply("That's not my department.", ("dismiss",), "options")),
        "options": _node("options", "So what can you do?",
                         Reply("Courier by Friday or a refund today - which suits you?",
                               ("take-ownership", "offer-options"), "recap" if with_recap else "close"),
                         Reply("Exchanges take five days.", ("refuse-flat",), "close")),
        "close": _node("close", "OK, that's all.", good_close),
    }
    if with_recap:
        nodes["recap"] = recap
    endings = {"happy": Ending("happy", "delighted", "Sam leaves smiling."),
               "meh": Ending("meh", "unresolved", "Sam is unsure anything will happen.")}
    return Scenario(schema_version=1, id=scenario_id, title="The Wrong Size Shoes", summary="Wrong size.",
                    difficulty=1, briefing="Sam got the wrong size.", learning_goals=("Feel before fix",),
                    customer=Customer("Sam", "reasonable"), start="opening", nodes=nodes, endings=endings,
                    source_sha256=sha)


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


def changed_catalog(catalog, sha: str = "other-rules"):
    """The same rules under a different hash: "the rubric changed" without changing scores."""
    return replace(catalog, sha256=sha)
