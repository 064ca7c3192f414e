"""Play warnings name the trigger the step recorded as firing, not the first one with the same goto."""

from __future__ import annotations

from simulator.engine.analysis import analyse_with_tree
from simulator.engine.play_lints import run_play_lints
from simulator.scenario.loader import load_scenario

# Two triggers go to the same ending; only the second can hold (the first asks for a
# pleasure no customer reaches), so the warning must point at the second.
TWO_TRIGGERS = """\
schema_version: 1
id: two-triggers
title: Two triggers
customer: {name: Pat, persona: reasonable}
start: opening
nodes:
  opening:
    say: My order is late.
    replies:
      - text: I'm sorry it's late; it ships today and I'll email you the tracking.
        acts: [apologize, offer-solution]
        next: close
      - text: These things happen with deliveries, you know, nothing to be done about it.
        acts: [dismiss]
        next: close
  close:
    say: Fine.
    replies:
      - text: Thank you for your patience, Pat. Have a good day.
        acts: [thank, close-positive]
        next: done
      - text: Right, well, that is everything from me then, goodbye and all the best.
        acts: [close-early]
        next: done
endings:
  done: {outcome: resolved, text: Done.}
  manager: {outcome: escalated, text: Pat asks for a manager.}
triggers:
  - when: {mood: {pleasure: {at_most: -5}}}
    goto: manager
  - when: {mood: {pleasure: {at_least: 0.2}}}
    goto: manager
"""


def test_a_trigger_warning_names_the_trigger_that_fired(catalog):
    scenario, diagnostics = load_scenario("two_triggers.yaml", catalog, data=TWO_TRIGGERS.encode())
    assert not [d for d in diagnostics if d.severity == "error"]
    analysis, tree = analyse_with_tree(scenario, catalog, runs=50)[:2]
    [warning] = [d for d in run_play_lints(scenario, tree, analysis) if d.code == "S403"]
    assert warning.line == scenario.triggers[1].span.line
    assert "trigger 2" in warning.message
