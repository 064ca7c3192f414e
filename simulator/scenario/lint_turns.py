"""Lint rule: an ending that needs more turns than the engine allows can never be reached.

The engine stops a conversation after `TURN_LIMIT` turns, so an ending whose shortest route
from start is longer is unreachable in play even though the map leads there (a 15,000-node
chain once validated cleanly and then took 47 s to analyse). The turns come from
`simulator.scenario.graph.fewest_turns`, the one walk behind "reachable": replies (one turn
each) and triggers (which can fire after the first reply), linear however long the file is.
Registered in `simulator.scenario.lint.RULES`.
"""

from __future__ import annotations

from typing import Iterable

from simulator.scenario import codes
from simulator.scenario.catalog_model import Catalog
from simulator.scenario.diagnostics import Diagnostic
from simulator.scenario.graph import fewest_turns
from simulator.scenario.limits import TURN_LIMIT
from simulator.scenario.model import Scenario

__all__ = ["ending_past_turn_limit", "fewest_turns"]


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
