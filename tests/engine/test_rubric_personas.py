"""Persona-aware scoring: personas.yaml `scoring:` rules change what a reply is worth, so the
best path depends on who the customer is.

Each rule is shown with the evidence it writes, next to the same play with a persona
that does not have the rule; then the best path found by `analyse` is shown to move when
only the persona changes - on a scenario built for it, and on most shipped scenarios.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from engine_builders import node, reply, scenario
from rubric_scenarios import chain, choice_node, evidence, messages, play, turn
from simulator.engine.analysis import analyse

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))
CLOSE = (turn("summarize", "check-remaining"), turn("thank", "close-positive"))


def scoring(catalog, persona, rule):
    return catalog.personas[persona].scoring[rule]


# ----------------------------------------------------------------------------- the rules


def test_impatient_a_second_empathy_turn_before_any_solution_costs_and_earns_nothing(start, catalog):
    rule = scoring(catalog, "impatient", "empathy_loop")
    turns = (turn("acknowledge", "invite"), turn("apologize", "paraphrase"), turn("take-ownership", "offer-options"),
             *CLOSE)
    impatient = play(start, chain(*turns, persona="impatient")).result
    assert evidence(impatient, "empathy_loop") == [(2, rule["skill"], rule["points"])]
    assert messages(impatient, "empathy_loop") == [rule["message"]]
    assert evidence(impatient, "credit:apologize") == []  # the looping sympathy earns nothing
    reasonable = play(start, chain(*turns, persona="reasonable")).result
    assert evidence(reasonable, "empathy_loop") == [] and evidence(reasonable, "credit:apologize")
    assert impatient.skills["empathy"] < reasonable.skills["empathy"]


def test_impatient_one_empathy_turn_then_a_fix_is_fine(start):
    turns = (turn("acknowledge", "apologize"), turn("take-ownership", "offer-options"), turn("validate"), *CLOSE)
    result = play(start, chain(*turns, persona="impatient")).result
    assert evidence(result, "empathy_loop") == []  # sympathy after the first fix is not a loop


def test_confused_jargon_costs_listening_and_solutions(start, catalog):
    costs = scoring(catalog, "confused", "act_penalties")["acts"]["jargon"]
    turns = (turn("take-ownership", "offer-solution"), turn("jargon"), *CLOSE)
    confused = play(start, chain(*turns, persona="confused")).result
    extra = sorted(evidence(confused, "persona_penalty:jargon"))
    assert extra == sorted((2, skill, points) for skill, points in costs.items())
    assert {"listening", "solutions"} <= {skill for _, skill, _ in extra}
    assert "confused" in messages(confused, "persona_penalty:jargon")[0]
    reasonable = play(start, chain(*turns, persona="reasonable")).result
    assert evidence(reasonable, "persona_penalty:jargon") == []
    assert confused.skills["solutions"] < reasonable.skills["solutions"]


def test_skeptic_a_promise_needs_evidence_or_a_time_in_the_same_reply(start, catalog):
    rule = scoring(catalog, "skeptic", "promise_needs_proof")
    bare = play(start, chain(turn("acknowledge"), turn("take-ownership", "offer-solution"), *CLOSE,
                             persona="skeptic")).result
    assert evidence(bare, "promise_needs_proof") == [(2, "solutions", rule["points"])]
    assert messages(bare, "promise_needs_proof") == [rule["message"]]
    for proof in rule["proof_acts"]:
        backed = play(start, chain(turn("acknowledge"), turn("take-ownership", "offer-solution", proof), *CLOSE,
                                   persona="skeptic")).result
        assert evidence(backed, "promise_needs_proof") == [], proof
    other = play(start, chain(turn("acknowledge"), turn("take-ownership", "offer-solution"), *CLOSE,
                              persona="reasonable")).result
    assert evidence(other, "promise_needs_proof") == []


def test_hostile_letting_an_attack_pass_costs_more(start, catalog):
    keeps = scoring(catalog, "hostile", "provocation")["let_pass_keeps"]
    assert keeps < catalog.rubric["rules"]["provocation"]["let_pass_keeps"]
    turns = (turn("acknowledge", "offer-solution", provokes=["insult"]), *CLOSE)
    hostile = play(start, chain(*turns, persona="hostile")).result
    [(turn_no, skill, points)] = evidence(hostile, "provocation_let_pass")
    assert (turn_no, skill) == (1, "calm") and points == pytest.approx(-100 * (1 - keeps))
    assert scoring(catalog, "hostile", "provocation")["message"] in messages(hostile, "provocation_let_pass")[0]
    reasonable = play(start, chain(*turns, persona="reasonable")).result
    assert hostile.skills["calm"] < reasonable.skills["calm"]


def test_reasonable_a_boundary_nobody_needed_costs_empathy(start, catalog):
    rule = scoring(catalog, "reasonable", "unprovoked")
    unprovoked = play(start, chain(turn("set-boundary", "acknowledge"), turn("offer-solution"), *CLOSE)).result
    assert evidence(unprovoked, "unprovoked") == [(1, rule["skill"], rule["points"])]
    provoked = play(start, chain(turn("set-boundary", "acknowledge", provokes=["insult"]), turn("offer-solution"),
                                 *CLOSE)).result
    assert evidence(provoked, "unprovoked") == []


# ----------------------------------------------------------------------------- the best path moves


def _with_persona(sc, persona):
    return dataclasses.replace(sc, customer=dataclasses.replace(sc.customer, persona=persona))


def _best(sc, catalog):
    return analyse(sc, catalog, runs=1, sweep_limit=1).best.choices


def persona_sensitive():
    """Two good roads at three nodes; which is better depends on the customer:
    at `fix_or_feel`, more sympathy (1) or the fix first (2, what the impatient need);
    at `how`, the fix with ownership (1) or backed with a reference (2, what a skeptic needs);
    at `tone`, a firm word (1) or plain warmth (2, what a reasonable customer needs)."""
    nodes = [
        node("open", [reply("That sounds really frustrating. Tell me what happened?", ["acknowledge", "invite"],
                            "fix_or_feel")]),
        choice_node("fix_or_feel", [
            ("I'm so sorry. So the parcel never came and nobody called you?", ["apologize", "paraphrase"], "how"),
            ("I'll sort it now: you can have a refund or a new one today.", ["take-ownership", "offer-options"],
             "feel_after")]),
        choice_node("feel_after", [("And I'm sorry - so it never came and nobody called?", ["apologize", "paraphrase"],
                                    "tone")]),
        choice_node("how", [
            ("I'll make this right: a refund or a new one today.", ["take-ownership", "offer-options"], "tone"),
            ("Refund or a new one today - here is reference R-2231 for either.", ["offer-options", "show-evidence"],
             "tone")]),
        choice_node("tone", [
            ("Let's keep this respectful and I'll confirm everything now.", ["set-boundary", "summarize"], "check"),
            ("So: the new one arrives Friday with reference R-2231.", ["summarize"], "check")]),
        choice_node("check", [("Is there anything else I can help with?", ["check-remaining"], "bye")]),
        choice_node("bye", [("Thank you for your patience - have a good evening.", ["thank", "close-positive"],
                             "happy")]),
    ]
    return scenario(nodes, persona="reasonable")


def test_on_a_scenario_built_for_it_each_persona_has_its_own_best_path(catalog):
    sc = persona_sensitive()
    best = {p: _best(_with_persona(sc, p), catalog) for p in ("reasonable", "impatient", "skeptic", "hostile")}
    assert best["impatient"][1] == 2 and best["reasonable"][1] == 1  # fix first vs feel first
    assert best["skeptic"][2] == 2 and best["reasonable"][2] == 1  # backed promise vs plain one
    assert best["reasonable"][3] == 2 and best["hostile"][3] == 1  # warmth vs a firm word
    assert len({best[p] for p in best}) == 4


def test_swapping_the_persona_changes_the_best_path_in_most_shipped_scenarios(catalog):
    from simulator.scenario.loader import load_scenario

    changed, report = 0, []
    for path in SHIPPED:
        sc, diagnostics = load_scenario(path, catalog)
        assert sc is not None, [d.message for d in diagnostics]
        own = _best(sc, catalog)
        moved = [p for p in catalog.personas if p != sc.customer.persona
                 and _best(_with_persona(sc, p), catalog) != own]
        changed += bool(moved)
        report.append(f"{sc.id} ({sc.customer.persona}): {', '.join(moved) or 'no swap moves the best path'}")
    assert changed * 2 > len(SHIPPED), "\n".join(report)
