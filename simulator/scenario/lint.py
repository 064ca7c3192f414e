"""Lint rules over a loaded scenario: the conversation graph must let every play end.

Each rule is a small function `(scenario, catalog) -> Iterable[Diagnostic]`, listed in
RULES. The loader runs them only when the graph was read without errors, so a rule may
assume every `next` and `goto` names an existing node or ending.

Edges are reply `next`s. Trigger `goto`s make their targets reachable (that is how a
walk-out ending is reached) but do not count as a way out of a loop: a threshold is not
guaranteed to be crossed, so a trainee could circle forever.
"""

from __future__ import annotations

from typing import Callable, Iterable

from simulator.scenario import codes
from simulator.scenario.catalog_model import Catalog
from simulator.scenario.diagnostics import Diagnostic
from simulator.scenario.model import Scenario, Span

Rule = Callable[[Scenario, Catalog], Iterable[Diagnostic]]


def _at(code: str, span: Span, **fields) -> Diagnostic:
    return codes.make(code, span.path, span.line, span.column,
                      end_column=span.end_column if span.end_line == span.line else 0, **fields)


def _edges(scenario: Scenario) -> dict[str, list[str]]:
    return {node_id: [reply.next for reply in node.replies]
            for node_id, node in scenario.nodes.items()}


def _reachable(scenario: Scenario, edges: dict[str, list[str]], triggers: bool) -> set[str]:
    """Ids reachable from start; with `triggers`, every trigger target too (once the
    conversation has started, a trigger may fire after any reply)."""
    seen = {scenario.start}
    todo = [scenario.start]
    if triggers and scenario.start in edges:
        for trigger in scenario.triggers:
            if trigger.goto not in seen:
                seen.add(trigger.goto)
                todo.append(trigger.goto)
    while todo:
        for target in edges.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def _dead_ends(scenario: Scenario) -> list[str]:
    return [node_id for node_id, node in scenario.nodes.items() if not node.replies]


def unreachable(scenario: Scenario, catalog: Catalog) -> Iterable[Diagnostic]:
    """Nodes and endings no path from start (or trigger) leads to."""
    if scenario.start not in scenario.nodes:
        return
    seen = _reachable(scenario, _edges(scenario), triggers=True)
    tables = [("node", scenario.nodes)]
    if any(ending in seen for ending in scenario.endings):
        tables.append(("ending", scenario.endings))  # else S302/S304 say why, once
    for kind, table in tables:
        for item_id, item in table.items():
            if item_id not in seen:
                yield _at("S301", item.span, kind=kind, name=item_id, start=scenario.start)


def no_way_out(scenario: Scenario, catalog: Catalog) -> Iterable[Diagnostic]:
    """Non-ending nodes without a single reply."""
    for node_id in _dead_ends(scenario):
        yield _at("S302", scenario.nodes[node_id].span, name=node_id)


def no_reachable_ending(scenario: Scenario, catalog: Catalog) -> Iterable[Diagnostic]:
    """No ending at all can be reached from start by replies (reported once, at start,
    unless a reachable node with no replies already explains it)."""
    if scenario.start not in scenario.nodes:
        return
    seen = _reachable(scenario, _edges(scenario), triggers=False)
    if any(ending in seen for ending in scenario.endings):
        return
    if any(not scenario.nodes[n].replies for n in seen if n in scenario.nodes):
        return
    yield _at("S304", scenario.nodes[scenario.start].span, name=scenario.start)


def trapped_cycles(scenario: Scenario, catalog: Catalog) -> Iterable[Diagnostic]:
    """Loops reachable from start that no reply leads out of towards an ending."""
    if scenario.start not in scenario.nodes:
        return
    edges = _edges(scenario)
    seen = _reachable(scenario, edges, triggers=False)
    if not any(ending in seen for ending in scenario.endings):
        return  # no_reachable_ending says it once, instead of once per loop
    can_end = _can_reach_ending(scenario, edges)
    stuck = {n for n in seen if n in edges and n not in can_end}
    order = {node_id: index for index, node_id in enumerate(scenario.nodes)}
    for component in _bottom_components(stuck, edges):
        first = min(component, key=order.__getitem__)
        if len(component) == 1 and first not in edges[first]:
            continue  # a node without replies: no_way_out reports it
        members = sorted(component, key=order.__getitem__)
        shown = ", ".join(f"'{n}'" for n in members[:_LISTED])
        if len(members) > _LISTED:
            shown += f" and {len(members) - _LISTED} more"
        label = f"nodes {shown}" if len(members) > 1 else f"node {shown} and its replies"
        yield _at("S303", scenario.nodes[first].span, names=label)


_LISTED = 8  # names shown in a message; a trap may hold thousands of nodes


def _can_reach_ending(scenario: Scenario, edges: dict[str, list[str]]) -> set[str]:
    incoming: dict[str, list[str]] = {}
    for source, targets in edges.items():
        for target in targets:
            incoming.setdefault(target, []).append(source)
    done = set(scenario.endings)
    todo = list(done)
    while todo:
        for source in incoming.get(todo.pop(), ()):
            if source not in done:
                done.add(source)
                todo.append(source)
    return done


def _bottom_components(nodes: set[str], edges: dict[str, list[str]]) -> list[set[str]]:
    """Strongly connected components of `nodes` with no edge to another component in
    `nodes` (iterative Tarjan; scenarios may be thousands of nodes deep)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[set[str]] = []
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in nodes:
                    continue
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges[child])))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                components.append(component)
    bottoms = []
    for component in components:
        if all(t in component for n in component for t in edges[n] if t in nodes):
            bottoms.append(component)
    return bottoms


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
