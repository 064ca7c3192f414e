"""Tiny scenarios for the rubric tests: one node per turn, tagged the way a trainer would.

Imported by tests/engine/test_rubric_*.py (pytest puts this folder on sys.path).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from engine_builders import node, reply, scenario
from simulator.scenario.model import Ending


@dataclass(frozen=True)
class Turn:
    """One turn of a chain: the reply's acts, and what the node and reply are tagged with."""

    acts: tuple[str, ...]
    provokes: tuple[str, ...] = ()
    hand_off_right: bool = False


def turn(*acts: str, provokes=(), hand_off_right: bool = False) -> Turn:
    return Turn(tuple(acts), tuple(provokes), hand_off_right)


def chain(*turns: Turn, persona: str = "reasonable", end: str = "happy", endings=None, mood=()):
    """A scenario of len(turns) nodes t1..tN, each with one reply (the turn's), the last
    leading to `end`. Choosing 0 every time plays the turns in order."""
    nodes = []
    for i, spec in enumerate(turns, start=1):
        target = f"t{i + 1}" if i < len(turns) else end
        r = replace(reply(f"reply {i}", spec.acts, target), hand_off_right=spec.hand_off_right)
        nodes.append(replace(node(f"t{i}", [r], say=f"line {i}"), provokes=spec.provokes))
    return scenario(nodes, endings=endings, persona=persona, mood=mood)


def choice_node(node_id: str, options, provokes=(), say="..."):
    """A node with several replies: options are (text, acts, next) triples."""
    return replace(node(node_id, [reply(text, acts, nxt) for text, acts, nxt in options], say=say),
                   provokes=tuple(provokes))


ONLY_ESCALATION = {"boss": Ending("boss", "escalated", "Manager."), "gone": Ending("gone", "walked-out", "Gone.")}


def evidence(result, rule: str):
    """(turn, skill, points) of every evidence item with this rule id."""
    return [(e.turn, e.skill, e.points) for e in result.evidence if e.rule == rule]


def messages(result, rule: str) -> list[str]:
    return [e.message for e in result.evidence if e.rule == rule]


def play(start, sc, turns=None):
    """Play choice 0 at every node (or the given 0-based choices); returns the session."""
    choices = [0] * len(sc.nodes) if turns is None else list(turns)
    session = start(sc, [])
    for i in choices:
        if session.result is not None:
            break
        session.choose(i)
    return session
