"""Persona matters: the same reply moves different customers differently, the way the design says.

Each comparison starts both customers from the *same* mood (a full customer.mood override),
so any difference comes from the persona's gains alone.
"""

from __future__ import annotations

import pytest

from engine_builders import node, reply, scenario, trigger

SAME_START = [("pleasure", -0.4), ("arousal", 0.5), ("dominance", 0.2), ("heard", 0.1), ("trust", 0.2),
              ("patience", 6.0)]


def moved(start, persona, acts, dim):
    sc = scenario([node("a", [reply("the reply", acts, "done")])], persona=persona, mood=SAME_START)
    s = start(sc, [0])
    record = s.transcript[0]
    return record.mood_after[dim] - record.mood_before[dim]


def test_a_concrete_solution_pleases_the_impatient_more_than_the_confused(start):
    impatient = moved(start, "impatient", ["offer-solution"], "pleasure")
    confused = moved(start, "confused", ["offer-solution"], "pleasure")
    assert impatient > confused > 0


def test_jargon_hurts_the_confused_more_than_the_impatient(start):
    confused = moved(start, "confused", ["jargon"], "trust")
    impatient = moved(start, "impatient", ["jargon"], "trust")
    assert confused < impatient < 0


def test_a_clarifying_question_helps_the_confused_more(start):
    confused = moved(start, "confused", ["clarify"], "heard")
    impatient = moved(start, "impatient", ["clarify"], "heard")
    assert confused > impatient > 0


def test_long_empathy_pays_less_with_the_impatient(start):
    impatient = moved(start, "impatient", ["acknowledge", "validate"], "pleasure")
    reasonable = moved(start, "reasonable", ["acknowledge", "validate"], "pleasure")
    assert 0 < impatient < reasonable


def test_skeptics_discount_apologies_and_reward_next_steps(start):
    assert moved(start, "skeptic", ["apologize"], "pleasure") < moved(start, "reasonable", ["apologize"], "pleasure")
    assert moved(start, "skeptic", ["next-step"], "trust") > moved(start, "reasonable", ["next-step"], "trust")


def test_hostile_customers_punish_sarcasm_harder(start):
    assert moved(start, "hostile", ["sarcasm"], "arousal") > moved(start, "reasonable", ["sarcasm"], "arousal") > 0


def test_stalling_costs_the_impatient_their_patience_fast(start, catalog):
    # a persona's starting patience is part of who they are: the impatient walk out first
    impatient = dict(catalog.personas["impatient"].start)["patience"]
    reasonable = dict(catalog.personas["reasonable"].start)["patience"]
    assert impatient < reasonable
    sc = scenario([node("a", [reply("Let me see...", ["stall"], "a")])], persona="impatient",
                  triggers=[trigger("gone", threshold="walk_out")])
    s = start(sc, [0] * int(impatient))
    assert s.result is not None and s.result.outcome == "walked-out" and s.turn == int(impatient)


@pytest.mark.parametrize("persona", ["impatient", "confused", "skeptic", "hostile", "reasonable"])
def test_every_shipped_persona_compiles_and_starts_unhappy(catalog, persona):
    from simulator.engine.mood import compile_mood, expression

    model = compile_mood(catalog, persona)
    assert expression(model, model.start) in ("furious", "angry", "annoyed")
