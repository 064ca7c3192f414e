"""The new rubric facts reach every scorer: the analyser's batch tree, `Session`, a snapshot
restore and a replay score every play-through of a scenario that provokes, hands off and
has persona rules exactly alike.
"""

from __future__ import annotations

import dataclasses
import json
from itertools import product

import numpy as np
import pytest

from engine_builders import scenario as build
from engine_builders import trigger
from rubric_scenarios import choice_node
from simulator.engine.batch_play import PlayTree
from simulator.engine.session import Session
from simulator.scenario.model import OUTCOMES, SKILLS


def tricky(persona: str):
    """Every rubric feature on a few branching nodes: provocations answered, let pass or
    mirrored; a right and a wrong hand-off; mixed replies; empathy loops; bare promises;
    an escalation while a resolution was reachable; a walk-out trigger."""
    nodes = [
        choice_node("open", [("Let's keep it civil and I'll help.", ["set-boundary", "acknowledge"], "story"),
                             ("I understand, but that's the policy.", ["acknowledge", "but"], "story"),
                             ("Don't take that tone with me.", ["defensive"], "story"),
                             ("Right, let me look.", ["offer-solution"], "story")], provokes=["insult"]),
        choice_node("story", [("I'm so sorry.", ["apologize", "validate"], "fix"),
                              ("Ref R-1: refund or replacement today.", ["offer-options", "show-evidence"], "fix"),
                              ("Our team will call you.", ["hand-off"], "boss"),
                              ("I'm sorry you feel that way.", ["non-apology"], "fix")], provokes=["sarcasm"]),
        choice_node("fix", [("I'll sort this.", ["take-ownership", "offer-solution"], "close"),
                            ("It's the OMS queue, you'll get a refund.", ["jargon", "offer-solution"], "close"),
                            ("Safety must check it; I'll connect you now.", ["hand-off", "next-step"], "close")]),
        choice_node("close", [("So: refund by Friday. Anything else?", ["summarize", "check-remaining"], "happy"),
                              ("Bye.", ["close-early"], "done")]),
    ]
    sc = build(nodes, persona=persona, triggers=[trigger("gone", threshold="walk_out")])
    fix = sc.nodes["fix"]
    right = dataclasses.replace(fix.replies[2], hand_off_right=True)
    nodes_map = dict(sc.nodes)
    nodes_map["fix"] = dataclasses.replace(fix, replies=(*fix.replies[:2], right))
    return dataclasses.replace(sc, nodes=nodes_map)


def _grow_everything(tree: PlayTree) -> None:
    level = np.array([0], dtype=np.int64)
    while level.size:
        parents, options = tree.frontier_children(level)
        tree.grow(parents, options)
        kids = tree.children[level].ravel()
        kids = kids[kids >= 0]
        level = kids[~tree.ended[kids]]


@pytest.mark.parametrize("persona", ["reasonable", "impatient", "confused", "skeptic", "hostile"])
def test_every_play_through_scores_the_same_in_the_tree_and_the_session(catalog, persona):
    sc = tricky(persona)
    tree = PlayTree(sc, catalog)
    _grow_everything(tree)
    leaves = [int(leaf) for leaf in tree.leaves()]
    assert len(leaves) >= 4 * 3 * 2  # the tree really branches
    seen_rules = set()
    for leaf in leaves:
        choices = tree.path(leaf)
        session = Session.replay(sc, catalog, choices)
        result = session.result
        assert result is not None
        assert (OUTCOMES[int(tree.outcome[leaf])], float(tree.overall[leaf]),
                tree.grade_letters[int(tree.grade[leaf])], tuple(int(v) for v in tree.skills[leaf])) == \
            (result.outcome, result.overall, result.grade, tuple(result.skills[s] for s in SKILLS)), choices
        # a snapshot restore rebuilds the same score from the turns played
        restored = Session.restore(sc, catalog, json.loads(json.dumps(session.snapshot())))
        assert restored.result == result, choices
        seen_rules |= {e.rule for e in result.evidence}
    assert {"provocation_answered", "provocation_let_pass", "provocation_mirrored", "mixed_reply",
            "hand_off_right", "penalty:hand-off"} <= seen_rules


def test_persona_rules_fire_somewhere_in_the_tree(catalog):
    expected = {"impatient": "empathy_loop", "confused": "persona_penalty:jargon", "skeptic": "promise_needs_proof"}
    for persona, rule in expected.items():
        sc = tricky(persona)
        fired = any(e.rule == rule for choices in product(range(4), range(4), range(3), range(2))
                    for e in _evidence(sc, catalog, choices))
        assert fired, (persona, rule)


def _evidence(sc, catalog, choices):
    session = Session(sc, catalog)
    for i in choices:
        if session.result is not None or i >= len(session.options):
            break
        session.choose(i)
    return session.result.evidence if session.result else session.provisional_score().evidence
