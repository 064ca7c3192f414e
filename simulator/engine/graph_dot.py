"""The branch graph drawn: its edges and Graphviz DOT output, structurally unreachable ids marked.

The structure itself (reachability, dead ends, traps) is `simulator.scenario.graph`, one
layer down so validate's lint uses the same walks as analyse; `reachable_ids` is imported
from there (and still importable from here). Which `say` variants play can show, which needs
the moods play reaches each node in, is `simulator.engine.node_moods`.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.scenario.graph import reachable_ids, structure

__all__ = ["Edge", "OUTCOME_COLOURS", "TRIGGER_NODE", "describe_condition", "edges", "first_words", "node_line",
           "reachable_ids", "structurally_unreachable", "to_dot"]
from simulator.scenario.model import Condition, Ending, Node, Scenario

# Fill colours per ending outcome; chosen to read as a traffic light and to stay legible
# when printed in grey (the lightness differs for each).
OUTCOME_COLOURS: dict[str, str] = {
    "delighted": "#2e7d32",
    "resolved": "#9ccc65",
    "unresolved": "#ffd54f",
    "escalated": "#fb8c00",
    "walked-out": "#c62828",
}
# Font colour that stays readable on each fill.
_OUTCOME_FONT = {"delighted": "white", "walked-out": "white"}
TRIGGER_NODE = "(after any reply)"
LABEL_WORDS = 6


@dataclass(frozen=True, slots=True)
class Edge:
    """One arrow of the branch graph."""

    source: str  # node id, or TRIGGER_NODE for a trigger
    target: str  # node or ending id
    kind: str  # "reply" | "trigger"
    number: int  # 1-based position of the reply in its node (or of the trigger in the file)
    acts: tuple[str, ...]
    condition: Condition | None


def edges(scenario: Scenario) -> list[Edge]:
    """Every reply edge in file order, then every trigger edge in file order."""
    result: list[Edge] = []
    for node in scenario.nodes.values():
        for number, reply in enumerate(node.replies, start=1):
            result.append(Edge(node.id, reply.next, "reply", number, reply.acts, reply.when))
    for number, trigger in enumerate(scenario.triggers, start=1):
        result.append(Edge(TRIGGER_NODE, trigger.goto, "trigger", number, (), trigger.when))
    return result


def structurally_unreachable(scenario: Scenario) -> dict[str, str]:
    """id -> "unreachable" for every node and ending no chain of replies/triggers leads to."""
    return {item: "unreachable" for item in structure(scenario).unreachable}


def describe_condition(condition: Condition | None) -> str:
    """A short human reading of a condition, e.g. 'trust >= 0.2, not used hide-behind-policy'."""
    if condition is None:
        return ""
    parts: list[str] = []
    for bound in condition.mood:
        if bound.at_least is not None and bound.at_most is not None:
            parts.append(f"{_num(bound.at_least)} <= {bound.dimension} <= {_num(bound.at_most)}")
        elif bound.at_least is not None:
            parts.append(f"{bound.dimension} >= {_num(bound.at_least)}")
        elif bound.at_most is not None:
            parts.append(f"{bound.dimension} <= {_num(bound.at_most)}")
    if condition.expression:
        parts.append("looks " + "/".join(condition.expression))
    if condition.visited:
        parts.append("visited " + ", ".join(condition.visited))
    if condition.not_visited:
        parts.append("not visited " + ", ".join(condition.not_visited))
    if condition.acts_used:
        parts.append("used " + ", ".join(condition.acts_used))
    if condition.acts_not_used:
        parts.append("not used " + ", ".join(condition.acts_not_used))
    if condition.threshold:
        parts.append(f"{condition.threshold} threshold")
    return ", ".join(parts) if parts else "always"


def first_words(text: str, count: int = LABEL_WORDS) -> str:
    """The opening words of a line, with an ellipsis when cut."""
    words = text.split()
    if len(words) <= count:
        return " ".join(words)
    return " ".join(words[:count]) + " …"


def node_line(node: Node) -> str:
    """The line a node shows by default: the `default` variant, else the first one written."""
    for variant in node.say:
        if variant.expression == "default":
            return variant.text
    return node.say[0].text if node.say else ""


def to_dot(scenario: Scenario, unreachable: dict[str, str] | None = None) -> str:
    """Graphviz DOT text for the scenario's branch graph. Deterministic: file order throughout.

    Nodes show their id and the first words of their line; endings are filled with their
    outcome's colour; reply edges read `N: acts` (N = position among the node's replies, which
    equals the `run --choices` number when no earlier reply is hidden by a condition);
    conditional edges are dashed and name their condition; trigger edges are dotted and leave a
    single "after any reply" box. Ids in `unreachable` (id -> note, e.g. "unreachable" or
    "never reached in play"; default: the structurally unreachable ones) are drawn grey with a
    red dashed border and carry their note.
    """
    if unreachable is None:
        unreachable = structurally_unreachable(scenario)
    lines = [
        f"digraph {_quote(scenario.id)} {{",
        f"  label={_quote(scenario.title or scenario.id)};",
        "  labelloc=t;",
        "  rankdir=TB;",
        '  node [shape=box, style="rounded,filled", fillcolor="#eef3fb", fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=9];',
        '  "(start)" [shape=point, width=0.15, label=""];',
        f'  "(start)" -> {_quote(scenario.start)};',
    ]
    for node in scenario.nodes.values():
        lines.append(_node_statement(node, unreachable.get(node.id)))
    for ending in scenario.endings.values():
        lines.append(_ending_statement(ending, unreachable.get(ending.id)))
    if scenario.triggers:
        lines.append(f'  {_quote(TRIGGER_NODE)} [shape=note, style=filled, fillcolor="#fff8e1", '
                     f'label="after any reply"];')
    for edge in edges(scenario):
        lines.append(_edge_statement(edge))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _node_statement(node: Node, note: str | None) -> str:
    label = f"{node.id}\n{first_words(node_line(node))}"
    attrs = {"label": label}
    if note:
        attrs.update(label=f"{label}\n({note})", fillcolor="#e0e0e0", color="#c62828",
                     style="rounded,filled,dashed", penwidth="2")
    return f"  {_quote(node.id)} [{_attrs(attrs)}];"


def _ending_statement(ending: Ending, note: str | None) -> str:
    label = f"{ending.id}\n[{ending.outcome}]"
    attrs = {"label": label, "shape": "doubleoctagon",
             "fillcolor": OUTCOME_COLOURS.get(ending.outcome, "#bdbdbd"),
             "fontcolor": _OUTCOME_FONT.get(ending.outcome, "black"), "style": "filled"}
    if note:
        attrs.update(label=f"{label}\n({note})", color="#c62828", style="filled,dashed",
                     penwidth="2")
    return f"  {_quote(ending.id)} [{_attrs(attrs)}];"


def _edge_statement(edge: Edge) -> str:
    if edge.kind == "trigger":
        label = f"trigger {edge.number}: {describe_condition(edge.condition)}"
        attrs = {"label": label, "style": "dotted", "color": "#8d6e63"}
    else:
        label = f"{edge.number}: {', '.join(edge.acts)}"
        attrs = {"label": label}
        if edge.condition is not None:
            attrs.update(label=f"{label}\nif {describe_condition(edge.condition)}", style="dashed")
    return f"  {_quote(edge.source)} -> {_quote(edge.target)} [{_attrs(attrs)}];"


def _attrs(attrs: dict[str, str]) -> str:
    return ", ".join(f"{key}={_quote(value)}" for key, value in attrs.items())


def _quote(text: str) -> str:
    """A DOT double-quoted string; newlines become DOT's centred line break."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return f'"{escaped}"'


def _num(value: float) -> str:
    return f"{value:g}"
