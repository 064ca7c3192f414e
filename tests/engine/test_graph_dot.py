"""The branch graph: structure and Graphviz DOT text."""

from __future__ import annotations

import re

from simulator.engine.graph_dot import (OUTCOME_COLOURS, TRIGGER_NODE, describe_condition, edges, first_words,
                                    reachable_ids, structurally_unreachable, to_dot)
from simulator.scenario.model import (Bound, Condition, Customer, Ending, LineVariant, Node, Reply, Scenario,
                                      Trigger)


def _statement(dot: str, source: str, target: str | None = None) -> list[str]:
    """DOT lines declaring a node (target None) or the edges source -> target."""
    if target is None:
        return [line for line in dot.splitlines() if line.strip().startswith(f'"{source}" [')]
    return [line for line in dot.splitlines() if line.strip().startswith(f'"{source}" -> "{target}"')]


def _tiny(extra_nodes=(), triggers=()) -> Scenario:
    nodes = [Node("a", (LineVariant("default", 'She said "hi" \\ then left\nquickly'),),
                  (Reply("go", ("invite",), "b"),
                   Reply("maybe", ("clarify",), "done", when=Condition(visited=("b",))))),
             Node("b", (LineVariant("angry", "Angry words here"),), (Reply("end", ("thank",), "done"),)),
             *extra_nodes]
    return Scenario(schema_version=1, id="tiny", title="Tiny", summary="", difficulty=1, briefing="",
                    learning_goals=(), customer=Customer("Kim", "reasonable"), start="a",
                    nodes={n.id: n for n in nodes},
                    endings={"done": Ending("done", "resolved", "ok"), "lost": Ending("lost", "walked-out", "bye")},
                    triggers=tuple(triggers))


def test_edges_cover_every_reply_and_trigger_in_file_order(format_tour):
    found = edges(format_tour)
    replies = [e for e in found if e.kind == "reply"]
    assert len(replies) == sum(len(n.replies) for n in format_tour.nodes.values())
    assert [(e.source, e.target, e.number) for e in replies[:3]] == [
        ("opening", "story", 1), ("opening", "story", 2), ("story", "options", 1)]
    triggers = [e for e in found if e.kind == "trigger"]
    assert [(e.source, e.target) for e in triggers] == [(TRIGGER_NODE, "walked_out"), (TRIGGER_NODE, "manager")]


def test_reachability_follows_replies_and_triggers():
    orphan = Node("orphan", (LineVariant("default", "nobody comes here"),), (Reply("x", ("thank",), "done"),))
    scenario = _tiny([orphan])
    assert reachable_ids(scenario) == {"a", "b", "done"}
    assert structurally_unreachable(scenario) == {"orphan": "unreachable", "lost": "unreachable"}
    with_trigger = _tiny([orphan], triggers=[Trigger(Condition(threshold="walk_out"), "lost")])
    assert "lost" in reachable_ids(with_trigger)  # a trigger can fire after any reply


def test_dot_labels_colours_and_edge_styles(format_tour):
    dot = to_dot(format_tour, {})
    assert dot.startswith('digraph "format-tour" {') and dot.rstrip().endswith("}")
    assert 'label="opening\\nHi. I got my shoes today …"' in _statement(dot, "opening")[0]
    for ending in format_tour.endings.values():
        (line,) = _statement(dot, ending.id)
        assert f'fillcolor="{OUTCOME_COLOURS[ending.outcome]}"' in line
        assert f"[{ending.outcome}]" in line
    conditional = _statement(dot, "story", "options")
    assert len(conditional) == 3
    dashed = [line for line in conditional if 'style="dashed"' in line]
    assert len(dashed) == 1 and "3: offer-solution" in dashed[0] and "trust >= 0.2" in dashed[0]
    (walk,) = _statement(dot, TRIGGER_NODE, "walked_out")
    assert 'style="dotted"' in walk and "walk_out threshold" in walk
    assert '"(start)" -> "opening"' in dot


def test_unreachable_nodes_are_marked_and_text_is_escaped():
    orphan = Node("orphan", (LineVariant("default", "nobody comes here"),), (Reply("x", ("thank",), "done"),))
    dot = to_dot(_tiny([orphan]))
    (line,) = _statement(dot, "orphan")
    assert "(unreachable)" in line and 'color="#c62828"' in line
    assert "(unreachable)" not in _statement(dot, "a")[0]
    # quotes and backslashes are escaped, newlines become \n: every label stays one valid string
    (a_line,) = _statement(dot, "a")
    assert '\\"hi\\"' in a_line and "\\\\" in a_line
    assert all(line.count('"') % 2 == 0 for line in dot.splitlines())
    assert len(re.findall(r'label="', a_line)) == 1


def test_a_node_without_default_uses_its_first_variant_and_custom_marks_win():
    dot = to_dot(_tiny(), {"b": "never reached in play"})
    (line,) = _statement(dot, "b")
    assert "Angry words here" in line and "(never reached in play)" in line


def test_dot_is_deterministic(format_tour):
    assert to_dot(format_tour) == to_dot(format_tour)


def test_describe_condition_reads_every_part():
    text = describe_condition(Condition(
        mood=(Bound("trust", 0.2, None), Bound("arousal", None, 0.5), Bound("heard", 0.1, 0.9)),
        expression=("angry", "furious"), visited=("a",), not_visited=("b",), acts_used=("invite",),
        acts_not_used=("dismiss",), threshold="walk_out"))
    assert text == ("trust >= 0.2, arousal <= 0.5, 0.1 <= heard <= 0.9, looks angry/furious, visited a, "
                    "not visited b, used invite, not used dismiss, walk_out threshold")
    assert describe_condition(Condition()) == "always"
    assert describe_condition(None) == ""


def test_first_words_cuts_long_lines():
    assert first_words("one two three") == "one two three"
    assert first_words("a b c d e f g h", 3) == "a b c …"
