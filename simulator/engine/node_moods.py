"""The moods each node is reached in, and which of its lines the customer says then.

A node's `say` may give one line per mood label; the game shows the line for the customer's
expression when the node comes on screen (`session.pick_line`: the exact label, else
`default`, else the nearest label). Read from the analyser's play tree: every prefix that
is waiting for a reply at a node is one way of reaching it, in one expression.

The mood-reachable `say` variants (`shown_variants`, `unshown_variants`) are the play half of
the graph module: `simulator.scenario.graph` says which nodes the map reaches, and the moods
play reaches each node in (`node_moods`, or any sweep that records them) say which of its
variants can come on screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import numpy as np

from simulator.engine import mood as mood_model
from simulator.engine.batch_play import PlayTree
from simulator.engine.session import pick_line
from simulator.scenario.graph import reachable_ids
from simulator.scenario.model import Node, Scenario


@dataclass(frozen=True, slots=True)
class MoodReach:
    """A node reached in one expression: how many prefixes get there so, and the line shown."""

    expression: str
    line: str  # the `say` label whose text is shown ('default' or a mood label)
    prefixes: int

    def as_json(self) -> dict:
        return {"expression": self.expression, "line": self.line, "prefixes": self.prefixes}


def shown_label(node: Node, expression: str, scale: tuple[str, ...]) -> str:
    """The label of the `say` variant `pick_line` shows for this expression."""
    text = pick_line(node, expression, scale)
    labels = [v.expression for v in node.say if v.text == text]
    if expression in labels:
        return expression
    if "default" in labels:
        return "default"
    return labels[0] if labels else ""


def node_moods(tree: PlayTree) -> dict[str, tuple[MoodReach, ...]]:
    """Node id -> the expressions it is reached in (calmest last, as on the mood scale).

    Nodes play never reaches map to (). Counts are over the prefixes the tree grew.
    """
    model = tree.compiled.mood
    scale = tuple(model.expressions)
    waiting = np.nonzero(~tree.ended[:tree.size])[0]
    locs = tree.loc[waiting].astype(np.int64)
    labels = mood_model.expression_index(model, tree.mood[waiting]) if waiting.size else np.zeros(0, np.int64)
    width = len(scale)
    keys, counts = np.unique(locs * width + labels, return_counts=True)
    found: dict[str, list[MoodReach]] = {node_id: [] for node_id in tree.node_ids}
    for key, count in zip(keys.tolist(), counts.tolist()):
        node_index, label = divmod(key, width)
        node_id = tree.node_ids[node_index]
        expression = scale[label]
        found[node_id].append(MoodReach(expression, shown_label(tree.scenario.nodes[node_id], expression, scale),
                                        count))
    return {node_id: tuple(reaches) for node_id, reaches in found.items()}


def shown_variants(scenario: Scenario, reached_in: Mapping[str, Iterable[str]],
                   scale: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Node id -> labels of the `say` variants play can show there, in file order.

    `reached_in` maps a node id to the expressions play waits for a reply at it in (e.g.
    `expressions_reached(node_moods(tree))`); a variant counts when `pick_line` picks it for
    one of them. Nodes the map does not reach show nothing; one that play reached although
    no reply or trigger leads there would be an engine bug, so it raises ValueError."""
    on_map = reachable_ids(scenario)
    out: dict[str, tuple[str, ...]] = {}
    for node_id, node in scenario.nodes.items():
        expressions = tuple(reached_in.get(node_id, ()))
        if expressions and node_id not in on_map:
            raise ValueError(f"play reached node '{node_id}', which no reply or trigger leads to")
        labels = {shown_label(node, expression, tuple(scale)) for expression in expressions}
        out[node_id] = tuple(dict.fromkeys(v.expression for v in node.say if v.expression in labels))
    return out


def unshown_variants(scenario: Scenario, shown: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Node id -> labels of `say` variants written but never shown, for the nodes play shows
    something at (a node never reached is reported as such, not line by line)."""
    out = {}
    for node_id, labels in shown.items():
        if labels:
            written = dict.fromkeys(v.expression for v in scenario.nodes[node_id].say)
            missing = tuple(label for label in written if label not in labels)
            if missing:
                out[node_id] = missing
    return out


def expressions_reached(moods: Mapping[str, tuple[MoodReach, ...]]) -> dict[str, tuple[str, ...]]:
    """`node_moods`' answer as node id -> expressions, the shape `shown_variants` reads."""
    return {node_id: tuple(r.expression for r in reaches) for node_id, reaches in moods.items()}
