"""Validate and analyse agree about the graph: random scenarios with loops, triggers, nodes
without replies and unreachable parts; validate's S301-S304 and analyse's unreachable ids and
structural dead ends are both checked against a brute-force reading of the same graph, and
against each other."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from engine_builders import node, reply, scenario, trigger
from simulator.engine.analysis import analyse
from simulator.scenario.lint import run_lints

ENDINGS = ("done", "happy", "gone", "boss")  # engine_builders' default endings
STRUCTURAL = "no ending can be reached from here"  # analyse's reason for a structural dead end
_SETTINGS = settings(max_examples=80, deadline=None, derandomize=True,
                     suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@st.composite
def graphs(draw):
    """(replies per node, trigger gotos): up to 7 nodes (S303 lists up to 8 names in full)."""
    count = draw(st.integers(1, 7))
    ids = [f"n{i}" for i in range(count)]
    targets = st.sampled_from(ids * 3 + list(ENDINGS))  # mostly nodes, so loops are common
    replies = {i: draw(st.lists(targets, min_size=1, max_size=3)) if draw(st.integers(0, 11)) else [] for i in ids}
    gotos = draw(st.lists(st.sampled_from(ids + list(ENDINGS) * 2), max_size=2))  # walk-outs, mostly
    return replies, gotos


def _build(replies: dict[str, list[str]], gotos: list[str]):
    nodes = [node(i, [reply(f"to {t}", ["clarify"], t) for t in targets]) for i, targets in replies.items()]
    return scenario(nodes, triggers=[trigger(goto, threshold="walk_out") for goto in gotos])


def _closure(step, sources) -> set[str]:
    """Everything `step` leads to from `sources`, as a fixed point (unlike the module's walks)."""
    found = set(sources)
    while True:
        more = found | {target for item in found for target in step(item)}
        if more == found:
            return found
        found = more


def _oracle(replies, gotos):
    def by_reply(item):
        return replies.get(item, [])

    def in_play(item):  # a trigger is checked after a reply, so it can follow any node with one
        return by_reply(item) + (gotos if by_reply(item) else [])

    reached = _closure(in_play, {"n0"})
    after = {i: _closure(by_reply, {i}) for i in replies}
    dead = {i for i in replies if i in reached and not after[i] & set(ENDINGS)}
    traps = {frozenset(after[i]) for i in dead if all(i in after[j] for j in after[i])}
    loops = {t for t in traps if len(t) > 1 or next(iter(t)) in replies[next(iter(t))]}
    return reached, dead, traps, loops, after


def _names(message: str) -> set[str]:
    return set(re.findall(r"'([^']+)'", message))


@_SETTINGS
@given(drawn=graphs())
# the cases the four old walks disagreed on: a loop whose only exit is a walk-out trigger, a
# trigger into a loop no reply leaves, a trigger after a start with no reply
@example(drawn=({"n0": ["n1", "done"], "n1": ["n2"], "n2": ["n1"]}, ["gone"]))
@example(drawn=({"n0": ["done"], "n1": ["n1"]}, ["n1"]))
@example(drawn=({"n0": [], "n1": ["done"]}, ["n1"]))
def test_validate_and_analyse_agree_on_unreachable_nodes_and_dead_ends(catalog, drawn):
    replies, gotos = drawn
    built = _build(replies, gotos)
    reached, dead, traps, loops, after = _oracle(replies, gotos)
    every = [*replies, *ENDINGS]

    found = run_lints(built, catalog)
    by_code = {code: [d for d in found if d.code == code] for code in ("S301", "S302", "S303", "S304")}
    analysis = analyse(built, catalog, runs=0, sweep_limit=400, tree_limit=400, beam_width=4, time_limit=30)
    structural_dead = {d.node_id for d in analysis.dead_ends if d.reason == STRUCTURAL}

    # unreachable: analyse lists every id; validate lists the nodes, and the endings once any is reachable
    unreachable = {i for i in every if i not in reached}
    assert set(analysis.unreachable) == unreachable
    listed = {i for i in unreachable if i in replies or set(ENDINGS) & reached}
    assert {name for d in by_code["S301"] for name in _names(d.message)} - {"n0"} == listed

    # dead ends: analyse names each; validate names the traps they lead into
    assert structural_dead == dead
    stuck = {i for i in replies if not replies[i]}
    assert {next(iter(_names(d.message))) for d in by_code["S302"]} == stuck
    said_at_start = "n0" in dead and not (after["n0"] & stuck)
    assert bool(by_code["S304"]) == said_at_start
    covered = after["n0"] if said_at_start else set()
    assert sorted(sorted(_names(d.message)) for d in by_code["S303"]) == sorted(
        sorted(t) for t in loops if not t <= covered)

    # so the two agree directly: every node validate calls stuck is an analyse dead end, and
    # analyse finds dead ends exactly when validate reports a reachable trap
    named = ({i for d in by_code["S303"] for i in _names(d.message)} | (stuck & reached)
             | ({"n0"} if by_code["S304"] else set()))
    assert named <= structural_dead
    assert bool(structural_dead) == bool(named)
    assert all(any(after[i] & t for t in traps) for i in structural_dead)  # each drains into a trap
