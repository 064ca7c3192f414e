"""The scenario's node graph, walked here once for validate, analyse, the rubric and `graph`.

Everything is *structural*: a reply's `when` is taken to hold some time, and nothing is
played. Two questions get two stated meanings, each answered only here:

* **Reachable** (`fewest_turns`, `reachable_ids`): where a conversation can get from
  `start`. Edges are replies' `next` and triggers' `goto`. A trigger is checked after every
  reply, so its `goto` is reachable as soon as any reply can be taken (turn 1 when `start`
  has a reply; never when it has none). Behind S301 (unreachable), S305 (past the turn
  limit), analyse's "unreachable" and the grey boxes of `customer-sim graph`.
* **Can finish** (`finishing_ids`): the nodes from which the trainee's replies alone lead
  to an ending. A trigger is the customer's move on a threshold that may never be crossed,
  so it is not a way out: a loop whose only exit is a walk-out trigger lets a trainee circle
  until the turn limit. A **dead end** is a reachable node that cannot finish
  (`Structure.dead_ends`); every dead end leads into a **trap** (`Structure.traps`): a strongly connected set
  of dead ends with no reply out of it, either one node without replies (S302) or a loop
  (S303). Behind S302-S304, analyse's dead ends and the rubric's "a resolution was
  reachable" (`reply_reachable_ids`).

The walks are iterative and linear in the size of the graph: files may hold thousands of
nodes in a chain. Ids that name nothing (a loader error reported elsewhere) are skipped,
never raised.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Iterable, Mapping

from simulator.scenario.model import Scenario


@dataclass(frozen=True, slots=True)
class Trap:
    """A strongly connected set of dead ends that no reply leads out of."""

    members: tuple[str, ...]  # node ids in file order; the first is where a message points
    loops: bool  # True: a loop (S303); False: one node without replies (S302)


@dataclass(frozen=True, slots=True)
class Structure:
    """Every structural fact about one scenario's graph, from one set of walks."""

    reachable: frozenset[str]  # node and ending ids (see `reachable_ids`)
    unreachable: tuple[str, ...]  # nodes, then endings, in file order
    finishing: frozenset[str]  # node ids (see `finishing_ids`)
    dead_ends: tuple[str, ...]  # reachable nodes that cannot finish, in file order
    traps: tuple[Trap, ...]  # ordered by their first member's place in the file


def reply_targets(scenario: Scenario) -> dict[str, list[str]]:
    """Node id -> the known ids its replies lead to (file order, duplicates removed).
    Triggers are not included."""
    nodes, endings = scenario.nodes, scenario.endings
    out: dict[str, list[str]] = {}
    for node_id, node in nodes.items():
        targets = [reply.next for reply in node.replies]
        if len(targets) > 1:
            targets = list(dict.fromkeys(targets))
        out[node_id] = [t for t in targets if t in nodes or t in endings]
    return out


def fewest_turns(scenario: Scenario, follow: dict[str, list[str]] | None = None) -> dict[str, int]:
    """Reachable node and ending id -> the fewest turns (replies) that get there from start.
    A trigger's goto takes one turn: it can fire after the very first reply. `follow` is
    `reply_targets(scenario)` when the caller already has it."""
    if scenario.start not in scenario.nodes:
        return {}
    follow = reply_targets(scenario) if follow is None else follow
    turns = {scenario.start: 0}
    queue = deque([scenario.start])
    if follow[scenario.start]:  # a reply can be taken, so a trigger can fire after it
        for trigger in scenario.triggers:
            goto = trigger.goto
            if (goto in scenario.nodes or goto in scenario.endings) and goto not in turns:
                turns[goto] = 1
                queue.append(goto)
    while queue:
        current = queue.popleft()
        for target in follow.get(current, ()):
            if target not in turns:
                turns[target] = turns[current] + 1
                queue.append(target)
    return turns


def reachable_ids(scenario: Scenario) -> set[str]:
    """Node and ending ids a conversation can get to from start, by replies and triggers,
    ignoring conditions (the module docstring says why triggers count from turn 1)."""
    return set(fewest_turns(scenario))


def reply_reachable_ids(scenario: Scenario, sources: Iterable[str]) -> set[str]:
    """Ids the trainee's replies alone lead to from `sources` (included), ignoring conditions."""
    known = (source for source in sources if source in scenario.nodes or source in scenario.endings)
    return _closure(known, reply_targets(scenario))


def finishing_ids(scenario: Scenario, follow: dict[str, list[str]] | None = None) -> set[str]:
    """Node ids from which some chain of replies reaches an ending (triggers are no way out).
    One walk backwards from the endings, so linear however long the chains are."""
    back: dict[str, list[str]] = {}
    for source, targets in (reply_targets(scenario) if follow is None else follow).items():
        for target in targets:
            back.setdefault(target, []).append(source)
    return _closure(scenario.endings, back) - scenario.endings.keys()


def _closure(start: Iterable[str], step: Mapping[str, Iterable[str]]) -> set[str]:
    """`start` and every id `step` leads to from it, in any number of steps."""
    seen = set(start)
    todo = list(seen)
    while todo:
        for found in step.get(todo.pop(), ()):
            if found not in seen:
                seen.add(found)
                todo.append(found)
    return seen


def structure(scenario: Scenario) -> Structure:
    """Reachability, finishing nodes, dead ends and traps of `scenario`, walked once each."""
    follow = reply_targets(scenario)
    reachable = fewest_turns(scenario, follow).keys()
    finishing = finishing_ids(scenario, follow)
    dead = [node_id for node_id in scenario.nodes if node_id in reachable and node_id not in finishing]
    order = {node_id: index for index, node_id in enumerate(scenario.nodes)}
    found = []
    for component in _bottom_components(dead, follow):
        members = tuple(sorted(component, key=order.__getitem__))
        loops = len(members) > 1 or members[0] in follow[members[0]]
        found.append(Trap(members, loops))
    found.sort(key=lambda trap: order[trap.members[0]])
    return Structure(
        reachable=frozenset(reachable),
        unreachable=tuple(i for i in [*scenario.nodes, *scenario.endings] if i not in reachable),
        finishing=frozenset(finishing), dead_ends=tuple(dead), traps=tuple(found))


def _bottom_components(nodes: list[str], edges: dict[str, list[str]]) -> list[set[str]]:
    """Strongly connected components of the graph `edges` restricted to `nodes` that have
    no edge to another component of it (iterative Tarjan: no recursion limit on deep files)."""
    inside = set(nodes)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[set[str]] = []
    for root in nodes:
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
                if child not in inside:
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
    return [component for component in components
            if all(target in component for node in component for target in edges[node] if target in inside)]
