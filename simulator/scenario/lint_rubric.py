"""Lint rules that read a scenario the way the rubric will score it.

Registered in `simulator.scenario.lint.RULES`, like every other rule: `(scenario, catalog)
-> diagnostics`. They only read the act vocabulary and rubric.yaml's rule settings, so
they stay in step with the scoring without importing the engine.
"""

from __future__ import annotations

from typing import Iterable, Mapping

from simulator.scenario import codes
from simulator.scenario.catalog_model import Catalog
from simulator.scenario.diagnostics import Diagnostic
from simulator.scenario.model import Node, Reply, Scenario


def _rule(catalog: Catalog, rule_id: str) -> Mapping:
    rules = catalog.rubric.get("rules") if isinstance(catalog.rubric, Mapping) else None
    spec = rules.get(rule_id) if isinstance(rules, Mapping) else None
    return spec if isinstance(spec, Mapping) else {}


def reply_penalty(reply: Reply, node: Node, catalog: Catalog) -> str:
    """Why the rubric will charge this reply whatever comes next ('' when it will not):
    a negative act (a hand-off the scenario marks right is not one), or, at a node that
    provokes, no answer act (letting the provocation pass)."""
    free_hand_offs = set(_rule(catalog, "hand_off").get("acts", ())) if reply.hand_off_right else set()
    for act_id in reply.acts:
        act = catalog.acts.get(act_id)
        if act is not None and act.polarity == "negative" and act_id not in free_hand_offs:
            return f"'{act_id}'"
    if node.provokes:
        answers = set(_rule(catalog, "provocation").get("answer_acts", ()))
        if answers and not answers & set(reply.acts):
            return "lets the " + "/".join(node.provokes) + " pass"
    return ""


def only_penalised_replies(scenario: Scenario, catalog: Catalog) -> Iterable[Diagnostic]:
    """A node where every reply costs points is a trap, not a test: warn, naming the node.

    Conditions (`when`) are ignored: a node whose every reply is penalised is unfair in any
    state in which it can be shown.
    """
    for node_id, node in scenario.nodes.items():
        if not node.replies:
            continue  # no_way_out reports it
        reasons = [reply_penalty(reply, node, catalog) for reply in node.replies]
        if all(reasons):
            why = "; ".join(f"reply {i}: {reason}" for i, reason in enumerate(reasons, start=1))
            span = node.span
            yield codes.make("S310", span.path, span.line, span.column, name=node_id, why=why,
                             end_column=span.end_column if span.end_line == span.line else 0)
