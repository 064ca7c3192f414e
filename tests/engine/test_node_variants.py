"""Mood-reachable `say` variants: which lines play can show, from the moods it reaches each node in."""

from __future__ import annotations

import numpy as np
import pytest

from engine_builders import node, reply, scenario
from simulator.engine.analysis import analyse_with_tree
from simulator.engine.node_moods import expressions_reached, node_moods, shown_variants, unshown_variants
from simulator.engine.quality_gates import judge
from simulator.engine.session import Phase, Session


def _calm_start():
    # the customer starts calm and one polite reply ends it: the furious line cannot come up
    return scenario([node("a", [reply("Thanks for calling.", ["thank"], "done")],
                          say={"default": "Hi there.", "furious": "GET ME A MANAGER."}),
                     node("island", [reply("x", ["thank"], "done")], say={"angry": "Nobody comes here."})])


def test_a_line_for_a_mood_play_never_reaches_is_reported_unshown(catalog):
    built = _calm_start()
    analysis, tree = analyse_with_tree(built, catalog, runs=20)
    scale = tree.compiled.mood.expressions
    shown = shown_variants(built, expressions_reached(node_moods(tree)), scale)
    assert shown == {"a": ("default",), "island": ()}
    assert unshown_variants(built, shown) == {"a": ("furious",)}  # the unreachable node is S301's business
    assert judge(built, analysis, tree).unshown == {"a": ("furious",)}


def test_play_reaching_a_node_the_map_does_not_is_refused(catalog):
    built = _calm_start()
    with pytest.raises(ValueError, match="island"):
        shown_variants(built, {"island": ("angry",)}, ("furious", "angry", "neutral"))


def test_shown_lines_are_the_lines_sessions_show(catalog, format_tour):
    _, tree = analyse_with_tree(format_tour, catalog, runs=200, seed=0)
    shown = shown_variants(format_tour, expressions_reached(node_moods(tree)), tree.compiled.mood.expressions)
    unshown = unshown_variants(format_tour, shown)
    for node_id, labels in shown.items():
        written = {v.expression for v in format_tour.nodes[node_id].say}
        assert set(labels) | set(unshown.get(node_id, ())) == written if labels else not unshown.get(node_id)
    met = set()
    rng = np.random.default_rng(3)
    for _ in range(60):
        session = Session(format_tour, catalog, compiled=tree.compiled)
        while session.phase is not Phase.ENDED:
            texts = {v.expression: v.text for v in format_tour.nodes[session.node_id].say}
            labels = {label for label, text in texts.items() if text == session.customer_line}
            assert labels & set(shown[session.node_id]), (session.node_id, session.customer_line)
            met |= {(session.node_id, label) for label in labels}
            session.choose(int(rng.integers(len(session.options))))
    assert any(len(labels) > 1 for labels in shown.values())  # some node shows more than one line
    assert all((node_id, label) not in met for node_id, labels in unshown.items() for label in labels)
