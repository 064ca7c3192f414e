"""Lint rules over a loaded scenario: the conversation graph must let every play end.

Each rule is a small function `(scenario, catalog) -> Iterable[Diagnostic]`, listed in
RULES. The loader runs them only when the graph was read without errors, so a rule may
assume every `next` and `goto` names an existing node or ending.

The graph facts come from `simulator.scenario.graph`, the same functions analyse uses, so
validate and analyse agree on what is unreachable and where play gets stuck: replies'
`next`s and triggers' `goto`s decide what is reachable (that is how a walk-out ending is
reached), but only replies are a way out of a loop: a threshold is not guaranteed to be
crossed, so a trainee could circle forever.
"""

from __future__ import annotations

from typing import Callable, Iterable

from simulator.scenario import codes
from simulator.scenario.catalog_model import Catalog
from simulator.scenario.diagnostics import Diagnostic
from simulator.scenario.graph import Structure, reply_reachable_ids, structure
from simulator.scenario.model import Scenario, Span

Rule = Callable[[Scenario, Catalog], Iterable[Diagnostic]]


def _at(code: str, span: Span, **fields) -> Diagnostic:
    return codes.make(code, span.path, span.line, span.column,
                      end_column=span.end_column if span.end_line == span.line else 0, **fields)


def unreachable(scenario: Scenario, catalog: Catalog) -> Iterable[Diagnostic]:
    """Nodes and endings no path from start (or trigger) leads to."""
    if scenario.start not in scenario.nodes:
        return
    graph = structure(scenario)
    endings_too = any(ending in graph.reachable for ending in scenario.endings)  # else S302/S304 say why, once
    for item_id in graph.unreachable:
        if item_id in scenario.nodes:
            yield _at("S301", scenario.nodes[item_id].span, kind="node", name=item_id, start=scenario.start)
        elif endings_too:
            yield _at("S301", scenario.endings[item_id].span, kind="ending", name=item_id, start=scenario.start)


def no_way_out(scenario: Scenario, catalog: Catalog) -> Iterable[Diagnostic]:
    """Non-ending nodes without a single reply."""
    for node_id, node in scenario.nodes.items():
        if not node.replies:
            yield _at("S302", node.span, name=node_id)


def _said_at_start(scenario: Scenario, graph: Structure) -> set[str]:
    """The ids start's replies lead to when S304 is said (start cannot finish and no node
    without replies there explains why): the loops there are that one problem, said once at
    start instead of once per loop. Empty when S304 is not said."""
    if scenario.start not in graph.dead_ends:
        return set()
    led_to = reply_reachable_ids(scenario, (scenario.start,))
    if any(not scenario.nodes[n].replies for n in led_to if n in scenario.nodes):
        return set()  # S302 there says why
    return led_to


def no_reachable_ending(scenario: Scenario, catalog: Catalog) -> Iterable[Diagnostic]:
    """No ending at all can be reached from start by replies (reported once, at start,
    unless a node with no replies that start leads to already explains it)."""
    if scenario.start in scenario.nodes and _said_at_start(scenario, structure(scenario)):
        yield _at("S304", scenario.nodes[scenario.start].span, name=scenario.start)


def trapped_cycles(scenario: Scenario, catalog: Catalog) -> Iterable[Diagnostic]:
    """Reachable loops that no reply leads out of towards an ending, one message per loop."""
    if scenario.start not in scenario.nodes:
        return
    graph = structure(scenario)
    said_at_start = _said_at_start(scenario, graph)
    for trap in graph.traps:
        if not trap.loops or trap.members[0] in said_at_start:
            continue  # a node without replies: no_way_out says it; a loop start cannot avoid: S304
        shown = ", ".join(f"'{n}'" for n in trap.members[:_LISTED])
        if len(trap.members) > _LISTED:
            shown += f" and {len(trap.members) - _LISTED} more"
        label = f"nodes {shown}" if len(trap.members) > 1 else f"node {shown} and its replies"
        yield _at("S303", scenario.nodes[trap.members[0]].span, names=label)


_LISTED = 8  # names shown in a message; a trap may hold thousands of nodes


from simulator.scenario.lint_rubric import only_penalised_replies  # noqa: E402 - after the graph rules
from simulator.scenario.lint_turns import ending_past_turn_limit  # noqa: E402

RULES: tuple[Rule, ...] = (unreachable, no_way_out, no_reachable_ending, trapped_cycles, only_penalised_replies,
                           ending_past_turn_limit)


def run_lints(scenario: Scenario, catalog: Catalog,
              rules: Iterable[Rule] = RULES) -> list[Diagnostic]:
    """Every rule's diagnostics, in rule order."""
    out: list[Diagnostic] = []
    for rule in rules:
        out.extend(rule(scenario, catalog))
    return out
