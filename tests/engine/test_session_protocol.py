"""The seam between a conversation and whoever watches it: the engine Session satisfies the
protocol the game and the records use, and the turn feed announces every played turn once,
with the state it left, and nothing for a refused choice."""

from __future__ import annotations

import inspect

import pytest

from simulator.engine import session_protocol
from simulator.engine.session import ChoiceError, Session
from simulator.engine.session_protocol import ConversationSession, TurnFeed, TurnPlayed


def _members(protocol) -> set[str]:
    return {name for name, _ in inspect.getmembers(protocol) if not name.startswith("_")}


def test_the_engine_session_is_a_conversation_session_as_it_is(format_tour, catalog):
    session = Session(format_tour, catalog)
    assert isinstance(session, ConversationSession)
    for name in _members(ConversationSession):  # every member the screens and records read exists
        assert hasattr(session, name), name


def test_the_protocol_names_what_the_screens_and_records_read():
    assert {"choose", "snapshot", "options", "customer_line", "transcript", "result", "seed",
            "choices", "turn", "node_id", "mood", "expression", "phase", "scenario", "catalog"} <= _members(
        ConversationSession)


def test_every_turn_is_announced_once_with_the_state_after_it(format_tour, catalog):
    heard: list[TurnPlayed] = []
    feed = TurnFeed([heard.append])
    session = Session(format_tour, catalog)
    first = feed.play(session, 0)
    after_first = session.snapshot()
    feed.play(session, 0)
    assert [e.record for e in heard] == list(session.transcript) and heard[0].record is first
    assert all(e.session is session for e in heard)
    assert heard[0].snapshot == after_first and heard[0].snapshot != heard[1].snapshot
    assert heard[-1].snapshot == session.snapshot()
    assert heard[-1].ended is (session.result is not None)


def test_a_refused_choice_announces_nothing(format_tour, catalog):
    heard: list[TurnPlayed] = []
    feed = TurnFeed([heard.append])
    session = Session(format_tour, catalog)
    with pytest.raises(ChoiceError):
        feed.play(session, 99)
    assert heard == [] and session.turn == 0


def test_subscribers_hear_in_order_and_can_leave(format_tour, catalog):
    order: list[str] = []
    first, second = (lambda e: order.append("first")), (lambda e: order.append("second"))
    feed = TurnFeed()
    feed.subscribe(first)
    feed.subscribe(second)
    feed.subscribe(first)  # once is enough
    session = Session(format_tour, catalog)
    feed.play(session, 0)
    feed.unsubscribe(first)
    feed.play(session, 0)
    assert order == ["first", "second", "second"] and feed.subscribers == (second,)


def test_the_protocol_module_imports_neither_pygame_nor_the_records_nor_the_ui():
    import ast

    tree = ast.parse(inspect.getsource(session_protocol))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert imported and not any(name.split(".")[0] == "pygame" or name.startswith(("simulator.records",
                                                                                   "simulator.ui"))
                                for name in imported), imported
