"""Lint rule: an ending that needs more turns than the engine allows can never be reached.

The engine stops a conversation after `TURN_LIMIT` turns, so an ending whose shortest route
from start is longer is unreachable in play even though the map leads there (a 15,000-node
chain once validated cleanly and then took 47 s to analyse). One breadth-first walk over
replies (one turn each) and triggers (which can fire after the first reply), so it stays
linear however long the file is. Registered in `simulator.scenario.lint.RULES`.
"""

from __future__ import annotations

from collections import deque
from typing import Iterable

from simulator.scenario import codes
from simulator.scenario.catalog_model import Catalog
from simulator.scenario.diagnostics import Diagnostic
from simulator.scenario.limits import TURN_LIMIT
from simulator.scenario.model import Scenario


def fewest_turns(scenario: Scenario) -> dict[str, int]:
    """Node and ending id -> the fewest turns (replies) needed to get there from start."""
    if scenario.start not in scenario.nodes:
        return {}
    turns = {scenario.start: 0}
    queue = deque([scenario.start])
    if scenario.nodes[scenario.start].replies:  # a trigger can fire after the very first reply
        for trigger in scenario.triggers:
            if trigger.goto not in turns:
                turns[trigger.goto] = 1
                queue.append(trigger.goto)
    while queue:
        current = queue.popleft()
        node = scenario.nodes.get(current)
        if node is None:
            continue
        for reply in node.replies:
            if reply.next not in turns:
                turns[reply.next] = turns[current] + 1
                queue.append(reply.next)
    return turns


def ending_past_turn_limit(scenario: Scenario, catalog: Catalog) -> Iterable[Diagnostic]:
    """Endings on the map whose shortest route takes more than TURN_LIMIT turns (S305)."""
    turns = fewest_turns(scenario)
    for ending_id, ending in scenario.endings.items():
        needed = turns.get(ending_id)
        if needed is not None and needed > TURN_LIMIT:
            span = ending.span
            yield codes.make("S305", span.path, span.line, span.column,
                             end_column=span.end_column if span.end_line == span.line else 0,
                             name=ending_id, turns=needed, limit=TURN_LIMIT)
