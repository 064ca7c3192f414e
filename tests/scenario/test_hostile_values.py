"""Numbers no setting could mean (issue 13): positioned range diagnostics, never a traceback.

A 401-digit integer overflowed float() with no position; a 5000-digit one passed Python's
int() limit; a reply's own `mood:` / `skills:` could carry 309-digit points into the score.
"""

from __future__ import annotations

import pytest

from hostile_inputs import small
from simulator.scenario.loader import load_scenario

HUGE = "1" + "0" * 400  # 401 digits
ENORMOUS = "9" * 5000


def _load(catalog, text: str):
    scenario, diagnostics = load_scenario("hostile.yaml", catalog, data=text.encode())
    return scenario, diagnostics


def _one(diagnostics, code: str):
    found = [d for d in diagnostics if d.code == code]
    assert len(found) == 1, [(d.code, d.message) for d in diagnostics]
    return found[0]


@pytest.mark.parametrize("number, shown", [(HUGE, "a 401-digit number"), (ENORMOUS, "a 5,000-digit number"),
                                           ("-" + HUGE, "a 401-digit number")])
def test_a_huge_starting_mood_is_a_positioned_range_error(catalog, number, shown):
    text = small(extra_customer=f"  mood: {{trust: {number}}}\n")
    scenario, diagnostics = _load(catalog, text)
    assert scenario is None
    found = _one(diagnostics, "S105")
    line = text.splitlines().index(f"  mood: {{trust: {number}}}") + 1
    assert (found.line, found.column) == (line, 17)
    assert shown in found.message and number not in found.message


def test_a_huge_bound_in_a_condition_is_a_range_error(catalog):
    text = small(reply_extra=f"        when: {{mood: {{trust: {{at_least: {HUGE}}}}}}}\n")
    scenario, diagnostics = _load(catalog, text)
    assert scenario is None
    assert "a 401-digit number" in _one(diagnostics, "S105").message


@pytest.mark.parametrize("override, what", [("        mood: {trust: 5000}\n", "mood effect on 'trust'"),
                                            (f"        skills: {{empathy: {HUGE[:310]}}}\n", "points for 'empathy'"),
                                            ("        skills: {empathy: 500}\n", "points for 'empathy'"),
                                            ("        skills: {calm: -101}\n", "points for 'calm'")])
def test_reply_overrides_are_range_checked(catalog, override, what):
    scenario, diagnostics = _load(catalog, small(reply_extra=override))
    assert scenario is None
    found = _one(diagnostics, "S105")
    assert what in found.message
    assert found.line == 15  # the override's own line (after the 14-line header and reply text)


def test_overrides_inside_the_range_still_load(catalog):
    scenario, diagnostics = _load(catalog, small(reply_extra="        mood: {trust: 0.5}\n"
                                                             "        skills: {empathy: 20}\n"))
    assert scenario is not None, [d.message for d in diagnostics]
    reply = scenario.nodes["n0"].replies[0]
    assert dict(reply.mood) == {"trust": 0.5} and dict(reply.skills) == {"empathy": 20.0}


def test_infinities_keep_their_own_message(catalog):
    scenario, diagnostics = _load(catalog, small(extra_customer="  mood: {trust: .inf}\n"))
    assert scenario is None
    assert _one(diagnostics, "S103").message.endswith("found the number .inf")
