"""A persona's `scoring:` block in personas.yaml: how this customer changes the rubric.

The mood gains say how strongly an act lands with this customer; the scoring rules say
what a trainer would mark differently with them (jargon with a confused customer costs
solutions too, a promise to a skeptic needs evidence). Each rule kind below is one small,
fixed shape, checked here with positions so a trainer who adds a persona gets the same
`file:line:col` errors as in a scenario. `simulator.engine.rubric` interprets them.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Mapping

from yaml.nodes import Node

from simulator.scenario import codes
from simulator.scenario.model import SKILLS
from simulator.scenario.node_reader import NodeReader

# rule kind -> {setting: kind of value}; kinds: skill, acts, count, cost (a number <= 0),
# share (0..1), text, act_costs ({act: {skill: cost}})
PERSONA_RULES: dict[str, dict[str, str]] = {
    # empathy turns (an empathy act, no solution act) before the first solution beyond `allowed`
    # earn no credit for their empathy acts and cost `points`
    "empathy_loop": {"skill": "skill", "empathy_acts": "acts", "solution_acts": "acts", "allowed": "count",
                     "points": "cost", "message": "text"},
    # these acts cost these skills on top of their own penalty
    "act_penalties": {"acts": "act_costs", "message": "text"},
    # a promise act without a proof act in the same reply costs `points`
    "promise_needs_proof": {"skill": "skill", "promise_acts": "acts", "proof_acts": "acts", "points": "cost",
                            "message": "text"},
    # overrides of rubric.yaml rules.provocation for this customer
    "provocation": {"let_pass_keeps": "share", "mirror_points": "cost", "message": "text"},
    # these acts cost `points` at a node that does not provoke (e.g. a boundary nobody needed)
    "unprovoked": {"skill": "skill", "acts": "acts", "points": "cost", "message": "text"},
}
EMPTY_SCORING: Mapping[str, Any] = MappingProxyType({})
REQUIRED: dict[str, tuple[str, ...]] = {
    "empathy_loop": ("skill", "empathy_acts", "solution_acts", "points", "message"),
    "act_penalties": ("acts", "message"),
    "promise_needs_proof": ("skill", "promise_acts", "proof_acts", "points", "message"),
    "provocation": (),
    "unprovoked": ("skill", "acts", "points", "message"),
}


def read_scoring(reader: NodeReader, node: Node, persona: str, acts: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """The checked `scoring:` block of `persona` as read-only plain data; every problem is
    reported on `reader` at its position (unknown rule or setting, wrong type, unknown act
    or skill, a cost above 0, a share outside 0..1)."""
    out: dict[str, Any] = {}
    for kind, key, value in reader.entries(node, f"the scoring of persona '{persona}'") or ():
        settings = PERSONA_RULES.get(kind)
        if settings is None:
            close = codes.close_match(kind, PERSONA_RULES)
            reader.report(key, "S101", key=kind, where=f"the scoring of persona '{persona}'",
                          hint=f"did you mean '{close}'?" if close else
                          "scoring rules: " + ", ".join(PERSONA_RULES))
            continue
        fields = reader.fields(value, f"scoring rule '{kind}'", frozenset(settings), REQUIRED[kind])
        if fields is None:
            continue
        rule: dict[str, Any] = {}
        for name, (_key, item) in fields.items():
            checked = _setting(reader, settings[name], item, name, acts)
            if checked is not None:
                rule[name] = checked
        out[kind] = MappingProxyType(rule)
    return MappingProxyType(out)


def _setting(reader: NodeReader, kind: str, node: Node, name: str, acts: Mapping[str, Any] | None) -> Any:
    if kind == "skill":
        skill = reader.text(node, name)
        return skill if skill is not None and reader.check_name(skill, node, SKILLS, "S204") else None
    if kind == "acts":
        names = reader.names(node, name)
        if names is None:
            return None
        return tuple(a for a, item in names if acts is None or reader.check_name(a, item, acts, "S202"))
    if kind == "count":
        count = reader.integer(node, name)
        if count is not None and count < 0:
            reader.report(node, "S105", what=name, limits="0 or more", value=count)
            return None
        return count
    if kind == "cost":
        return _cost(reader, node, name)
    if kind == "share":
        share = reader.number(node, name)
        if share is not None and not 0 <= share <= 1:
            reader.report(node, "S105", what=name, limits="between 0 and 1", value=f"{share:g}")
            return None
        return share
    if kind == "text":
        return reader.text(node, name)
    # act_costs: {act: {skill: cost}}
    table: dict[str, Any] = {}
    for act, act_key, costs in reader.entries(node, name) or ():
        if acts is not None and not reader.check_name(act, act_key, acts, "S202"):
            continue
        row = {}
        for skill, skill_key, cost_node in reader.entries(costs, f"the costs of '{act}'") or ():
            cost = _cost(reader, cost_node, f"the {skill} cost of '{act}'")
            if reader.check_name(skill, skill_key, SKILLS, "S204") and cost is not None:
                row[skill] = cost
        table[act] = MappingProxyType(row)
    return MappingProxyType(table)


def _cost(reader: NodeReader, node: Node, what: str) -> float | None:
    points = reader.number(node, what)
    if points is not None and points > 0:
        reader.report(node, "S105", what=what, limits="0 or less (points it costs)", value=f"{points:g}")
        return None
    return points
