"""Each rule of the trainer's rubric, shown with the evidence it writes (rule, skill, points, turn,
message), on tiny scenarios played through the real `Session` (the `start` fixture also
plays every one through a snapshot round trip after each turn).
"""

from __future__ import annotations

import pytest

from engine_builders import scenario
from rubric_scenarios import ONLY_ESCALATION, chain, choice_node, evidence, messages, play, turn
from simulator.engine.compiled import compile_scenario
from simulator.engine.rubric import resolution_reachable

# a clean conversation that earns every skill except solutions
NO_SOLUTIONS = (turn("acknowledge", "apologize"), turn("invite", "paraphrase"),
                turn("summarize", "check-remaining", "offer-follow-up"), turn("thank", "close-positive"))
FULL = (turn("acknowledge", "apologize"), turn("invite", "paraphrase"), turn("take-ownership", "offer-options"),
        turn("summarize", "check-remaining", "offer-follow-up"), turn("thank", "close-positive"))


@pytest.fixture(scope="module")
def rules(catalog):
    return catalog.rubric["rules"]


# ----------------------------------------------------------------------------- 1. the floor


def test_a_skill_under_the_floor_holds_back_the_pass_and_is_named(start, catalog):
    result = play(start, chain(*NO_SOLUTIONS)).result
    floor = catalog.rubric["floor"]
    assert result.skills["solutions"] < floor <= min(v for s, v in result.skills.items() if s != "solutions")
    assert result.held_back_by == ("solutions",)
    assert not result.passed and result.grade not in ("A", "B")
    assert any("Solutions" in cap and f"{floor:g}" in cap for cap in result.caps)


def test_the_same_conversation_with_a_solution_passes(start):
    result = play(start, chain(*FULL)).result
    assert result.held_back_by == () and result.passed and result.grade == "A"


def test_the_floor_is_not_applied_to_a_conversation_in_progress(start):
    session = play(start, chain(*NO_SOLUTIONS), turns=[0, 0])
    card = session.provisional_score()
    assert card.held_back_by == () and not any("floor" in cap for cap in card.caps)


# ----------------------------------------------------------------------------- 2. calm by opportunity


def test_answering_a_provocation_with_a_boundary_keeps_calm(start):
    result = play(start, chain(turn("set-boundary", "offer-solution", provokes=["insult"]), *FULL[3:])).result
    [(turn_no, skill, points)] = evidence(result, "provocation_answered")
    assert (turn_no, skill, points) == (1, "calm", 0.0)
    assert "insult" in messages(result, "provocation_answered")[0]
    assert result.skills["calm"] == 100


def test_letting_a_provocation_pass_costs_calm(start, rules):
    result = play(start, chain(turn("acknowledge", "offer-solution", provokes=["insult"]), *FULL[3:])).result
    keeps = rules["provocation"]["let_pass_keeps"]
    [(turn_no, skill, points)] = evidence(result, "provocation_let_pass")
    assert (turn_no, skill) == (1, "calm") and points == pytest.approx(-100 * (1 - keeps))
    assert "insult" in messages(result, "provocation_let_pass")[0]
    assert result.skills["calm"] == round(100 * keeps)
    assert "calm" in result.held_back_by and not result.passed  # letting an insult pass no longer grades A


def test_mirroring_a_provocation_costs_more_than_letting_it_pass(start, rules, catalog):
    result = play(start, chain(turn("defensive", provokes=["blame"]), *FULL[3:])).result
    [(turn_no, skill, points)] = evidence(result, "provocation_mirrored")
    assert (turn_no, skill) == (1, "calm")
    assert points == pytest.approx(-100 + rules["provocation"]["mirror_points"])
    assert evidence(result, "penalty:defensive") == [(1, "calm", catalog.rubric["penalty"]["defensive"])]
    assert result.skills["calm"] == 0


def test_calm_is_the_mean_over_the_provocations_met(start, rules):
    keeps = rules["provocation"]["let_pass_keeps"]
    result = play(start, chain(turn("stay-composed", "acknowledge", provokes=["shouting"]),
                               turn("offer-solution", provokes=["sarcasm"]), *FULL[3:])).result
    points = [e.points for e in result.evidence if e.rule.startswith("provocation_")]
    assert len(points) == 2
    assert result.skills["calm"] == round(100 * (1 + keeps) / 2) == round(100 + sum(points))


def test_with_no_provocation_calm_stays_full_only_without_negative_acts(start, catalog):
    clean = play(start, chain(*FULL)).result
    assert clean.skills["calm"] == 100 and not [e for e in clean.evidence if e.skill == "calm"]
    sharp = play(start, chain(turn("sarcasm"), *FULL)).result
    assert sharp.skills["calm"] == 100 + catalog.rubric["penalty"]["sarcasm"]


def test_a_set_boundary_away_from_provocation_earns_no_calm(start):
    result = play(start, chain(turn("set-boundary"), *FULL)).result
    assert [e for e in result.evidence if e.skill == "calm"] == []


def test_insult_and_walk_out_still_cap(start, catalog):
    caps = catalog.rubric["caps"]
    insulted = play(start, chain(turn("insult", provokes=["insult"]), *FULL)).result
    assert insulted.overall <= caps["critical_act"]["max_overall"]
    walked = play(start, chain(*FULL, end="gone")).result
    assert walked.outcome == "walked-out" and walked.overall <= caps["outcomes"]["walked-out"]["max_overall"]


# ----------------------------------------------------------------------------- 4. mixed replies, non-apology


def test_a_reply_with_a_negative_act_earns_nothing_from_its_positive_acts(start):
    result = play(start, chain(turn("acknowledge", "but"), turn("acknowledge"), *FULL[1:])).result
    [(turn_no, skill, points)] = evidence(result, "mixed_reply")
    assert (turn_no, skill, points) == (1, "empathy", 0.0)
    message = messages(result, "mixed_reply")[0]
    assert "Name the feeling" in message and "I understand, but" in message
    # the credit is still there to earn with a clean reply later
    assert [t for t, _, _ in evidence(result, "credit:acknowledge")] == [2]


def test_a_mixed_reply_does_not_count_as_listening_before_the_fix(start):
    result = play(start, chain(turn("interrupt", "clarify"), turn("acknowledge", "offer-solution"), *FULL[3:])).result
    [(turn_no, skill, points)] = evidence(result, "listen_before_solve")
    assert (turn_no, skill) == (2, "listening") and points < 0
    assert evidence(result, "credit:clarify") == []


def test_a_non_apology_is_its_own_negative_empathy_act(start, catalog):
    result = play(start, chain(turn("non-apology"), *FULL)).result
    assert evidence(result, "penalty:non-apology") == [(1, "empathy", catalog.rubric["penalty"]["non-apology"])]
    assert catalog.acts["non-apology"].polarity == "negative" and catalog.acts["non-apology"].lesson


# ----------------------------------------------------------------------------- 5. hand-offs and escalation


def test_a_hand_off_costs_solutions(start, catalog):
    result = play(start, chain(turn("acknowledge"), turn("hand-off"), *FULL[3:])).result
    assert evidence(result, "penalty:hand-off") == [(2, "solutions", catalog.rubric["penalty"]["hand-off"])]


def test_a_hand_off_marked_right_costs_nothing_and_does_not_spoil_the_reply(start, rules):
    result = play(start, chain(turn("acknowledge"), turn("hand-off", "next-step", hand_off_right=True),
                               *FULL[3:])).result
    assert evidence(result, "penalty:hand-off") == []
    assert evidence(result, "hand_off_right") == [(2, "solutions", 0.0)]
    assert messages(result, "hand_off_right") == [rules["hand_off"]["right"]]
    assert [t for t, _, _ in evidence(result, "credit:next-step")] == [2]  # not a mixed reply


def test_an_escalation_caps_below_pass_when_a_resolution_was_reachable(start, catalog):
    sc = scenario([choice_node("a", [("Let me fix this now.", ["acknowledge", "offer-solution"], "done"),
                                     ("I'll get my manager.", ["acknowledge", "take-ownership"], "boss")])])
    assert resolution_reachable(sc) and compile_scenario(sc, catalog).rubric.resolution_reachable
    result = play(start, sc, turns=[1]).result
    cap = catalog.rubric["caps"]["avoidable_escalation"]
    assert result.outcome == "escalated" and result.overall <= cap["max_overall"] and not result.passed
    assert cap["message"] in result.caps


def test_an_escalation_is_not_capped_when_nothing_could_be_resolved(start, catalog):
    sc = chain(*FULL, end="boss", endings=ONLY_ESCALATION)
    assert not resolution_reachable(sc)
    result = play(start, sc).result
    assert result.outcome == "escalated"
    assert catalog.rubric["caps"]["avoidable_escalation"]["message"] not in result.caps


# ----------------------------------------------------------------------------- 6. show-evidence


def test_show_evidence_earns_solutions(start, catalog):
    act = catalog.acts["show-evidence"]
    assert (act.polarity, act.skill) == ("positive", "solutions")
    result = play(start, chain(turn("show-evidence"))).result
    [(turn_no, skill, points)] = evidence(result, "credit:show-evidence")
    assert (turn_no, skill) == (1, "solutions") and points > 0
