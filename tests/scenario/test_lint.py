"""Graph rules: every play must be able to end, and nothing is written for nobody."""

from __future__ import annotations

from scenario_text import codes_of, edit, load_text
from simulator.scenario import lint

LOOP = """\
  loop_a:
    say: Round we go.
    replies:
      - {text: Again?, acts: [clarify], next: loop_b}
  loop_b:
    say: And again.
    replies:
      - {text: Once more?, acts: [clarify], next: loop_a}
"""


def _with_nodes(extra: str, reply_to: str = "done") -> str:
    return edit("        next: done\n",
                f"        next: done\n      - {{text: Hm., acts: [stall], next: {reply_to}}}\n",
                "endings:", extra + "endings:")


def test_rules_are_registered_in_one_place():
    assert lint.RULES == (lint.unreachable, lint.no_way_out, lint.no_reachable_ending,
                          lint.trapped_cycles, lint.only_penalised_replies, lint.ending_past_turn_limit)


def test_a_loop_without_exit_is_reported_once_at_its_first_node(catalog):
    scenario, diagnostics = load_text(_with_nodes(LOOP, reply_to="loop_a"), catalog)
    assert scenario is None
    assert [(d.code, d.line) for d in diagnostics] == [("S303", 14)]
    assert "'loop_a', 'loop_b'" in diagnostics[0].message


def test_a_loop_with_an_exit_is_fine(catalog):
    text = _with_nodes(LOOP.replace("next: loop_a}", "next: loop_a}\n      - {text: Bye., "
                                    "acts: [close-positive], next: done}"), reply_to="loop_a")
    scenario, diagnostics = load_text(text, catalog)
    assert diagnostics == [] and scenario is not None


def test_a_node_looping_onto_itself(catalog):
    extra = "  echo:\n    say: Echo.\n    replies:\n      - {text: Echo?, acts: [clarify], next: echo}\n"
    _, diagnostics = load_text(_with_nodes(extra, reply_to="echo"), catalog)
    assert codes_of(diagnostics) == ["S303"] and "'echo'" in diagnostics[0].message


def test_nodes_leading_into_a_trap_are_not_reported_separately(catalog):
    extra = "  hall:\n    say: This way.\n    replies:\n      - {text: Go on., acts: [clarify], next: loop_a}\n"
    _, diagnostics = load_text(_with_nodes(extra + LOOP, reply_to="hall"), catalog)
    assert codes_of(diagnostics) == ["S303"]


def test_triggers_make_their_targets_reachable(catalog):
    text = edit("  done: {outcome: resolved, text: Fixed.}\n",
                "  done: {outcome: resolved, text: Fixed.}\n  gone: {outcome: walked-out, text: Bye.}\n"
                "triggers:\n  - when: {threshold: walk_out}\n    goto: gone\n")
    scenario, diagnostics = load_text(text, catalog)
    assert diagnostics == [] and scenario is not None


def test_unreachable_nodes_and_endings_are_warnings(catalog):
    extra = "  orphan:\n    say: Anyone?\n    replies:\n      - {text: Yes., acts: [thank], next: done}\n"
    text = _with_nodes(extra).replace("acts: [stall], next: done}", "acts: [stall], next: done}", 1)
    text += "  spare: {outcome: unresolved, text: Unused.}\n"
    scenario, diagnostics = load_text(text, catalog)
    assert scenario is not None  # warnings do not fail a scenario
    assert [(d.code, d.severity) for d in diagnostics] == [("S301", "warning"), ("S301", "warning")]
    assert "node 'orphan'" in diagnostics[0].message and "ending 'spare'" in diagnostics[1].message


def test_no_reachable_ending_is_reported_once_at_start(catalog):
    text = edit("next: done", "next: opening")
    _, diagnostics = load_text(text, catalog)
    assert [(d.code, d.line, d.column) for d in diagnostics] == [("S304", 7, 3)]


def test_a_node_with_no_replies_key_has_no_way_out(catalog):
    text = _with_nodes("  stuck:\n    say: Well?\n", reply_to="stuck")
    _, diagnostics = load_text(text, catalog)
    assert codes_of(diagnostics) == ["S302"]


def test_lint_rules_run_on_deep_chains_without_recursion_limits(catalog):
    # a 5,000-node chain whose last node loops back: one trap, found without recursion
    chain = "".join(f"  c{i}:\n    say: .\n    replies: [{{text: ., acts: [clarify], next: c{i + 1}}}]\n"
                    for i in range(5000))
    chain += "  c5000:\n    say: .\n    replies: [{text: ., acts: [clarify], next: c0}]\n"
    _, diagnostics = load_text(_with_nodes(chain, reply_to="c0"), catalog)
    assert codes_of(diagnostics) == ["S303"]
    assert "'c0', 'c1'" in diagnostics[0].message and "and 4993 more" in diagnostics[0].message
